{#
    The derived figures of the key-figure, health-community and completeness marts (SPEC
    section 11), written once:

    pct_change(current, previous): change in percent, 100 * (current - previous) / previous,
        rounded to pct_change_decimals() (2, as seed 001 prints "57,52 %"); NULL when either
        value is NULL or the previous value is 0 (no finite change).
    share(numerator, denominator): numerator / denominator as a fraction in [0, 1], rounded to
        share_decimals() (4 = two decimals in percent, as seed 001's "15,95 %"); NULL when the
        denominator is 0 or NULL.
    is_small_count(count): true for a count from 1 to var('min_cell_count') - 1, the cells
        SPEC section 12 suppresses (zero stays zero: no one to identify), as in
        fct_utilisation_rates; false for NULL.
#}
{% macro pct_change_decimals() -%}2{%- endmacro %}

{% macro share_decimals() -%}4{%- endmacro %}

{% macro pct_change(current, previous) -%}
    case
        when {{ previous }} > 0
            then {{ round_to(
                '100.0 * cast(' ~ current ~ ' - ' ~ previous ~ ' as ' ~ type_double() ~ ') / '
                ~ previous,
                pct_change_decimals()
            ) }}
    end
{%- endmacro %}

{% macro share(numerator, denominator) -%}
    case
        when {{ denominator }} > 0
            then {{ round_to(
                'cast(' ~ numerator ~ ' as ' ~ type_double() ~ ') / ' ~ denominator,
                share_decimals()
            ) }}
    end
{%- endmacro %}

{% macro is_small_count(count) -%}
    coalesce({{ count }} > 0 and {{ count }} < {{ var('min_cell_count') }}, false)
{%- endmacro %}
