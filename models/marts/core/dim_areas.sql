{#
    The areas the rates are reported for (SPEC section 5): Norway, and the RHF, HF and hospital
    catchment areas of residence of the ONE catchment mapping chosen by var
    catchment_mapping_version (applied to all years). SKDE's pseudo areas of the mapping
    (24 abroad/Svalbard, 8888 Norway, 99 unknown municipality number) are not areas of rates:
    unknown residence counts in Norway only. Nor is an area without residence units of its own
    (Oslo as a whole, HF area 30; see catchment_areas below).

    Names: area_name is SKDE's Norwegian name; area_name_en translates only what is not a
    proper name (Norway and the four RHFs: the RHFs' own English names); HF and hospital areas
    keep their names. The bar colour follows seed 000 ("How to use the dashboard"): a blue scale,
    Norway light blue, RHF areas slightly darker, HF areas dark blue, hospital areas darker still.
#}
{#- Display attributes per level: sort order, level names (nb, en), bar colour (seed 000). #}
{%- set area_levels = {
    'norway': (0, 'Norge', 'Norway', '#9ecae1'),
    'rhf': (1, 'RHF-område', 'RHF area', '#4292c6'),
    'hf': (2, 'HF-område', 'HF area', '#2171b5'),
    'hospital': (3, 'Sykehusområde', 'Hospital area', '#08306b'),
} %}

with catchment_mapping as (
    select
        municipality_code,
        district_code,
        rhf_code,
        rhf_name,
        hf_code,
        hf_name,
        hospital_code,
        hospital_name
    from {{ ref('ref_catchment_areas') }}
    where
        mapping_version = '{{ var("catchment_mapping_version") }}'
        and rhf_code not in ('24', '8888', '99')
),

districted_municipalities as (
    select distinct municipality_code
    from catchment_mapping
    where district_code is not null
),

-- The residence units staging assigns (macros/staging/residence.sql): a municipality, or a
-- district where the municipality is divided into districts. The whole-municipality row of
-- a divided city is no residence unit: SKDE maps Oslo as a whole to an HF area 30 "Oslo",
-- which has no residents of its own and is left out.
catchment_areas as (
    select distinct
        catchment_mapping.rhf_code,
        catchment_mapping.rhf_name,
        catchment_mapping.hf_code,
        catchment_mapping.hf_name,
        catchment_mapping.hospital_code,
        catchment_mapping.hospital_name
    from catchment_mapping
    left join districted_municipalities
        on catchment_mapping.municipality_code = districted_municipalities.municipality_code
    where
        catchment_mapping.district_code is not null
        or districted_municipalities.municipality_code is null
),

area_levels as (
    {%- for level, attributes in area_levels.items() %}
        select
            '{{ level }}' as area_level,
            {{ attributes[0] }} as level_sort_order,
            '{{ attributes[1] }}' as level_name_nb,
            '{{ attributes[2] }}' as level_name_en,
            '{{ attributes[3] }}' as bar_colour
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

rhf_areas as (
    select distinct
        rhf_code,
        rhf_name
    from catchment_areas
),

hf_areas as (
    select distinct
        rhf_code,
        hf_code,
        hf_name
    from catchment_areas
),

hospital_areas as (
    select distinct
        rhf_code,
        hf_code,
        hospital_code,
        hospital_name
    from catchment_areas
    where hospital_code is not null
),

-- Codes are numbers written as text: they sort as numbers (RHFs north to south: 1 Nord,
-- 2 Midt-Norge, 3 Vest, 4 Sør-Øst; HFs within their RHF; hospitals within their HF).
areas as (
    select
        'norway' as area_level,
        'norway' as area_code,
        'Norge' as mapping_name,
        cast(null as {{ dbt.type_string() }}) as parent_area_level,
        cast(null as {{ dbt.type_string() }}) as parent_area_code,
        cast(null as {{ dbt.type_string() }}) as rhf_code,
        cast(null as {{ dbt.type_string() }}) as hf_code,
        -1 as rhf_number,
        -1 as hf_number,
        -1 as hospital_number
    union all
    select
        'rhf' as area_level,
        rhf_code as area_code,
        rhf_name as mapping_name,
        'norway' as parent_area_level,
        'norway' as parent_area_code,
        rhf_code,
        cast(null as {{ dbt.type_string() }}) as hf_code,
        cast(rhf_code as {{ dbt.type_int() }}) as rhf_number,
        -1 as hf_number,
        -1 as hospital_number
    from rhf_areas
    union all
    select
        'hf' as area_level,
        hf_code as area_code,
        hf_name as mapping_name,
        'rhf' as parent_area_level,
        rhf_code as parent_area_code,
        rhf_code,
        hf_code,
        cast(rhf_code as {{ dbt.type_int() }}) as rhf_number,
        cast(hf_code as {{ dbt.type_int() }}) as hf_number,
        -1 as hospital_number
    from hf_areas
    union all
    select
        'hospital' as area_level,
        hospital_code as area_code,
        hospital_name as mapping_name,
        'hf' as parent_area_level,
        hf_code as parent_area_code,
        rhf_code,
        hf_code,
        cast(rhf_code as {{ dbt.type_int() }}) as rhf_number,
        cast(hf_code as {{ dbt.type_int() }}) as hf_number,
        cast(hospital_code as {{ dbt.type_int() }}) as hospital_number
    from hospital_areas
),

-- Names: Norway in English, the RHFs' own English names; short labels without "RHF".
named as (
    select
        areas.area_level,
        areas.area_code,
        areas.parent_area_level,
        areas.parent_area_code,
        areas.rhf_code,
        areas.hf_code,
        areas.rhf_number,
        areas.hf_number,
        areas.hospital_number,
        area_levels.level_sort_order,
        area_levels.level_name_nb,
        area_levels.level_name_en,
        area_levels.bar_colour,
        areas.mapping_name as area_name,
        {{ area_label_columns('areas') }}
    from areas
    inner join area_levels
        on areas.area_level = area_levels.area_level
),

parents as (
    select
        area_level,
        area_code,
        area_name
    from named
),

final as (
    select
        named.area_level,
        named.area_code,
        named.area_name,
        named.area_name_en,
        named.short_label,
        named.short_label_en,
        named.level_name_nb,
        named.level_name_en,
        named.parent_area_level,
        named.parent_area_code,
        parents.area_name as parent_area_name,
        named.rhf_code,
        named.hf_code,
        named.level_sort_order,
        cast(row_number() over (
            partition by named.area_level
            order by named.rhf_number, named.hf_number, named.hospital_number
        ) as {{ dbt.type_int() }}) as area_sort_order,
        cast(row_number() over (
            order by named.rhf_number, named.hf_number, named.hospital_number
        ) as {{ dbt.type_int() }}) as hierarchy_sort_order,
        named.bar_colour,
        '{{ var("catchment_mapping_version") }}' as catchment_mapping_version
    from named
    left join parents
        on
            named.parent_area_level = parents.area_level
            and named.parent_area_code = parents.area_code
)

select
    area_level,
    area_code,
    area_name,
    area_name_en,
    short_label,
    short_label_en,
    level_name_nb,
    level_name_en,
    parent_area_level,
    parent_area_code,
    parent_area_name,
    rhf_code,
    hf_code,
    level_sort_order,
    area_sort_order,
    hierarchy_sort_order,
    bar_colour,
    catchment_mapping_version
from final
