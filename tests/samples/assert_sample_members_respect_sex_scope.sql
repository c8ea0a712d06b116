-- No member event of a women-only sample (ref_samples.sex_scope) is of another or unknown sex,
-- in the membership of each event stream and in the stratum events the engine reads (seed 000:
-- Breast and endocrine surgery, Women's diseases and elective obstetrics, Radiology). NPR: the
-- memberships the engine reads (contact groups, and patient contacts; int_npr__contact_samples
-- is the same macro as int_npr__patient_contact_samples for every sample).
with samples as (
    select
        sample_id,
        sex_scope
    from {{ ref('int_samples') }}
    where sex_scope <> 'all'
),

member_sexes as (
    select
        'int_npr__contact_group_samples' as model_name,
        sample_id,
        sex,
        count(*) as n_rows
    from {{ ref('int_npr__contact_group_samples') }}
    group by sample_id, sex
    union all
    select
        'int_npr__patient_contact_samples' as model_name,
        sample_id,
        sex,
        count(*) as n_rows
    from {{ ref('int_npr__patient_contact_samples') }}
    group by sample_id, sex
    union all
    select
        'int_helfo__lab_code_group_samples' as model_name,
        membership.sample_id,
        lab_groups.sex,
        count(*) as n_rows
    from {{ ref('int_helfo__lab_code_group_samples') }} as membership
    inner join {{ ref('int_helfo__lab_code_groups') }} as lab_groups
        on membership.lab_group_id = lab_groups.lab_group_id
    group by membership.sample_id, lab_groups.sex
    union all
    select
        'int_helfo__imaging_invoice_samples' as model_name,
        membership.sample_id,
        invoices.sex,
        count(*) as n_rows
    from {{ ref('int_helfo__imaging_invoice_samples') }} as membership
    inner join {{ ref('int_helfo__imaging_invoices') }} as invoices
        on membership.invoice_id = invoices.invoice_id
    group by membership.sample_id, invoices.sex
    union all
    select
        'int_sample_stratum_events' as model_name,
        sample_id,
        sex,
        count(*) as n_rows
    from {{ ref('int_sample_stratum_events') }}
    group by sample_id, sex
)

select
    member_sexes.model_name,
    member_sexes.sample_id,
    samples.sex_scope,
    member_sexes.sex,
    member_sexes.n_rows
from member_sexes
inner join samples
    on member_sexes.sample_id = samples.sample_id
where member_sexes.sex is null or member_sexes.sex <> samples.sex_scope
