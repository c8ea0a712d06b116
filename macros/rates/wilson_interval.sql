{#
    Wilson score interval of a proportion x / n, 95% (Wilson 1927; Newcombe 1998, method 3;
    R: prop.test without continuity correction, binom::binom.confint method "wilson").

    With z = 1.959963984540054 (the 0.975 quantile of the standard normal distribution):
        centre    = (x + z^2 / 2) / (n + z^2)
        half      = z * sqrt(x * (n - x) / n + z^2 / 4) / (n + z^2)
        lower     = centre - half                                   (exactly 0 when x = 0)
        upper     = centre + half                                   (exactly 1 when x = n)
    the same as the textbook form (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    with p = x / n, multiplied through by n. Unlike the Wald interval p -+ z sqrt(p(1-p)/n) it
    stays within [0, 1] and is not empty at x = 0 or x = n. At x = 0 and x = n the limits are
    set to 0 and 1 exactly: the formula gives them up to rounding (z * sqrt(z^2 / 4) is z^2 / 2
    only to the last bit), and a share's interval should not start at -1e-17.

    wilson_interval(numerator, denominator): returns {'lower': sql, 'upper': sql}, two double
    expressions; null when the denominator is null or not positive, or the numerator is null.
    The caller guarantees 0 <= numerator <= denominator (NKI: staging quarantines a numerator
    above its denominator), so the square root never sees a negative number.
    Plain sqrt, power and case: alike on DuckDB, PostgreSQL and Spark.
#}
{#- z as a double: a bare literal is a decimal on Spark and PostgreSQL -#}
{% macro wilson_z() -%}cast(1.959963984540054 as {{ type_double() }}){%- endmacro %}

{% macro wilson_interval(numerator, denominator) -%}
    {%- set x = 'cast(' ~ numerator ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set n = 'cast(' ~ denominator ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set z = wilson_z() -%}
    {%- set centre = '(' ~ x ~ ' + power(' ~ z ~ ', 2) / 2) / (' ~ n ~ ' + power(' ~ z ~ ', 2))' -%}
    {%- set half = z ~ ' * sqrt(' ~ x ~ ' * (' ~ n ~ ' - ' ~ x ~ ') / ' ~ n
        ~ ' + power(' ~ z ~ ', 2) / 4) / (' ~ n ~ ' + power(' ~ z ~ ', 2))' -%}
    {%- set lower -%}
        case
            when {{ denominator }} > 0 and {{ numerator }} = 0 then cast(0 as {{ type_double() }})
            when {{ denominator }} > 0 then {{ centre }} - {{ half }}
        end
    {%- endset -%}
    {%- set upper -%}
        case
            when {{ denominator }} > 0 and {{ numerator }} = {{ denominator }}
                then cast(1 as {{ type_double() }})
            when {{ denominator }} > 0 then {{ centre }} + {{ half }}
        end
    {%- endset -%}
    {{ return({'lower': lower, 'upper': upper}) }}
{%- endmacro %}
