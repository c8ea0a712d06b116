{#
    The constants of the rate method, in one place (SPEC sections 5, 6 and 12).

    rate_periods(): period -> (first month, last month). Periods are cumulative from January;
        the population of a period is the annual population times (last month / 12), so that
        a T1 or T2 rate is comparable with a whole-year rate (seed 000, "Rates for the 1st and
        2nd quarter": x 4/12 and x 8/12).
    rate_measures(): measure -> properties:
        is_count            events are whole numbers of something that happens (contacts,
                            procedures, patients, bed days, codes, invoices, referrals): the
                            Fay-Feuer gamma interval applies. 'nok' (reimbursement in NOK) is not a
                            count: its rate has no interval.
        suppression_basis   the count measure whose number of events decides suppression of the
                            cell (SPEC section 12): bed days are suppressed with the patients they
                            belong to, NOK with the laboratory codes it pays for.
    rate_per(): the rates are per 100,000 inhabitants.
    rate_decimals(): published rates and populations are rounded to this many decimals.
#}
{% macro rate_periods() -%}
    {{ return({'T1': (1, 4), 'T2': (1, 8), 'year': (1, 12)}) }}
{%- endmacro %}

{% macro rate_measures() -%}
    {{ return({
        'contacts': {'is_count': true, 'suppression_basis': 'contacts'},
        'procedures': {'is_count': true, 'suppression_basis': 'procedures'},
        'patients': {'is_count': true, 'suppression_basis': 'patients'},
        'bed_days': {'is_count': true, 'suppression_basis': 'patients'},
        'codes': {'is_count': true, 'suppression_basis': 'codes'},
        'nok': {'is_count': false, 'suppression_basis': 'codes'},
        'invoices': {'is_count': true, 'suppression_basis': 'invoices'},
        'referrals': {'is_count': true, 'suppression_basis': 'referrals'},
    }) }}
{%- endmacro %}

{% macro rate_per() -%}100000{%- endmacro %}

{% macro rate_decimals() -%}3{%- endmacro %}

{#
    The population factor of a period: (last month) / 12, as a CASE over rate_periods(), in
    double precision on every adapter (as dim_periods.population_factor). A decimal literal
    would not do: Spark divides decimal(2,1) by 12 to six decimals (4.0 / 12 = 0.333333, a
    population of 3,000 became 999.999 in T1), PostgreSQL to 20 digits, DuckDB in double.
#}
{% macro period_population_factor(period) -%}
    {%- set branches = [] -%}
    {%- for name, months in rate_periods().items() -%}
        {%- do branches.append(
            "when " ~ period ~ " = '" ~ name ~ "' then cast(" ~ months[1] ~ " as "
            ~ type_double() ~ ") / 12") -%}
    {%- endfor -%}
    case
        {{ branches | join('\n        ') }}
    end
{%- endmacro %}

{# true when the measure's events are counts (the interval applies). #}
{% macro measure_is_count(measure) -%}
    {%- set names = [] -%}
    {%- for name, props in rate_measures().items() if props.is_count -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    ({{ measure }} in {{ text_list(names) }})
{%- endmacro %}

{# The measure whose events decide whether a cell of `measure` is suppressed. #}
{% macro suppression_basis_measure(measure) -%}
    {%- set branches = [] -%}
    {%- for name, props in rate_measures().items() -%}
        {%- do branches.append(
            "when " ~ measure ~ " = '" ~ name ~ "' then '" ~ props.suppression_basis ~ "'") -%}
    {%- endfor -%}
    case
        {{ branches | join('\n        ') }}
    end
{%- endmacro %}

{# The key of a population scope: 'sex_age:female:0-105'. #}
{% macro rate_scope_id(stratification, sex_scope, age_from, age_to) -%}
    {{ dbt.concat([
        stratification, "':'", sex_scope, "':'",
        'cast(' ~ age_from ~ ' as ' ~ dbt.type_string() ~ ')', "'-'",
        'cast(' ~ age_to ~ ' as ' ~ dbt.type_string() ~ ')'
    ]) }}
{%- endmacro %}

{#
    One text key for a stratum of a level's population: scope, year, area level, sex and age
    group ('sex_age:all:0-105|2024|hf|female|00-04'). Its order is the order in which
    int_rate_area_expected adds a cell's expected counts over the strata (it numbers the
    strata in this order and joins and groups on the number, not on the text).
#}
{% macro rate_stratum_key(scope_id, year, area_level, sex, age_group) -%}
    {{ dbt.concat([
        scope_id, "'|'", 'cast(' ~ year ~ ' as ' ~ dbt.type_string() ~ ')', "'|'",
        area_level, "'|'", sex, "'|'", age_group
    ]) }}
{%- endmacro %}
