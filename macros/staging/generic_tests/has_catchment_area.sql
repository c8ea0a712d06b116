{#
    Every residence (municipality, district) of the model must be a residence unit of the
    catchment mapping chosen by var catchment_mapping_version: a municipality row (district
    NULL) or a district row of ref_catchment_areas. Rows flagged as unknown residence are
    left out with the test's `where` config (they have no municipality). Returns the
    residences without a catchment area and how many rows carry each.
#}
{% test has_catchment_area(
    model, municipality_column='municipality_code', district_column='district_code'
) %}

with residences as (
    select
        {{ municipality_column }} as municipality_code,
        {{ district_column }} as district_code,
        count(*) as n_rows
    from {{ model }}
    group by {{ municipality_column }}, {{ district_column }}
),

catchment_units as (
    select
        municipality_code,
        district_code
    from {{ ref('ref_catchment_areas') }}
    where mapping_version = '{{ var("catchment_mapping_version") }}'
)

select
    residences.municipality_code,
    residences.district_code,
    residences.n_rows
from residences
left join catchment_units
    on
        residences.municipality_code = catchment_units.municipality_code
        and coalesce(residences.district_code, '-') = coalesce(catchment_units.district_code, '-')
where catchment_units.municipality_code is null

{% endtest %}
