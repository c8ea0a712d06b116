{#
    Every staged contact (stay, day treatment, outpatient contact) of the six NPR activity
    sources in one person-level table, with what the samples, the rate strata, the key
    figures, the patient flows and the RBF indicators need:
    residence at three levels, sex, age, year and month, provider type and bed days.
    Person-level: it never leaves the intermediate layer. The one table NPR's staged rows are
    written to: the base models are views over the raw rows, and this table is where every
    reader below staging gets the NPR contacts, so the checks, the deduplication and the
    lookups run once per build instead of once per reader.
    Built by partition, source and year (macros/incremental/year_rebuild.sql): a new or
    re-delivered file recomputes the years its source's rows fall in, not the table.

    - Period: a contact counts in the year and month of its discharge date (the contact date of
      day treatment and outpatient contacts). NPR delivers a year's file by discharge date
      (docs/extract-formats.md, utdato), so a period is complete when its months are
      delivered; a stay that began in December counts in the January it ended.
    - Bed days: discharge date - admission date for inpatient stays (0 otherwise).
    - Residence: ref_catchment_areas of var('catchment_mapping_version') via
      int_residence_areas (district where present, else municipality); NULL areas for an unknown
      residence or a pseudo area (Norway only).
    - Provider type: `contracted_specialist` for a practice of ref_contracted_specialists;
      otherwise the type of the treating institution in ref_treating_institutions, where a
      private non-commercial hospital (Diakonhjemmet, Haraldsplass, Lovisenberg ...) counts as
      `public` (seed 000, Data and method) and a private hospital as `private`. An organisation
      number neither seed knows falls back on the source: contracted_specialist in the Avtale*
      sources, public elsewhere.
    - The provider's agreement RHF and HF area, for the patient flows (int_patient_flow_contacts):
      a contracted specialist's agreement RHF; an institution's owner or agreement RHF and its
      HF area. NULL for a provider neither seed knows. Looked up here, on the contacts, where
      the join to the two seeds is already made.
#}
{%- set sources = npr_activity_tables() %}
{%- set bases = [] %}
{%- for source in sources %}{% do bases.append('base_npr__' ~ source) %}{% endfor %}
{%- set plan = year_rebuild_plan(
    raw_year_entries(bases, partitioned=true), partition_column='source'
) %}
with {{ year_rebuild_ctes(plan) }},

contacts as (
    {% for source in sources %}
        select
            contact_id,
            source,
            person_id,
            sex,
            age,
            municipality_code,
            district_code,
            is_unknown_residence,
            provider_id,
            care_level_code,
            care_type,
            urgency_code,
            admission_date,
            discharge_date,
            contact_year,
            main_diagnosis_code,
            secondary_diagnosis_code_1,
            secondary_diagnosis_code_2,
            secondary_diagnosis_code_3,
            procedure_code_1,
            procedure_code_2,
            procedure_code_3,
            procedure_code_4,
            procedure_code_5,
            specialty_code,
            drg_code,
            drg_type,
            drg_service_type,
            isf_points,
            is_isf_counting,
            activity_category,
            contact_form_code,
            stg_code,
            payer_code,
            source_file,
            source_line,
            delivery_hash
        from {{ ref('stg_npr__' ~ source) }}
        where {{ year_rebuild_filter(plan, 'contact_year', 'npr_' ~ source) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

residence_areas as (
    select * from {{ ref('int_residence_areas') }}
),

institutions as (
    select
        org_number,
        agreement_rhf_code,
        hf_area_code,
        case
            when institution_type = 'private' then 'private' else 'public'
        end as provider_type
    from {{ ref('ref_treating_institutions') }}
),

contracted_specialists as (
    select
        practice_id,
        agreement_rhf_code
    from {{ ref('ref_contracted_specialists') }}
),

staged_contacts as (
    select
        contacts.contact_id,
        contacts.source,
        contacts.person_id,
        contacts.sex,
        contacts.age,
        contacts.contact_year as year,
        cast(extract(month from contacts.discharge_date) as integer) as event_month,
        contacts.admission_date,
        contacts.discharge_date,
        case
            when contacts.care_type = 'inpatient'
                then {{ dbt.datediff('contacts.admission_date', 'contacts.discharge_date', 'day') }}
            else 0
        end as bed_days,
        contacts.municipality_code,
        contacts.district_code,
        contacts.is_unknown_residence,
        residence_areas.rhf_code,
        residence_areas.hf_code,
        residence_areas.hospital_code,
        contacts.provider_id,
        case
            when contracted_specialists.practice_id is not null then 'contracted_specialist'
            when institutions.org_number is not null then institutions.provider_type
            when contacts.source in ('npr_avtalesom', 'npr_avtalephv') then 'contracted_specialist'
            else 'public'
        end as provider_type,
        case
            when contracted_specialists.practice_id is not null
                then contracted_specialists.agreement_rhf_code
            else institutions.agreement_rhf_code
        end as provider_agreement_rhf_code,
        case
            when contracted_specialists.practice_id is null then institutions.hf_area_code
        end as provider_hf_area_code,
        contacts.care_level_code,
        contacts.care_type,
        contacts.urgency_code,
        contacts.main_diagnosis_code,
        contacts.secondary_diagnosis_code_1,
        contacts.secondary_diagnosis_code_2,
        contacts.secondary_diagnosis_code_3,
        contacts.procedure_code_1,
        contacts.procedure_code_2,
        contacts.procedure_code_3,
        contacts.procedure_code_4,
        contacts.procedure_code_5,
        contacts.specialty_code,
        contacts.drg_code,
        contacts.drg_type,
        contacts.drg_service_type,
        contacts.isf_points,
        contacts.is_isf_counting,
        contacts.activity_category,
        contacts.contact_form_code,
        contacts.stg_code,
        contacts.payer_code,
        contacts.source_file,
        contacts.source_line,
        contacts.delivery_hash
    from contacts
    left join residence_areas
        on
            contacts.municipality_code = residence_areas.municipality_code
            and coalesce(contacts.district_code, '-') = coalesce(residence_areas.district_code, '-')
    left join institutions
        on contacts.provider_id = institutions.org_number
    left join contracted_specialists
        on contacts.provider_id = contracted_specialists.practice_id
)

{{ year_rebuild_select(plan, 'staged_contacts', [
    'contact_id', 'source', 'person_id', 'sex', 'age', 'year', 'event_month', 'admission_date',
    'discharge_date', 'bed_days', 'municipality_code', 'district_code', 'is_unknown_residence',
    'rhf_code', 'hf_code', 'hospital_code', 'provider_id', 'provider_type',
    'provider_agreement_rhf_code', 'provider_hf_area_code', 'care_level_code', 'care_type',
    'urgency_code', 'main_diagnosis_code', 'secondary_diagnosis_code_1',
    'secondary_diagnosis_code_2', 'secondary_diagnosis_code_3', 'procedure_code_1',
    'procedure_code_2', 'procedure_code_3', 'procedure_code_4', 'procedure_code_5',
    'specialty_code', 'drg_code', 'drg_type', 'drg_service_type', 'isf_points',
    'is_isf_counting', 'activity_category', 'contact_form_code', 'stg_code', 'payer_code',
    'source_file', 'source_line', 'delivery_hash',
]) }}
