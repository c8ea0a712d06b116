{#
    Delivered rows per source, year, month and reporting unit, with what fct_data_completeness
    reports (SPEC section 11): staged and quarantined rows (by reason), and among the staged
    rows those with a linkable person id, a known residence and (NPR activity only) a valid
    main diagnosis. Aggregated: no person-level data.

    - Rows: every row of the row-level deliveries once: the six NPR activity extracts, the
      PHBU referrals and the two HELFO invoice extracts. The aggregated extracts (FHI waiting
      lists, NKI, Cancer Registry) have no reporting unit or month and are not here.
    - Input: the staging base models, the one place where every delivered row is typed with
      its outcome (staged, quarantined with a reason code, or deduplicated); the quarantine
      models carry neither the reporting unit nor the date that place a row in this grid.
    - Reporting unit: the delivering institution or practice (orgnr, staging provider_id);
      NULL when missing.
    - Month: of the date the row counts by (NPR activity: discharge date; referrals: date
      received; HELFO: service date); NULL when the date could not be read (such rows are
      quarantined). Year: of that date, else the year of the delivered file
      (`<source>/<year>.csv`); a date outside the configured data years (var data_years;
      quarantined as `outside_data_years`) is not trusted either: such a row is placed in
      its file's year with month NULL, so one row dated 2031 adds no year 2031 here.
    - Valid main diagnosis: present and a code of ref_icd10_codes after staging's
      normalisation; NULL for the sources without a diagnosis.
    - KPR (issue 32): the contacts (kpr_contacts, by contact date) and the IPLOS decisions
      (iplos_services: a yearly delivery without a month of its own, so month NULL and the
      year of the file). Their extracts name no delivering practice, so the reporting unit
      is the residence municipality as delivered (municipality_code_reported: the
      municipality reports IPLOS, and its residents' claims make up its KPR); NULL when
      blank. A contact without a person id (a claim KPR could not link) is a staged row
      without a linkable person: counted here, never dropped.
#}
{%- set npr_activity = npr_activity_tables() %}
{%- set years = data_years() %}
{%- set other_sources = [
    ('base_npr__phbu_referrals', 'received_date'),
    ('base_helfo__lab_invoices', 'service_date'),
    ('base_helfo__imaging_invoices', 'service_date'),
] %}
{%- set kpr_sources = [
    ('base_kpr__contacts', 'contact_date'),
    ('base_kpr__iplos_services', 'cast(null as date)'),
] %}
with icd10_codes as (
    select icd10_code
    from {{ ref('ref_icd10_codes') }}
),

delivered_rows as (
    {%- for source in npr_activity %}
        select
            base.source,
            base.source_file,
            base.provider_id,
            base.discharge_date as event_date,
            base.person_id,
            base.is_unknown_residence,
            base.outcome,
            base.reason_code,
            icd10_codes.icd10_code is not null as has_valid_main_diagnosis
        from {{ ref('base_npr__' ~ source) }} as base
        left join icd10_codes
            on base.main_diagnosis_code = icd10_codes.icd10_code
        union all
    {%- endfor %}
    {%- for model, date_column in other_sources %}
        select
            source,
            source_file,
            provider_id,
            {{ date_column }} as event_date,
            person_id,
            is_unknown_residence,
            outcome,
            reason_code,
            cast(null as boolean) as has_valid_main_diagnosis
        from {{ ref(model) }}
        union all
    {%- endfor %}
    {%- for model, date_expression in kpr_sources %}
        select
            source,
            source_file,
            municipality_code_reported as provider_id,
            {{ date_expression }} as event_date,
            person_id,
            is_unknown_residence,
            outcome,
            reason_code,
            cast(null as boolean) as has_valid_main_diagnosis
        from {{ ref(model) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

dated_rows as (
    select
        delivered_rows.*,
        cast(extract(year from delivered_rows.event_date) as {{ dbt.type_int() }}) as event_year
    from delivered_rows
),

placed as (
    select
        source,
        provider_id as reporting_unit_id,
        outcome,
        reason_code,
        person_id,
        is_unknown_residence,
        has_valid_main_diagnosis,
        case
            when event_year between {{ years.first }} and {{ years.last }} then event_year
            else {{ checked_cast('substr(source_file, length(source) + 2, 4)', 'integer') }}
        end as year,
        case
            when event_year between {{ years.first }} and {{ years.last }}
                then cast(extract(month from event_date) as {{ dbt.type_int() }})
        end as month  -- noqa: RF04
    from dated_rows
)

select
    source,
    year,
    month,
    reporting_unit_id,
    count(*) as n_rows_delivered,
    count(case when outcome = 'staged' then 1 end) as n_rows_staged,
    count(case when outcome <> 'staged' then 1 end) as n_rows_quarantined,
    {%- for reason in quarantine_reasons() %}
        count(
            case when outcome <> 'staged' and reason_code = '{{ reason }}' then 1 end
        ) as n_quarantined_{{ reason }},
    {%- endfor %}
    count(case when outcome = 'staged' and person_id is not null then 1 end)
        as n_linkable_person,
    count(case when outcome = 'staged' and not is_unknown_residence then 1 end)
        as n_known_residence,
    case
        when max(case when has_valid_main_diagnosis is not null then 1 end) = 1
            then count(case when outcome = 'staged' and has_valid_main_diagnosis then 1 end)
    end as n_valid_main_diagnosis
from placed
group by
    source,
    year,
    month,
    reporting_unit_id
