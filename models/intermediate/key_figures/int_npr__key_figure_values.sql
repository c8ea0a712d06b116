{#
    The NPR key figures (seed 002 tables 1-3) for every year of NPR-SOM, for Norway and per
    RHF, before suppression: one row per year, region and figure of ref_npr_key_figures.

    - Activity: NPR-SOM only (seed 002 "Rapporteringspliktige enheter": public HFs, private
      non-commercial and publicly funded private hospitals; contracted specialists are not in
      it). Care type by the overnight rule (staging care_type).
    - Region by residence (seed 002, footnote to table 2): the RHF of the patient's residence
      (int_npr__contacts.rhf_code, the catchment mapping of var('catchment_mapping_version'));
      without a residence in Norway (unknown municipality, abroad, Svalbard) the RHF where the
      treating institution is (ref_treating_institutions.agreement_rhf_code: the own RHF of a
      public hospital, the RHF of a private hospital's location or agreement). A contact with
      neither counts in Norway only. A patient who moved between regions counts in each
      region, as seed 002 says, so the regions' patients may add up to more than Norway's.
    - Urgency groups (ref_npr_urgency; seed 002 table 1): 4 planned, 1-3 emergency, 5 returned
      from another hospital; anything else (a code the seed does not know) `unknown`, which no
      figure selects.
    - Patients: distinct person ids; contacts without a linkable person id count as stays but
      not as patients (seed 002: 99.8 % linked).
    - Figures with nothing to count are 0: the grid is years x regions x figures.
#}
with contacts as (
    select
        year,
        person_id,
        care_type,
        urgency_code,
        provider_type,
        provider_id,
        rhf_code
    from {{ ref('int_npr__contacts') }}
    where source = 'npr_som'
),

institutions as (
    select
        org_number,
        agreement_rhf_code
    from {{ ref('ref_treating_institutions') }}
),

regions as (
    select distinct rhf_code as region_code
    from {{ ref('int_residence_areas') }}
),

figures as (
    select
        figure,
        counting_unit,
        care_type,
        urgency_group,
        provider_type
    from {{ ref('ref_npr_key_figures') }}
),

classified as (
    select
        contacts.year,
        contacts.person_id,
        contacts.care_type,
        contacts.provider_type,
        coalesce(contacts.rhf_code, regions.region_code) as region_code,
        case
            when contacts.urgency_code = '4' then 'planned'
            when contacts.urgency_code in ('1', '2', '3') then 'emergency'
            when contacts.urgency_code = '5' then 'returned'
            else 'unknown'
        end as urgency_group
    from contacts
    left join institutions
        on contacts.provider_id = institutions.org_number
    left join regions
        on institutions.agreement_rhf_code = regions.region_code
),

region_contacts as (
    select
        year,
        'norway' as region_code,
        person_id,
        care_type,
        urgency_group,
        provider_type
    from classified
    union all
    select
        year,
        region_code,
        person_id,
        care_type,
        urgency_group,
        provider_type
    from classified
    where region_code is not null
),

-- One row per person and kind of contact (NULL person ids group together): far fewer rows
-- than contacts, and enough to count both stays (sum) and patients (distinct persons).
person_cells as (
    select
        year,
        region_code,
        person_id,
        care_type,
        urgency_group,
        provider_type,
        count(*) as n_stays
    from region_contacts
    group by
        year,
        region_code,
        person_id,
        care_type,
        urgency_group,
        provider_type
),

counted as (
    select
        person_cells.year,
        person_cells.region_code,
        figures.figure,
        figures.counting_unit,
        sum(person_cells.n_stays) as n_stays,
        count(distinct person_cells.person_id) as n_patients
    from person_cells
    inner join figures
        on
            (figures.care_type is null or person_cells.care_type = figures.care_type)
            and (
                figures.urgency_group is null
                or person_cells.urgency_group = figures.urgency_group
            )
            and (
                figures.provider_type is null
                or person_cells.provider_type = figures.provider_type
            )
    group by
        person_cells.year,
        person_cells.region_code,
        figures.figure,
        figures.counting_unit
),

years as (
    select distinct year
    from contacts
),

all_regions as (
    select 'norway' as region_code
    union all
    select region_code
    from regions
),

grid as (
    select
        years.year,
        all_regions.region_code,
        figures.figure
    from years
    cross join all_regions
    cross join figures
)

select
    grid.year,
    grid.region_code,
    grid.figure,
    cast(coalesce(
        case
            when counted.counting_unit = 'stays' then counted.n_stays
            else counted.n_patients
        end,
        0
    ) as {{ dbt.type_int() }}) as value  -- noqa: RF04
from grid
left join counted
    on
        grid.year = counted.year
        and grid.region_code = counted.region_code
        and grid.figure = counted.figure
