{#
    The two streams of int_sample_stratum_events (models/intermediate/samples), each a CTE
    chain for its `with`; `plan` is the model's year_rebuild_plan (a year's rows read that
    year's events only).

    sample_member_events(plan): CTE `member_events`, every member event of the NPR contact
        groups, HELFO laboratory code groups, HELFO imaging invoices and FHI referral rows,
        with its stratum attributes, residence areas and what it adds to each additive measure.
    sample_patient_events(plan): CTEs patient_members .. `patient_events`, the `patients`
        measure: distinct persons per sample, option, year, area and stratum, per period
        (events_<period>, period_event_column()). Reads the model's CTE `area_levels`.
#}
{% macro sample_member_events(plan) -%}
-- Every member event of every stream with its stratum and what it adds to each measure (NPR:
-- groups of alike contacts, int_npr__contact_group_samples; HELFO laboratory: groups of
-- codes), by period month (macros/samples/sample_periods.sql: the periods it counts in).
member_events as (
    select
        membership.sample_id,
        membership.provider_option,
        membership.year,
        membership.period_month,
        membership.sex,
        membership.age,
        cast(null as {{ dbt.type_string() }}) as waiting_list_age_group,
        membership.rhf_code,
        membership.hf_code,
        membership.hospital_code,
        membership.n_contacts,
        membership.bed_days,
        0 as n_codes,
        0 as nok,
        0 as n_invoices,
        0 as n_referrals
    from {{ ref('int_npr__contact_group_samples') }} as membership
    where {{ year_rebuild_filter(plan, 'membership.year') }}
    union all
    select
        membership.sample_id,
        membership.provider_option,
        lab_groups.year,
        lab_groups.period_month,
        lab_groups.sex,
        lab_groups.age,
        null as waiting_list_age_group,
        lab_groups.rhf_code,
        lab_groups.hf_code,
        lab_groups.hospital_code,
        0 as n_contacts,
        0 as bed_days,
        lab_groups.n_codes,
        lab_groups.nok,
        0 as n_invoices,
        0 as n_referrals
    from {{ ref('int_helfo__lab_code_group_samples') }} as membership
    inner join {{ ref('int_helfo__lab_code_groups') }} as lab_groups
        on membership.lab_group_id = lab_groups.lab_group_id
    where {{ year_rebuild_filter(plan, 'lab_groups.year') }}
    union all
    select
        membership.sample_id,
        membership.provider_option,
        invoices.year,
        {{ period_month('invoices.event_month') }} as period_month,
        invoices.sex,
        invoices.age,
        null as waiting_list_age_group,
        invoices.rhf_code,
        invoices.hf_code,
        invoices.hospital_code,
        0 as n_contacts,
        0 as bed_days,
        0 as n_codes,
        0 as nok,
        1 as n_invoices,
        0 as n_referrals
    from {{ ref('int_helfo__imaging_invoice_samples') }} as membership
    inner join {{ ref('int_helfo__imaging_invoices') }} as invoices
        on membership.invoice_id = invoices.invoice_id
    where {{ year_rebuild_filter(plan, 'invoices.year') }}
    union all
    select
        membership.sample_id,
        membership.provider_option,
        referrals.year,
        {{ period_month('referrals.event_month') }} as period_month,
        null as sex,
        null as age,
        referrals.age_group as waiting_list_age_group,
        referrals.rhf_code,
        referrals.hf_code,
        null as hospital_code,
        0 as n_contacts,
        0 as bed_days,
        0 as n_codes,
        0 as nok,
        0 as n_invoices,
        referrals.new_referrals as n_referrals
    from {{ ref('int_fhi__referral_samples') }} as membership
    inner join {{ ref('int_fhi__referrals') }} as referrals
        on membership.referral_row_id = referrals.referral_row_id
    where {{ year_rebuild_filter(plan, 'referrals.year') }}
)
{%- endmacro %}

{% macro sample_patient_events(plan) -%}
-- Patients (int_npr__patient_contact_samples: the membership of the patient samples only):
-- one row per sample, option, year, area and person: the first member contact of
-- the person in that area (and year) gives the stratum and the month from which the person
-- counts (periods run from January, so a person counts in T1 when the first contact is in
-- months 1-4, and so on).
patient_members as (
    select
        membership.sample_id,
        membership.provider_option,
        membership.year,
        membership.person_id,
        membership.discharge_date,
        membership.contact_id,
        membership.event_month,
        membership.sex,
        membership.rhf_code,
        membership.hf_code,
        membership.hospital_code,
        {{ age_group_5y('membership.age') }} as age_group
    from {{ ref('int_npr__patient_contact_samples') }} as membership
    where
        membership.person_id is not null
        and membership.sex is not null
        and membership.age is not null
        and {{ year_rebuild_filter(plan, 'membership.year') }}
),

patient_contacts as (
    select
        patient_members.sample_id,
        patient_members.provider_option,
        patient_members.year,
        area_levels.area_level,
        patient_members.person_id,
        patient_members.discharge_date,
        patient_members.contact_id,
        patient_members.event_month,
        patient_members.sex,
        patient_members.age_group,
        {{ area_code_of_level('area_levels.area_level', 'patient_members') }} as area_code
    from patient_members
    cross join area_levels
),

patient_first_contacts as (
    select
        sample_id,
        provider_option,
        year,
        area_level,
        area_code,
        event_month,
        sex,
        age_group,
        row_number() over (
            partition by sample_id, provider_option, year, area_level, area_code, person_id
            order by discharge_date, contact_id
        ) as contact_rank
    from patient_contacts
    where area_code is not null
),

patient_events as (
    select
        sample_id,
        'patients' as measure,
        provider_option,
        year,
        area_level,
        area_code,
        sex,
        age_group,
    {%- for period, months in rate_periods().items() %}
        cast(
            count(case when event_month between {{ months[0] }} and {{ months[1] }} then 1 end)
            as {{ type_double() }}
        ) as {{ period_event_column(period) }}{{ ',' if not loop.last }}
    {%- endfor %}
    from patient_first_contacts
    where contact_rank = 1
    group by
        sample_id,
        provider_option,
        year,
        area_level,
        area_code,
        sex,
        age_group
)
{%- endmacro %}
