{{ config(severity='warn') }}
-- Every area of the Cancer Registry's figures is an area of dim_areas (the catchment mapping
-- var('catchment_mapping_version')): otherwise the dashboard cannot place it. A warning: the
-- registry's areas follow its own publication's mapping.
select
    survival.area_level,
    survival.area_code
from {{ ref('fct_cancer_survival') }} as survival
left join {{ ref('dim_areas') }} as areas
    on
        survival.area_level = areas.area_level
        and survival.area_code = areas.area_code
where areas.area_code is null
group by survival.area_level, survival.area_code
