{#
    HELFO laboratory codes grouped by everything the samples and the rate strata use: source,
    year and period month of the service date (the last month of the first rate period that
    holds it: 4, 8 or 12, macros/samples/sample_periods.sql), provider type, sex, age,
    residence (three levels) and NLK field of expertise. One row per group with the number of codes and their
    reimbursement in NOK. The laboratory source is the largest (tens of millions of codes a
    year at national volume) and its samples count codes and NOK, never persons, so the codes
    are grouped before the sample membership: every row is an event of the membership
    (lab_group_id) standing for n_codes codes.

    - codes: the non-empty codes of the invoice's list (split here, never written as a table),
      including codes the NLK list does not know (field NULL: they count in the Total sample
      only).
    - lab_field: the code's field of expertise in ref_nlk_lab_codes, upper case (the codebook's
      `lab_field` codes), e.g. `MEDISINSK BIOKJEMI`.
    - nok: the invoice's HELFO reimbursement shared out over its codes in proportion to their
      list price in ref_nlk_lab_codes (the public price at hospital laboratories, the private
      price at private ones; for a code listed twice, the newest version); equally when the
      invoice's codes have no list price. The groups' nok therefore adds up to what HELFO paid.
      Each share is kept to 1e-12 NOK and summed exactly (type_exact_amount), then cast to
      double: the same bits in every build, whatever order the sum adds in.
    - provider_type: `public` for hospital laboratories (public or private non-commercial
      hospitals), `private` for private laboratories (the dashboard's 'inclusive private').
#}
with invoices as (
    select
        invoice_id,
        source,
        service_year as year,
        sex,
        age,
        municipality_code,
        district_code,
        reimbursement_nok,
        {{ period_month('extract(month from service_date)') }} as period_month,
        case provider_type
            when 'hospital' then 'public'
            when 'private' then 'private'
            else 'unknown'
        end as provider_type
    from {{ ref('stg_helfo__lab_invoices') }}
),

residence_areas as (
    select * from {{ ref('int_residence_areas') }}
),

nlk_versions as (
    select
        lab_code,
        reimbursement_public_nok,
        reimbursement_private_nok,
        upper(field_of_expertise) as lab_field,
        row_number() over (
            partition by lab_code
            -- valid_from is written dd.mm.yyyy
            order by
                substring(valid_from, 7, 4) desc,
                substring(valid_from, 4, 2) desc,
                substring(valid_from, 1, 2) desc
        ) as version_rank
    from {{ ref('ref_nlk_lab_codes') }}
),

nlk_codes as (
    select * from nlk_versions
    where version_rank = 1
),

{# The invoice's codes, split from its list as they stream by: no code-level table is written
    (404 million codes nationally). #}
lab_invoices as (
    select
        invoice_id,
        provider_type,
        lab_codes
    from {{ ref('stg_helfo__lab_invoices') }}
),

-- The fence keeps PostgreSQL from joining the code list (and ranking its versions) inside the
-- lateral split, once per invoice: the split is done first, the join after it, by hash.
codes as (
    {{ split_to_rows(
        'lab_invoices', ['invoice_id', 'provider_type'], 'lab_codes', '|', 'code_value',
        'code_position') }}
    {{ optimisation_fence() }}
),

{#- A code's list price at the invoice's kind of laboratory (0 when unlisted), as a decimal
    (the list has whole øre): sums over an invoice's codes are exact in any order. -#}
{%- set list_nok -%}
    cast(
        coalesce(
            case
                when codes.provider_type = 'private' then nlk_codes.reimbursement_private_nok
                else nlk_codes.reimbursement_public_nok
            end,
            0
        ) as {{ dbt.type_numeric() }}
    )
{%- endset %}

-- Per invoice and field (a NULL field, unknown codes, counts as one): its codes and their list
-- price, in one pass over the codes. Almost every invoice has codes of one field only, so this
-- is about one row per invoice.
invoice_field_codes as (
    select
        codes.invoice_id,
        nlk_codes.lab_field,
        count(*) as n_codes,
        sum({{ list_nok }}) as list_nok
    from codes
    left join nlk_codes
        on codes.code_value = nlk_codes.lab_code
    where codes.code_value <> ''
    group by
        codes.invoice_id,
        nlk_codes.lab_field
),

-- With the invoice's totals: the shares are of the whole invoice.
invoice_fields as (
    select
        invoice_id,
        lab_field,
        n_codes,
        list_nok,
        sum(n_codes) over (partition by invoice_id) as invoice_codes,
        sum(list_nok) over (partition by invoice_id) as invoice_list_nok
    from invoice_field_codes
),

allocated as (
    select
        invoices.source,
        invoices.year,
        invoices.period_month,
        invoices.provider_type,
        invoices.sex,
        invoices.age,
        residence_areas.rhf_code,
        residence_areas.hf_code,
        residence_areas.hospital_code,
        invoice_fields.lab_field,
        invoice_fields.n_codes,
        coalesce(invoices.reimbursement_nok, 0) * case
            when invoice_fields.invoice_list_nok > 0
                then
                    cast(invoice_fields.list_nok as {{ type_double() }})
                    / invoice_fields.invoice_list_nok
            else 1.0 * invoice_fields.n_codes / invoice_fields.invoice_codes
        end as nok
    from invoice_fields
    inner join invoices
        on invoice_fields.invoice_id = invoices.invoice_id
    left join residence_areas
        on
            invoices.municipality_code = residence_areas.municipality_code
            and coalesce(invoices.district_code, '-') = coalesce(residence_areas.district_code, '-')
),

grouped as (
    select
        source,
        year,
        period_month,
        provider_type,
        sex,
        age,
        rhf_code,
        hf_code,
        hospital_code,
        lab_field,
        sum(n_codes) as n_codes,
        cast(sum(cast(nok as {{ type_exact_amount() }})) as {{ type_double() }}) as nok
    from allocated
    group by
        source,
        year,
        period_month,
        provider_type,
        sex,
        age,
        rhf_code,
        hf_code,
        hospital_code,
        lab_field
)

select
    source,
    year,
    period_month,
    provider_type,
    sex,
    age,
    rhf_code,
    hf_code,
    hospital_code,
    lab_field,
    n_codes,
    nok,
    row_number() over (
        order by
            source, year, period_month, provider_type, sex, age, rhf_code, hf_code, hospital_code,
            lab_field
    ) as lab_group_id
from grouped
