{#
    Public mart of 5-year relative survival after cancer (SPEC section 7, necessary services;
    seed 000: "5-year relative survival is based on calculations and data provided by the
    Cancer Registry"): the Cancer Registry's own figures from its extract
    (stg_kreftregisteret__cancer_survival), per publication year, area and cancer site, with
    the registry's 95% interval. Nothing is recomputed here: names are added (dim_areas,
    ref_cancer_sites), Norway's registry code 8888 becomes the project's area code `norway`,
    and small counts are suppressed (SPEC section 12): a site and area with 1 to
    var('min_cell_count') - 1 patients has the patients and every survival figure null,
    is_suppressed true.
#}
with survival as (
    select
        publication_year,
        diagnosis_year_from,
        diagnosis_year_to,
        area_level,
        case when area_level = 'norway' then 'norway' else area_code end as area_code,
        area_name as registry_area_name,
        cancer_site,
        n_patients,
        cast(relative_survival_pct as {{ type_double() }}) as relative_survival_pct,
        cast(relative_survival_lower_pct as {{ type_double() }}) as relative_survival_lower_pct,
        cast(relative_survival_upper_pct as {{ type_double() }}) as relative_survival_upper_pct,
        coalesce(
            n_patients > 0 and n_patients < {{ var('min_cell_count') }}, false
        ) as is_suppressed
    from {{ ref('stg_kreftregisteret__cancer_survival') }}
),

areas as (
    select
        area_level,
        area_code,
        area_name
    from {{ ref('dim_areas') }}
),

sites as (
    select
        cancer_site,
        name_nb,
        name_en,
        icd10_codes,
        sort_order
    from {{ ref('ref_cancer_sites') }}
)

select
    survival.publication_year,
    survival.diagnosis_year_from,
    survival.diagnosis_year_to,
    survival.area_level,
    survival.area_code,
    survival.cancer_site,
    sites.name_nb as cancer_site_name,
    sites.name_en as cancer_site_name_en,
    sites.icd10_codes,
    sites.sort_order as cancer_site_sort_order,
    survival.is_suppressed,
    coalesce(areas.area_name, survival.registry_area_name) as area_name,
    case when not survival.is_suppressed then survival.n_patients end as n_patients,
    case
        when not survival.is_suppressed then survival.relative_survival_pct
    end as relative_survival_pct,
    case
        when not survival.is_suppressed then survival.relative_survival_lower_pct
    end as relative_survival_lower_pct,
    case
        when not survival.is_suppressed then survival.relative_survival_upper_pct
    end as relative_survival_upper_pct
from survival
left join areas
    on
        survival.area_level = areas.area_level
        and survival.area_code = areas.area_code
left join sites
    on survival.cancer_site = sites.cancer_site
