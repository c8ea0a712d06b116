{#
    The sums of int_nki__indicators (models/intermediate/rbf; the method in its header), CTEs for
    its `with`: nki_area_sums(located) renders sectors, area_rows and `summed` (year, sector,
    area_level, area_code, numerator = summaries sent within 1 day, denominator =
    discharges). `located`: the NKI rows of the complete years with year, sector,
    summaries_within_1_day, discharges and the treating RHF and HF area (NULL when unknown:
    such a row counts in Norway only).
#}
{% macro nki_area_sums(located) -%}
-- Each row once per sector (as delivered, and `all`) and per area level.
sectors as (
    select
        year,
        sector,
        summaries_within_1_day,
        discharges,
        treating_rhf_code,
        hf_area_code
    from {{ located }}
    union all
    select
        year,
        'all' as sector,
        summaries_within_1_day,
        discharges,
        treating_rhf_code,
        hf_area_code
    from {{ located }}
),

area_rows as (
    select
        year,
        sector,
        'norway' as area_level,
        'norway' as area_code,
        summaries_within_1_day,
        discharges
    from sectors
    union all
    select
        year,
        sector,
        'rhf' as area_level,
        treating_rhf_code as area_code,
        summaries_within_1_day,
        discharges
    from sectors
    where treating_rhf_code is not null
    union all
    select
        year,
        sector,
        'hf' as area_level,
        hf_area_code as area_code,
        summaries_within_1_day,
        discharges
    from sectors
    where hf_area_code is not null
),

summed as (
    select
        year,
        sector,
        area_level,
        area_code,
        sum(summaries_within_1_day) as numerator,
        sum(discharges) as denominator
    from area_rows
    group by
        year,
        sector,
        area_level,
        area_code
)
{%- endmacro %}
