-- Exact reconciliation of the area levels: for every additive measure (all but patients),
-- Norway's events = the sum of the four RHF areas' events + the events whose residence maps
-- to no RHF (unknown residence, abroad/Svalbard, SKDE's pseudo areas), per sample, measure,
-- provider option and year (whole year, every stratum). The unknown-residence events are
-- recounted here from the member streams, independently of int_sample_stratum_events, with
-- the same exclusions (events of unknown sex or age are in no stratum).
with samples as (
    select
        sample_id,
        stratification,
        measures
    from {{ ref('int_samples') }}
),

unknown_residence_members as (
    select
        sample_id,
        provider_option,
        year,
        sex,
        age,
        cast(null as {{ dbt.type_string() }}) as waiting_list_age_group,
        1 as n_contacts,
        bed_days,
        0 as n_codes,
        0 as nok,
        0 as n_invoices,
        0 as n_referrals
    from {{ ref('int_npr__contact_samples') }}
    where rhf_code is null
    union all
    select
        membership.sample_id,
        membership.provider_option,
        lab_groups.year,
        lab_groups.sex,
        lab_groups.age,
        null as waiting_list_age_group,
        0 as n_contacts,
        0 as bed_days,
        lab_groups.n_codes,
        lab_groups.nok,
        0 as n_invoices,
        0 as n_referrals
    from {{ ref('int_helfo__lab_code_group_samples') }} as membership
    inner join {{ ref('int_helfo__lab_code_groups') }} as lab_groups
        on membership.lab_group_id = lab_groups.lab_group_id
    where lab_groups.rhf_code is null
    union all
    select
        membership.sample_id,
        membership.provider_option,
        invoices.year,
        invoices.sex,
        invoices.age,
        null as waiting_list_age_group,
        0 as n_contacts,
        0 as bed_days,
        0 as n_codes,
        0 as nok,
        1 as n_invoices,
        0 as n_referrals
    from {{ ref('int_helfo__imaging_invoice_samples') }} as membership
    inner join {{ ref('int_helfo__imaging_invoices') }} as invoices
        on membership.invoice_id = invoices.invoice_id
    where invoices.rhf_code is null
    union all
    select
        membership.sample_id,
        membership.provider_option,
        referrals.year,
        null as sex,
        null as age,
        referrals.age_group as waiting_list_age_group,
        0 as n_contacts,
        0 as bed_days,
        0 as n_codes,
        0 as nok,
        0 as n_invoices,
        referrals.new_referrals as n_referrals
    from {{ ref('int_fhi__referral_samples') }} as membership
    inner join {{ ref('int_fhi__referrals') }} as referrals
        on membership.referral_row_id = referrals.referral_row_id
    where referrals.rhf_code is null
),

-- Only events that fall in a stratum of their sample's stratification.
unknown_residence_events as (
    select
        members.sample_id,
        members.provider_option,
        members.year,
        sum(members.n_contacts) as n_contacts,
        sum(members.bed_days) as bed_days,
        sum(members.n_codes) as n_codes,
        sum(members.nok) as nok,
        sum(members.n_invoices) as n_invoices,
        sum(members.n_referrals) as n_referrals
    from unknown_residence_members as members
    inner join samples
        on members.sample_id = samples.sample_id
    where
        (
            samples.stratification = 'sex_age'
            and members.sex is not null
            and {{ age_group_5y('members.age') }} is not null
        )
        or (
            samples.stratification <> 'sex_age'
            and coalesce(
                members.waiting_list_age_group, {{ age_group_waiting_list('members.age') }}
            ) is not null
        )
    group by members.sample_id, members.provider_option, members.year
),

level_events as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        sum(case when area_level = 'norway' then events_year else 0 end) as norway_events,
        sum(case when area_level = 'rhf' then events_year else 0 end) as rhf_events
    from {{ ref('int_sample_stratum_events') }}
    where measure <> 'patients'
    group by sample_id, measure, provider_option, year
),

compared as (
    select
        level_events.sample_id,
        level_events.measure,
        level_events.provider_option,
        level_events.year,
        level_events.norway_events,
        level_events.rhf_events,
        coalesce(
            case level_events.measure
                when 'contacts' then unknown_residence_events.n_contacts
                when 'procedures' then unknown_residence_events.n_contacts
                when 'bed_days' then unknown_residence_events.bed_days
                when 'codes' then unknown_residence_events.n_codes
                when 'nok' then unknown_residence_events.nok
                when 'invoices' then unknown_residence_events.n_invoices
                when 'referrals' then unknown_residence_events.n_referrals
            end,
            0
        ) as unknown_residence_events
    from level_events
    left join unknown_residence_events
        on
            level_events.sample_id = unknown_residence_events.sample_id
            and level_events.provider_option = unknown_residence_events.provider_option
            and level_events.year = unknown_residence_events.year
)

select *
from compared
where abs(norway_events - (rhf_events + unknown_residence_events)) > 0.001
