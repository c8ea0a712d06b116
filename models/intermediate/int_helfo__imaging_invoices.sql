{#
    HELFO imaging invoices, one row per staged invoice, with what the samples and the rate
    strata need: residence at three levels, sex, age, year and month of the examination date,
    provider type. Person-level: it never leaves the intermediate layer.
    provider_type: `public` for hospitals (public or private non-commercial), `private` for
    private imaging providers (the dashboard's 'inclusive private').
#}
with invoices as (
    select * from {{ ref('stg_helfo__imaging_invoices') }}
),

residence_areas as (
    select * from {{ ref('int_residence_areas') }}
)

select
    invoices.invoice_id,
    invoices.source,
    invoices.person_id,
    invoices.sex,
    invoices.age,
    invoices.service_year as year,
    invoices.service_date,
    invoices.is_unknown_residence,
    residence_areas.rhf_code,
    residence_areas.hf_code,
    residence_areas.hospital_code,
    invoices.provider_id,
    invoices.n_codes,
    invoices.reimbursement_nok,
    cast(extract(month from invoices.service_date) as integer) as event_month,
    case invoices.provider_type
        when 'hospital' then 'public'
        when 'private' then 'private'
        else 'unknown'
    end as provider_type
from invoices
left join residence_areas
    on
        invoices.municipality_code = residence_areas.municipality_code
        and coalesce(invoices.district_code, '-') = coalesce(residence_areas.district_code, '-')
