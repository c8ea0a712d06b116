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
{#- Year by year (macros/incremental/year_rebuild.sql): a year's figures count that year's
    contacts only. -#}
{%- set plan = year_rebuild_plan(npr_contacts_year_entries()) %}
with {{ year_rebuild_ctes(plan) }},

contacts as (
    select
        year,
        person_id,
        care_type,
        urgency_code,
        provider_type,
        provider_id,
        rhf_code
    from {{ ref('int_npr__contacts') }}
    where
        source = 'npr_som'
        and {{ year_rebuild_filter(plan, 'year') }}
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

-- The patient figures numbered 0, 1, 2 ...: a patient's figures are a bit mask (bigint), so
-- the seed may hold up to 63 of them.
patient_figures as (
    select
        figure,
        cast(power(2, row_number() over (order by figure) - 1) as {{ dbt.type_bigint() }})
            as figure_bit
    from figures
    where counting_unit = 'patients'
),

classified as (
    select
        contacts.year,
        contacts.person_id,
        -- '-' for unknown: the kinds join on these, and only figures without a condition
        -- on the column take it
        coalesce(contacts.care_type, '-') as care_type,
        coalesce(contacts.provider_type, '-') as provider_type,
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

-- kinds .. stays, patients: the stays and the distinct patients per year, region and figure
-- (macros/key_figures/npr_key_figure_counts.sql).
{{ npr_key_figure_counts() }},

counted as (
    select * from stays
    union all
    select * from patients
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
),

figure_values as (
    select
        grid.year,
        grid.region_code,
        grid.figure,
        cast(coalesce(counted.n_counted, 0) as {{ dbt.type_int() }}) as value  -- noqa: RF04
    from grid
    left join counted
        on
            grid.year = counted.year
            and grid.region_code = counted.region_code
            and grid.figure = counted.figure
)

{{ year_rebuild_select(plan, 'figure_values', ['year', 'region_code', 'figure', 'value']) }}
