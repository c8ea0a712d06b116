{#
    The NPR contacts the RBF indicators count (seed 003 appendix), person-level: one row per
    staged contact that is
    - in the ISF data of a health trust's hospital activity: NPR-SOM (sector `somatic`) or
      NPR-PHV, NPR-PHBU, NPR-TSB (sector `mental_health_tsb`), rbf_npr_sources();
    - an ISF-counting stay (kun tellende ISF-opphold: is_isf_counting true; false or unknown
      do not count);
    - treated at an institution of a health trust (helseforetak): public, or private
      non-commercial with an owner agreement (Diakonhjemmet, Lovisenberg, Haraldsplass ...),
      in ref_treating_institutions. The treating HF, not the residence, decides the area.
      Private commercial hospitals and contracted specialists are not health trusts; an
      organisation number the seed does not know has no HF: both are left out.
    Treating unit: treating_hf_code (SKDE's treating-HF numbering, as the NKI extract); its
    RHF and its HF area in the catchment numbering (hf_area_code; null for Sunnaas and the
    "Resterende" units of Helse Sør-Øst and Helse Vest, which count at RHF level only).
#}
{%- set sources = rbf_npr_sources() %}
with contacts as (
    select
        contact_id,
        source,
        case source
            {%- for source, sector in sources.items() %}
                when '{{ source }}' then '{{ sector }}'
            {%- endfor %}
        end as sector,
        person_id,
        provider_id,
        year,
        event_month,
        drg_service_type,
        contact_form_code,
        stg_code,
        procedure_code_1,
        procedure_code_2,
        procedure_code_3,
        procedure_code_4,
        procedure_code_5
    from {{ ref('int_npr__contacts') }}
    where
        is_isf_counting
        and source in {{ text_list(sources) }}
),

health_trust_institutions as (
    select
        org_number,
        treating_hf_code,
        treating_rhf_code,
        hf_area_code
    from {{ ref('ref_treating_institutions') }}
    where
        institution_type in ('public', 'private_non_commercial')
        and treating_rhf_code in ('1', '2', '3', '4')
        and treating_hf_code is not null
)

select
    contacts.contact_id,
    contacts.source,
    contacts.sector,
    contacts.person_id,
    contacts.year,
    contacts.event_month,
    health_trust_institutions.treating_hf_code,
    health_trust_institutions.treating_rhf_code,
    health_trust_institutions.hf_area_code,
    contacts.drg_service_type,
    contacts.contact_form_code,
    contacts.stg_code,
    contacts.procedure_code_1,
    contacts.procedure_code_2,
    contacts.procedure_code_3,
    contacts.procedure_code_4,
    contacts.procedure_code_5
from contacts
inner join health_trust_institutions
    on contacts.provider_id = health_trust_institutions.org_number
