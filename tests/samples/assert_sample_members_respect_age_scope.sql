-- No member event lies outside its sample's ages [age_from, age_to] (seed 000: children 0-17
-- in Paediatrics, Rehabilitation for children and PHBU; 18+ in VOP and TSB), and none has an
-- unknown age; waiting-list rows by the bounds of their age group. In the stratum events, no
-- age group lies wholly outside the scope.
with samples as (
    select
        sample_id,
        stratification,
        age_from,
        age_to
    from {{ ref('int_samples') }}
),

member_ages as (
    select
        'int_npr__contact_group_samples' as model_name,
        sample_id,
        age as age_lower,
        age as age_upper,
        count(*) as n_rows
    from {{ ref('int_npr__contact_group_samples') }}
    group by sample_id, age
    union all
    select
        'int_npr__patient_contact_samples' as model_name,
        sample_id,
        age as age_lower,
        age as age_upper,
        count(*) as n_rows
    from {{ ref('int_npr__patient_contact_samples') }}
    group by sample_id, age
    union all
    select
        'int_helfo__lab_code_group_samples' as model_name,
        membership.sample_id,
        lab_groups.age as age_lower,
        lab_groups.age as age_upper,
        count(*) as n_rows
    from {{ ref('int_helfo__lab_code_group_samples') }} as membership
    inner join {{ ref('int_helfo__lab_code_groups') }} as lab_groups
        on membership.lab_group_id = lab_groups.lab_group_id
    group by membership.sample_id, lab_groups.age
    union all
    select
        'int_helfo__imaging_invoice_samples' as model_name,
        membership.sample_id,
        invoices.age as age_lower,
        invoices.age as age_upper,
        count(*) as n_rows
    from {{ ref('int_helfo__imaging_invoice_samples') }} as membership
    inner join {{ ref('int_helfo__imaging_invoices') }} as invoices
        on membership.invoice_id = invoices.invoice_id
    group by membership.sample_id, invoices.age
    union all
    select
        'int_fhi__referral_samples' as model_name,
        membership.sample_id,
        referrals.age_lower,
        referrals.age_upper,
        count(*) as n_rows
    from {{ ref('int_fhi__referral_samples') }} as membership
    inner join {{ ref('int_fhi__referrals') }} as referrals
        on membership.referral_row_id = referrals.referral_row_id
    group by membership.sample_id, referrals.age_lower, referrals.age_upper
),

stratum_groups as (
    select distinct
        sample_id,
        age_group
    from {{ ref('int_sample_stratum_events') }}
),

-- The bounds of each age group: '00-04' -> 0, 4; '90+' -> 90, open; '10-19' -> 10, 19.
stratum_bounds as (
    select
        sample_id,
        age_group,
        cast(split_part(replace(age_group, '+', ''), '-', 1) as integer) as age_lower,
        case
            when age_group like '%+' then {{ open_age_limit() }}
            else cast(split_part(age_group, '-', 2) as integer)
        end as age_upper
    from stratum_groups
)

select
    member_ages.model_name,
    member_ages.sample_id,
    samples.age_from,
    samples.age_to,
    member_ages.age_lower,
    member_ages.age_upper,
    member_ages.n_rows
from member_ages
inner join samples
    on member_ages.sample_id = samples.sample_id
where
    member_ages.age_lower is null
    or member_ages.age_lower < samples.age_from
    or member_ages.age_upper > samples.age_to
union all
select
    'int_sample_stratum_events' as model_name,
    stratum_bounds.sample_id,
    samples.age_from,
    samples.age_to,
    stratum_bounds.age_lower,
    stratum_bounds.age_upper,
    null as n_rows
from stratum_bounds
inner join samples
    on stratum_bounds.sample_id = samples.sample_id
where
    stratum_bounds.age_upper < samples.age_from
    or stratum_bounds.age_lower > samples.age_to
