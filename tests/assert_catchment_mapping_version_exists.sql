-- The catchment mapping chosen with var catchment_mapping_version must be one of the
-- versions in ref_catchment_areas: one mapping is applied to all years (SPEC section 3).
with mapping_versions as (
    select distinct mapping_version
    from {{ ref('ref_catchment_areas') }}
)

select '{{ var("catchment_mapping_version") }}' as unknown_mapping_version
where not exists (
    select 1
    from mapping_versions
    where mapping_version = '{{ var("catchment_mapping_version") }}'
)
