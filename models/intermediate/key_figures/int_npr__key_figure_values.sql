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
{%- set plan = year_rebuild_plan(base_year_entries([
    'base_npr__som', 'base_npr__avtalesom', 'base_npr__phv', 'base_npr__avtalephv',
    'base_npr__phbu', 'base_npr__tsb',
])) %}
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

-- The kinds of contact (care type, urgency group, provider type) and the figures each
-- counts in: a handful of rows, matched against the figures' conditions once.
kinds as (
    select
        care_type,
        urgency_group,
        provider_type
    from region_contacts
    group by
        care_type,
        urgency_group,
        provider_type
),

kind_figures as (
    select
        kinds.care_type,
        kinds.urgency_group,
        kinds.provider_type,
        figures.figure,
        figures.counting_unit,
        patient_figures.figure_bit
    from kinds
    inner join figures
        on
            (figures.care_type is null or kinds.care_type = figures.care_type)
            and (figures.urgency_group is null or kinds.urgency_group = figures.urgency_group)
            and (figures.provider_type is null or kinds.provider_type = figures.provider_type)
    left join patient_figures
        on figures.figure = patient_figures.figure
),

-- Per contact kind: the patient figures it puts its patient in.
kind_patient_masks as (
    select
        care_type,
        urgency_group,
        provider_type,
        bit_or(figure_bit) as patient_figures
    from kind_figures
    where counting_unit = 'patients'
    group by
        care_type,
        urgency_group,
        provider_type
),

stays as (
    select
        region_contacts.year,
        region_contacts.region_code,
        kind_figures.figure,
        count(*) as n_counted
    from region_contacts
    inner join kind_figures
        on
            region_contacts.care_type = kind_figures.care_type
            and region_contacts.urgency_group = kind_figures.urgency_group
            and region_contacts.provider_type = kind_figures.provider_type
    where kind_figures.counting_unit = 'stays'
    group by
        region_contacts.year,
        region_contacts.region_code,
        kind_figures.figure
),

-- Distinct patients without a join per figure: each person's figures as one bit mask, then
-- how many persons share a mask (few distinct masks), then the persons whose mask holds
-- the figure's bit. Contacts without a person id are not patients.
person_masks as (
    select
        region_contacts.year,
        region_contacts.region_code,
        region_contacts.person_id,
        bit_or(kind_patient_masks.patient_figures) as patient_figures
    from region_contacts
    inner join kind_patient_masks
        on
            region_contacts.care_type = kind_patient_masks.care_type
            and region_contacts.urgency_group = kind_patient_masks.urgency_group
            and region_contacts.provider_type = kind_patient_masks.provider_type
    where region_contacts.person_id is not null
    group by
        region_contacts.year,
        region_contacts.region_code,
        region_contacts.person_id
),

mask_counts as (
    select
        year,
        region_code,
        patient_figures,
        count(*) as n_patients
    from person_masks
    group by
        year,
        region_code,
        patient_figures
),

patients as (
    select
        mask_counts.year,
        mask_counts.region_code,
        patient_figures.figure,
        sum(mask_counts.n_patients) as n_counted
    from mask_counts
    inner join patient_figures
        on (mask_counts.patient_figures & patient_figures.figure_bit) <> 0
    group by
        mask_counts.year,
        mask_counts.region_code,
        patient_figures.figure
),

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

{{ year_rebuild_select('figure_values', ['year', 'region_code', 'figure', 'value']) }}
