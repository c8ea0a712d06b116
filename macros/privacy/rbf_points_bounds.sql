{#
    What an outsider knows about each RHF row of the RBF indicators before reading
    fct_rbf_points (docs/methods.md "Suppression", RBF points): emits one CTE, `name`, for
    the caller's WITH clause, with one row per RHF row of `published`.

    published: a relation / CTE shaped like fct_rbf_indicators (rbf_year, calculation,
        indicator_id, data_source, data_year, period, area_level, area_code, numerator,
        denominator, target, weight, points, is_suppressed; a hidden numerator and points
        are null).

    output `name`: rbf_year, calculation, rhf_code, indicator_id, data_year, period,
    denominator, target, weight, points, is_suppressed, and the bounds of the RHF's
    numerator n that the published cells give:
      - lower_bound = the sum of the RHF's published HF numerators (hidden HF areas and
        units without an HF area add 0 or more);
      - upper_bound = denominator - the sum of the published HF complements (denominator -
        numerator), since the RHF's complement is at least that;
      - for the NKI indicator, a numerator that fct_nki_indicators publishes (sector `all`,
        same year and RHF; read from int_nki__indicators, which it publishes) pins n: both
        bounds are it.
    A published RHF row has bounds like any other; the callers only read the hidden ones.
#}
{% macro rbf_points_bounds(name, published) -%}
    {{ name }}_hf_parts as (
        select
            parts.rbf_year,
            parts.calculation,
            parts.indicator_id,
            parts.data_year,
            parts.period,
            areas.parent_area_code as rhf_code,
            sum(case when not parts.is_suppressed then parts.numerator else 0 end)
                as published_numerator,
            sum(
                case
                    when not parts.is_suppressed then parts.denominator - parts.numerator
                    else 0
                end
            ) as published_complement
        from {{ published }} as parts
        inner join {{ ref('dim_areas') }} as areas
            on
                parts.area_level = areas.area_level
                and parts.area_code = areas.area_code
        where parts.area_level = 'hf'
        group by
            parts.rbf_year,
            parts.calculation,
            parts.indicator_id,
            parts.data_year,
            parts.period,
            areas.parent_area_code
    ),

    {{ name }}_nki as (
        select
            year,
            area_code,
            numerator
        from {{ ref('int_nki__indicators') }}
        where sector = 'all' and area_level = 'rhf' and not is_suppressed
    ),

    {{ name }} as (
        select
            rhf.rbf_year,
            rhf.calculation,
            rhf.area_code as rhf_code,
            rhf.indicator_id,
            rhf.data_year,
            rhf.period,
            rhf.denominator,
            rhf.target,
            rhf.weight,
            rhf.points,
            rhf.is_suppressed,
            coalesce(nki.numerator, hf.published_numerator, 0) as lower_bound,
            coalesce(nki.numerator, rhf.denominator - coalesce(hf.published_complement, 0))
                as upper_bound
        from {{ published }} as rhf
        left join {{ name }}_hf_parts as hf
            on
                rhf.rbf_year = hf.rbf_year
                and rhf.calculation = hf.calculation
                and rhf.indicator_id = hf.indicator_id
                and rhf.data_year = hf.data_year
                and rhf.period = hf.period
                and rhf.area_code = hf.rhf_code
        left join {{ name }}_nki as nki
            on
                rhf.data_source = 'nki'
                and rhf.data_year = nki.year
                and rhf.area_code = nki.area_code
        where rhf.area_level = 'rhf'
    )
{%- endmacro %}

{#- the join condition of two relations on the keys -#}
{% macro rbf_points_match(left, right, keys) -%}
    {%- set items = [] -%}
    {%- for key in keys -%}
        {%- do items.append(left ~ '.' ~ key ~ ' = ' ~ right ~ '.' ~ key) -%}
    {%- endfor -%}
    {{ items | join(' and ') }}
{%- endmacro %}

{#- the keys, qualified by a relation's alias -#}
{% macro rbf_points_keys(alias, keys) -%}
    {%- set items = [] -%}
    {%- for key in keys -%}
        {%- do items.append(alias ~ '.' ~ key) -%}
    {%- endfor -%}
    {{ items | join(', ') }}
{%- endmacro %}
