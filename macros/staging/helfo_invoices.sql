{#
    The two HELFO invoice extracts (helfo_lab, helfo_imaging) share one format: an invoice
    with a person, residence, provider, a service date, the invoice's codes joined by '|'
    and the reimbursement. base_helfo__<table> = helfo_invoice_base(...); the staging models
    select its staged rows, and stg_helfo__<table>_codes splits the code list into one row
    per code (helfo_invoice_codes).
#}

{#- The columns of stg_helfo__<table>, in order (documented in _helfo__models.yml). -#}
{% macro helfo_invoice_columns(codes_name) -%}
    {{ return([
        'invoice_id', 'source', 'person_id', 'sex', 'birth_year', 'age', 'municipality_code',
        'district_code', 'is_unknown_residence', 'municipality_code_reported',
        'district_code_reported', 'provider_type', 'provider_id', 'service_date',
        'service_year', codes_name, 'n_codes', 'reimbursement_nok', 'source_file',
        'source_line', 'delivery_hash',
    ]) }}
{%- endmacro %}

{% macro helfo_invoice_base(
    source_name, provider_type_column, service_date_column, codes_column, codes_name, repeated_ids
) -%}
{%- set checks = [
        quarantine_check('missing_record_id', 'fakturanr is null', 'fakturanr'),
    ] + unparseable_checks(['fakturanr']) + [
        quarantine_check('conflicting_record_id', 'n_id_rows > n_copies', 'fakturanr'),
    ] + missing_value_checks([service_date_column])
    + unparseable_checks([service_date_column, 'fodselsar', 'alder', 'refusjon_nok']) + [
        data_year_check('service_year', service_date_column),
        quarantine_check(
            'impossible_age',
            impossible_age_condition('age', 'birth_year', 'service_year'),
            'alder'),
    ] -%}
with

{{ deduplication_ctes(source_name, repeated_ids) }},

typed as (
    select
        numbered.*,
        numbered.fakturanr as invoice_id,
        numbered.fodselsar as birth_year,
        numbered.alder as age,
        numbered.{{ service_date_column }} as service_date,
        numbered.refusjon_nok as reimbursement_nok,
        {{ trimmed_text('komnrhjem') }} as municipality_code_reported,
        {{ trimmed_text('bydelhjem') }} as district_code_reported,
        {{ normalise_code(codes_column) }} as {{ codes_name }}
    from numbered
),

dated as (
    select
        typed.*,
        cast(extract(year from typed.service_date) as integer) as service_year
    from typed
),

{{ residence_lookup_ctes() }},

enriched as (
    select
        dated.*,
        {{ residence_columns() }}
    from dated
    {{ residence_joins(
        'dated', 'municipality_code_reported', 'district_code_reported', 'service_year'
    ) }}
    {{ optimisation_fence() }}
),

checked as (
    select
        enriched.*,
        {{ quarantine_check_number(checks) }} as check_number
    from enriched
)

select
    invoice_id,
    '{{ source_name }}' as source,
    {{ person_residence_columns() }},
    case lower(trim({{ provider_type_column }}))
        when 'sykehus' then 'hospital'
        when 'privat' then 'private'
        else lower(trim({{ provider_type_column }}))
    end as provider_type,
    {{ trimmed_text('orgnr') }} as provider_id,
    service_date,
    service_year,
    {{ codes_name }},
    case
        when {{ codes_name }} is null then 0
        else length({{ codes_name }}) - length(replace({{ codes_name }}, '|', '')) + 1
    end as n_codes,
    reimbursement_nok,
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    cast(fakturanr as {{ dbt.type_string() }}) as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
{%- endmacro %}

{#
    helfo_invoice_codes(base_model, codes_name, code_name, code_list, code_list_column):
    one row per code of the staged invoices of base_model, in the order of the list, with
    is_unknown_<code_name> when the code is empty or not in the code list (code_list: a ref,
    code_list_column its code column).
#}
{% macro helfo_invoice_codes(base_model, codes_name, code_name, code_list, code_list_column) -%}
with

invoices as (
    select
        invoice_id,
        source,
        service_date,
        provider_type,
        {{ codes_name }}
    from {{ base_model }}
    where outcome = 'staged'
),

codes as (
    {{ split_to_rows(
        'invoices',
        ['invoice_id', 'source', 'service_date', 'provider_type'],
        codes_name, '|', 'code_value', 'code_position') }}
),

known_codes as (
    select distinct {{ code_list_column }} as known_code
    from {{ code_list }}
)

select
    codes.invoice_id,
    codes.code_position,
    nullif(codes.code_value, '') as {{ code_name }},
    known_codes.known_code is null as is_unknown_{{ code_name }},
    codes.source,
    codes.service_date,
    codes.provider_type
from codes
left join known_codes
    on codes.code_value = known_codes.known_code
{%- endmacro %}
