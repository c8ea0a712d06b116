{#
    Residence in 2024 numbering: the one place where a delivered municipality (kommunenummer)
    and district (bydel) number becomes the residence unit the catchment areas use
    (SPEC sections 3 and 5).

    1. The municipality number valid in the contact's year is mapped to its 2024 number with
       ref_municipality_renumbering (geo_level municipality, valid_year = the contact's year).
       A split municipality goes to the successor with the largest population_weight (SPEC
       section 3); a number the seed does not list maps to itself.
    2. The result must be a residence municipality of the chosen catchment mapping
       (ref_catchment_areas, var catchment_mapping_version). SKDE's pseudo numbers for
       "Norway" (rhf_code 8888) and "unknown municipality" (9999, rhf_code 99) are not
       residences. Anything else (empty, never valid, or not valid in that year) is an unknown
       residence: municipality_code and district_code are NULL and is_unknown_residence is
       true. The row is kept (it counts in Norway only, SPEC section 5).
    3. Districts are kept only for the municipalities the catchment mapping divides into
       districts (Oslo 0301, Bergen 4601, Stavanger 1103, Trondheim 5001). The district
       number is mapped like the municipality (geo_level district: Bergen's 1201xx became
       4601xx in 2020) and must be a district of that municipality in the mapping; a missing
       or unknown district becomes the unknown district `<municipality>99`. Elsewhere the
       district is NULL.

    Use: `{{ residence_lookup_ctes() }},` among the CTEs of a model, then in a CTE that
    selects from the rows: `{{ residence_columns() }}` in the select list and
    `{{ residence_joins(relation, municipality, district, year) }}` after `from relation`.
#}

{% macro residence_lookup_ctes() -%}
residence_renumbering_ranked as (
    select
        geo_level,
        valid_year,
        original_code,
        code_2024,
        row_number() over (
            partition by geo_level, valid_year, original_code
            order by population_weight desc, code_2024 asc
        ) as weight_rank
    from {{ ref('ref_municipality_renumbering') }}
),

residence_renumbering as (
    select
        geo_level,
        valid_year,
        original_code,
        code_2024
    from residence_renumbering_ranked
    where weight_rank = 1
),

residence_catchment_units as (
    select
        municipality_code,
        district_code
    from {{ ref('ref_catchment_areas') }}
    where
        mapping_version = '{{ var("catchment_mapping_version") }}'
        -- SKDE's pseudo areas 8888 (Norway) and 99 (unknown municipality number)
        and rhf_code not in ('8888', '99')
),

residence_municipalities as (
    select
        municipality_code,
        count(district_code) > 0 as has_districts
    from residence_catchment_units
    group by municipality_code
),

residence_districts as (
    select distinct
        municipality_code,
        district_code
    from residence_catchment_units
    where district_code is not null
)
{%- endmacro %}

{% macro residence_joins(relation, municipality, district, year) -%}
    left join residence_renumbering as renumbered_municipality
        on
            renumbered_municipality.geo_level = 'municipality'
            and {{ relation }}.{{ year }} = renumbered_municipality.valid_year
            and {{ relation }}.{{ municipality }} = renumbered_municipality.original_code
    left join residence_municipalities as residence_municipality
        on
            coalesce(renumbered_municipality.code_2024, {{ relation }}.{{ municipality }})
            = residence_municipality.municipality_code
    left join residence_renumbering as renumbered_district
        on
            renumbered_district.geo_level = 'district'
            and {{ relation }}.{{ year }} = renumbered_district.valid_year
            and {{ relation }}.{{ district }} = renumbered_district.original_code
    left join residence_districts as residence_district
        on
            residence_municipality.municipality_code = residence_district.municipality_code
            and coalesce(renumbered_district.code_2024, {{ relation }}.{{ district }})
            = residence_district.district_code
{%- endmacro %}

{% macro residence_columns() -%}
    residence_municipality.municipality_code,
    case
        when residence_municipality.has_districts
            then coalesce(
                residence_district.district_code,
                residence_municipality.municipality_code || '99'
            )
    end as district_code,
    residence_municipality.municipality_code is null as is_unknown_residence
{%- endmacro %}

{#- the person and residence columns every person-level staging model starts with (after
    its record id and source), from the extract's lopenr, kjonn and the enriched CTE -#}
{% macro person_residence_columns() -%}
    {{ trimmed_text('lopenr') }} as person_id,
    {{ sex_from_code('kjonn') }} as sex,
    birth_year,
    age,
    municipality_code,
    district_code,
    is_unknown_residence,
    municipality_code_reported,
    district_code_reported
{%- endmacro %}
