{#
    The dashboard's samples (utvalg), one row per sample of the codebook seeds
    (seeds/codebooks): Norwegian and English names, area and sub-area with their names and
    sort orders, what is counted (measures), the population scope and its labels ("per 100 000
    kvinner", "Children aged 0-17"), and the provider options. Sample definitions (codes,
    sources, care types) stay in the codebook seeds; this is what a dashboard shows.
#}
with samples as (
    select * from {{ ref('int_samples') }}
),

sub_areas as (
    select * from {{ ref('ref_sample_sub_areas') }}
)

select
    samples.sample_id,
    samples.name_nb,
    samples.name_en,
    samples.area,
    sub_areas.area_name_nb,
    sub_areas.area_name_en,
    sub_areas.area_sort_order,
    samples.sub_area,
    sub_areas.sub_area_name_nb,
    sub_areas.sub_area_name_en,
    sub_areas.sub_area_sort_order,
    samples.sort_order,
    samples.measures,
    samples.provider_options,
    samples.sources,
    samples.stratification,
    samples.sex_scope,
    samples.age_from,
    samples.age_to,
    samples.scope_label_nb,
    samples.scope_label_en,
    samples.population_label_nb,
    samples.population_label_en,
    samples.note,
    samples.provider_options <> 'all' as has_provider_choice,
    case
        when samples.stratification = 'sex_age' then 'age_sex' else 'age'
    end as standardisation
from samples
inner join sub_areas
    on
        samples.area = sub_areas.area
        and samples.sub_area = sub_areas.sub_area
