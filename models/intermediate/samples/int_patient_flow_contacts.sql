{#
    Where the residents were treated (SPEC section 9; seed 000, "Patient flows"): one row per
    member contact of a sample with patient flows (sub-areas with has_patient_flows in
    ref_sample_sub_areas: focus areas, the ranked procedure branches, surgery for morbid
    obesity) and a known residence HF area, with its flow category:
      contracted_specialist  a contracted specialist practice (ref_contracted_specialists)
                             working under an agreement with the resident's RHF
      private                a private hospital (ref_treating_institutions, type private)
                             with an agreement with the resident's RHF
      own_hf                 a public hospital of the resident's own HF area; private
                             non-commercial hospitals (Diakonhjemmet, Haraldsplass,
                             Lovisenberg) count as public (seed 000, Data and method)
      own_rhf                a public hospital of another HF in the resident's RHF
      other_rhf              everything else ("treated elsewhere than the above"): public
                             hospitals of other RHFs, contracted specialists and private
                             hospitals under another RHF's agreement, and providers neither
                             seed knows
    The RHF of a public hospital is its owner (agreement_rhf_code); its HF area is
    hf_area_code. Provider option: `all`, or `inclusive` for a sample with the choice.
    The membership (macros/samples/npr_contact_membership.sql) is narrowed to the flow samples
    before the contacts are joined, as in int_npr__patient_contact_samples, rather than
    joining the whole membership view and leaving the join order to the planner (DuckDB
    planned the latter as a nested loop over the code-profile samples on some builds of the
    same data). Person-level (contact ids).
#}
{#- Year by year (macros/incremental/year_rebuild.sql): a contact's flow follows from the
    contact alone; the samples (ranked procedure branches: from every complete year) are
    compared whole. -#}
{%- set plan = year_rebuild_plan(
    base_year_entries([
        'base_npr__som', 'base_npr__avtalesom', 'base_npr__phv', 'base_npr__avtalephv',
        'base_npr__phbu', 'base_npr__tsb',
    ]),
    cross_year=['int_samples', 'int_sample_codes'],
) %}
with {{ year_rebuild_ctes(plan) }},

flow_samples as (
    select samples.sample_id
    from {{ ref('int_samples') }} as samples
    inner join {{ ref('ref_sample_sub_areas') }} as sub_areas
        on
            samples.area = sub_areas.area
            and samples.sub_area = sub_areas.sub_area
    where
        sub_areas.has_patient_flows
        and samples.event_type = 'npr_contact'
),

{{ npr_contact_membership_ctes('flow_samples') }},

members as (
    select
        event_id as contact_id,
        sample_id,
        year,
        event_month,
        rhf_code,
        hf_code
    from membership
    where
        provider_option in ('all', 'inclusive')
        and hf_code is not null
        and {{ year_rebuild_filter(plan, 'year') }}
),

contacts as (
    select
        contact_id,
        provider_id
    from {{ ref('int_npr__contacts') }}
    where {{ year_rebuild_filter(plan, 'year') }}
),

institutions as (
    select
        org_number,
        institution_type,
        agreement_rhf_code,
        hf_area_code
    from {{ ref('ref_treating_institutions') }}
),

specialists as (
    select
        practice_id,
        agreement_rhf_code
    from {{ ref('ref_contracted_specialists') }}
),

flow_contacts as (
    select
        members.contact_id,
        members.sample_id,
        members.year,
        members.event_month,
        members.rhf_code,
        members.hf_code,
        contacts.provider_id,
        case
            when
                specialists.practice_id is not null
                and specialists.agreement_rhf_code = members.rhf_code
                then 'contracted_specialist'
            when specialists.practice_id is not null then 'other_rhf'
            when
                institutions.institution_type = 'private'
                and institutions.agreement_rhf_code = members.rhf_code
                then 'private'
            when institutions.institution_type = 'private' then 'other_rhf'
            when institutions.hf_area_code = members.hf_code then 'own_hf'
            when institutions.agreement_rhf_code = members.rhf_code then 'own_rhf'
            else 'other_rhf'
        end as flow_category
    from members
    inner join contacts
        on members.contact_id = contacts.contact_id
    left join specialists
        on contacts.provider_id = specialists.practice_id
    left join institutions
        on contacts.provider_id = institutions.org_number
)

{{ year_rebuild_select('flow_contacts', [
    'contact_id', 'sample_id', 'year', 'event_month', 'rhf_code', 'hf_code', 'provider_id',
    'flow_category',
]) }}
