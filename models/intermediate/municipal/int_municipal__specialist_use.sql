{#
    Specialist care of inhabitants 75+ (seed 001: "Bruk av spesialisthelsetjenester?"), one
    row per IPLOS year, area (int_municipal__areas) and person group: `frail` (a frail IPLOS
    recipient that year, int_municipal__iplos_persons) or `other` (every other inhabitant
    75+). Before suppression (the mart applies it).

    - contacts: every staged contact of the six NPR activity sources (int_npr__contacts:
      stays, day treatments, outpatient contacts) of persons aged 75+ at the contact, in the
      year of its discharge, by the residence on the contact.
    - inpatient_stays: those that are inpatient stays (care_type `inpatient`).
    Contacts without a person id cannot be classified and are left out of both groups.
    Aggregated by residence unit before the fan-out to the areas.
#}
with frail as (
    select
        year,
        person_id
    from {{ ref('int_municipal__iplos_persons') }}
    where is_frail
),

years as (
    select distinct service_year as year
    from {{ ref('stg_kpr__iplos_services') }}
),

contacts as (
    select
        contacts.year,
        contacts.person_id,
        contacts.care_type,
        {{ municipal_residence_key('contacts.municipality_code', 'contacts.district_code') }}
            as residence_key
    from {{ ref('int_npr__contacts') }} as contacts
    inner join years
        on contacts.year = years.year
    where contacts.age >= 75 and contacts.person_id is not null
),

unit_counts as (
    select
        contacts.year,
        contacts.residence_key,
        case when frail.person_id is not null then 'frail' else 'other' end as person_group,
        count(*) as contacts,
        count(case when contacts.care_type = 'inpatient' then 1 end) as inpatient_stays
    from contacts
    left join frail
        on
            contacts.year = frail.year
            and contacts.person_id = frail.person_id
    group by 1, 2, 3
)

select
    unit_counts.year,
    areas.area_level,
    areas.area_code,
    unit_counts.person_group,
    sum(unit_counts.contacts) as contacts,
    sum(unit_counts.inpatient_stays) as inpatient_stays
from unit_counts
inner join {{ ref('int_municipal__areas') }} as areas
    on unit_counts.residence_key = areas.residence_key
group by 1, 2, 3, 4
