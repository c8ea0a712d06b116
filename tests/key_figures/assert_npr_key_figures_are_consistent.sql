{#
    Invariants of the key figures (seed 002 tables 1-3), on the unsuppressed values of every
    year:
    - every stay counts in at most one region: the RHFs' stays add up to at most Norway's, and
      to exactly Norway's less the stays with neither a residence nor a known institution;
    - a part is never more than its whole: private hospitals' stays <= all stays of the type,
      patients of a type <= stays of the type, patients of a type <= patients in total;
    - Norway's total equals the distinct patients of NPR-SOM counted directly from the staged
      contacts (int_npr__contacts, the table of staging's rows).
    A row per violation.
#}
with key_figure_values as (
    select * from {{ ref('int_npr__key_figure_values') }}
),

wide as (
    select
        year,
        region_code,
        {%- for figure in [
            'patients_total', 'inpatient_stays', 'day_treatments', 'outpatient_contacts',
            'patients_inpatient', 'patients_day', 'patients_outpatient',
            'private_inpatient_stays', 'private_day_treatments', 'private_outpatient_contacts',
        ] %}
            max(case when figure = '{{ figure }}' then value end) as {{ figure }},
        {%- endfor %}
        count(*) as n_figures
    from key_figure_values
    group by year, region_code
),

region_sums as (
    select
        year,
        figure,
        sum(case when region_code = 'norway' then value else 0 end) as norway_value,
        sum(case when region_code <> 'norway' then value else 0 end) as regions_value
    from key_figure_values
    where figure in ('inpatient_stays', 'day_treatments', 'outpatient_contacts')
    group by year, figure
),

contacts_without_region as (
    select
        contacts.year,
        contacts.care_type,
        count(*) as n_contacts
    from {{ ref('int_npr__contacts') }} as contacts
    left join {{ ref('ref_treating_institutions') }} as institutions
        on contacts.provider_id = institutions.org_number
    where
        contacts.source = 'npr_som'
        and contacts.rhf_code is null
        and coalesce(institutions.agreement_rhf_code, '-') not in (
            select residence_areas.rhf_code
            from {{ ref('int_residence_areas') }} as residence_areas
        )
    group by contacts.year, contacts.care_type
),

staged_patients as (
    select
        year,
        count(distinct person_id) as n_patients
    from {{ ref('int_npr__contacts') }}
    where source = 'npr_som'
    group by year
)

select
    'region sums' as failed_check,
    region_sums.year,
    region_sums.figure as region_code
from region_sums
left join contacts_without_region
    on
        region_sums.year = contacts_without_region.year
        and region_sums.figure = case
            when contacts_without_region.care_type = 'inpatient' then 'inpatient_stays'
            when contacts_without_region.care_type = 'day_treatment' then 'day_treatments'
            when contacts_without_region.care_type = 'outpatient' then 'outpatient_contacts'
        end
where
    region_sums.regions_value + coalesce(contacts_without_region.n_contacts, 0)
    <> region_sums.norway_value

union all

select
    'parts within wholes' as failed_check,
    year,
    region_code
from wide
where
    private_inpatient_stays > inpatient_stays
    or private_day_treatments > day_treatments
    or private_outpatient_contacts > outpatient_contacts
    or patients_inpatient > inpatient_stays
    or patients_day > day_treatments
    or patients_outpatient > outpatient_contacts
    or patients_inpatient > patients_total
    or patients_day > patients_total
    or patients_outpatient > patients_total

union all

select
    'total patients' as failed_check,
    wide.year,
    wide.region_code
from wide
inner join staged_patients
    on wide.year = staged_patients.year
where wide.region_code = 'norway' and wide.patients_total <> staged_patients.n_patients
