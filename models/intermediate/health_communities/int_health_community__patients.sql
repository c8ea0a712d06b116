{#
    Mental-health patients of the health-community municipalities' districts, one row per
    year, age band and person (person-level: never published), with the district and the
    diagnosis group the person counts in (seed 001: patients 0-17 by diagnosis group, ADHD
    patients 0-17 and 18-25 by district).

    - Contacts: every care type (døgn/dag/poliklinikk, as seed 001) of NPR-PHBU (children and
      adolescents) and NPR-PHV (adults, from 18) with a linkable person id and a residence
      in one of the districts; the age band by the age at the contact: `0-17` or `18-25`.
    - One row per person, year and band: the person's LAST such contact of the year (latest
      discharge date, then highest contact id) gives both the district and the diagnosis
      group, so every patient counts once and the groups add up to the total (seed 001's
      Totalsum is the sum of its groups). A person who turned 18 in the year can be in both
      bands.
    - Diagnosis group: ref_phbu_diagnosis_group_codes, the group whose ICD-10 prefix starts
      the main diagnosis; `other` for every other and a missing main diagnosis.
#}
with contacts as (
    select
        contact_id,
        year,
        person_id,
        age,
        district_code,
        discharge_date,
        main_diagnosis_code
    from {{ ref('int_npr__contacts') }}
    where
        source in ('npr_phbu', 'npr_phv')
        and person_id is not null
        and age between 0 and 25
),

districts as (
    select distinct district_code
    from {{ ref('int_health_community__areas') }}
),

group_codes as (
    select
        diagnosis_group,
        code_prefix
    from {{ ref('ref_phbu_diagnosis_group_codes') }}
),

banded as (
    select
        contacts.contact_id,
        contacts.year,
        contacts.person_id,
        contacts.district_code,
        contacts.discharge_date,
        contacts.main_diagnosis_code,
        case when contacts.age <= 17 then '0-17' else '18-25' end as age_band
    from contacts
    inner join districts
        on contacts.district_code = districts.district_code
),

ranked as (
    select
        *,
        row_number() over (
            partition by year, age_band, person_id
            order by discharge_date desc, contact_id desc
        ) as contact_rank
    from banded
),

last_contacts as (
    select
        year,
        age_band,
        person_id,
        district_code,
        main_diagnosis_code
    from ranked
    where contact_rank = 1
)

select
    last_contacts.year,
    last_contacts.age_band,
    last_contacts.person_id,
    last_contacts.district_code,
    coalesce(group_codes.diagnosis_group, 'other') as diagnosis_group
from last_contacts
left join group_codes
    on
        substr(last_contacts.main_diagnosis_code, 1, length(group_codes.code_prefix))
        = group_codes.code_prefix
