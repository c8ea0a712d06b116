-- Every area of dim_areas except Norway has a parent one level up that is itself in
-- dim_areas (hospital -> HF -> RHF -> Norway), and its rhf_code / hf_code agree with the
-- parent's. Returns the areas that break the tree.
with areas as (
    select
        area_level,
        area_code,
        parent_area_level,
        parent_area_code,
        rhf_code,
        hf_code
    from {{ ref('dim_areas') }}
),

expected_parent_levels as (
    select
        'rhf' as area_level,
        'norway' as parent_area_level
    union all
    select
        'hf' as area_level,
        'rhf' as parent_area_level
    union all
    select
        'hospital' as area_level,
        'hf' as parent_area_level
)

select
    areas.area_level,
    areas.area_code,
    areas.parent_area_level,
    areas.parent_area_code
from areas
left join expected_parent_levels
    on areas.area_level = expected_parent_levels.area_level
left join areas as parents
    on
        areas.parent_area_level = parents.area_level
        and areas.parent_area_code = parents.area_code
where
    (areas.area_level = 'norway' and areas.parent_area_code is not null)
    or (
        areas.area_level <> 'norway'
        and (
            parents.area_code is null
            or expected_parent_levels.parent_area_level is null
            or areas.parent_area_level <> expected_parent_levels.parent_area_level
            -- an area lies in the RHF (and HF) of its parent; an RHF is its own rhf_code
            or (areas.area_level = 'rhf' and areas.rhf_code <> areas.area_code)
            or (areas.area_level = 'hf' and areas.hf_code <> areas.area_code)
            or (areas.area_level = 'hf' and areas.rhf_code <> parents.rhf_code)
            or (
                areas.area_level = 'hospital'
                and (areas.hf_code <> parents.area_code or areas.rhf_code <> parents.rhf_code)
            )
        )
    )
