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
    hf_area_code: int_npr__contacts looks both up with the provider type
    (provider_agreement_rhf_code, provider_hf_area_code). Provider option: `all`, or
    `inclusive` for a sample with the choice.
    The membership (macros/samples/npr_contact_membership.sql) is narrowed to the flow samples
    before the contacts are joined, as in int_npr__patient_contact_samples, rather than
    joining the whole membership view and leaving the join order to the planner (DuckDB
    planned the latter as a nested loop over the code-profile samples on some builds of the
    same data). It carries the contact's provider columns from its one read of the contacts,
    so the model joins nothing to its 22 million national member rows: joined to the provider
    seeds, DuckDB built its hash table on the member rows (estimated at a few hundred) and ran
    out of memory. Person-level (contact ids).
#}
{#- Year by year (macros/incremental/year_rebuild.sql): a contact's flow follows from the
    contact alone; the samples (ranked procedure branches: from every complete year) are
    compared whole. -#}
{%- set plan = year_rebuild_plan(
    npr_contacts_year_entries(),
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

{{ npr_contact_membership_ctes('flow_samples', extra_columns=[
    'provider_id', 'provider_agreement_rhf_code', 'provider_hf_area_code',
]) }},

members as (
    select
        event_id as contact_id,
        sample_id,
        year,
        event_month,
        rhf_code,
        hf_code,
        provider_id,
        provider_type,
        provider_agreement_rhf_code,
        provider_hf_area_code
    from membership
    where
        provider_option in ('all', 'inclusive')
        and hf_code is not null
        and {{ year_rebuild_filter(plan, 'year') }}
),

flow_contacts as (
    select
        members.contact_id,
        members.sample_id,
        members.year,
        members.event_month,
        members.rhf_code,
        members.hf_code,
        members.provider_id,
        case
            when members.provider_type in ('contracted_specialist', 'private')
                then
                    case
                        when members.provider_agreement_rhf_code = members.rhf_code
                            then members.provider_type
                        else 'other_rhf'
                    end
            when members.provider_hf_area_code = members.hf_code then 'own_hf'
            when members.provider_agreement_rhf_code = members.rhf_code then 'own_rhf'
            else 'other_rhf'
        end as flow_category
    from members
)

{{ year_rebuild_select(plan, 'flow_contacts', [
    'contact_id', 'sample_id', 'year', 'event_month', 'rhf_code', 'hf_code', 'provider_id',
    'flow_category',
]) }}
