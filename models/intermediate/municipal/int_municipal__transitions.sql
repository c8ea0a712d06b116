{#
    The transitions around emergency hospital stays of people 75+ (seed 001: "kontakter før
    og etter innleggelse / utskrivning"), person-level (never published): one row per index
    stay, an emergency NPR-SOM stay (int_municipal__stays, transfers merged) of a person aged
    75+ at admission, with three flags. Days are whole calendar days (dbt.datediff):

    - has_contact_before: a GP or emergency-room contact in KPR (stg_kpr__contacts,
      contact_type `gp` or `emergency_room`) 0-30 days before the admission: on the day of
      admission (the emergency-room visit that sends the patient in) up to day 30 before;
      day 31 is outside.
    - has_follow_up: municipal follow-up 0-7 days after the discharge: a KPR contact of any
      type (GP, emergency room, municipal emergency bed) or the start of an IPLOS decision
      (stg_kpr__iplos_services.decision_start) on the discharge day up to day 7; day 8 is
      outside.
    - is_readmitted: another emergency stay of the person admitted 0-30 days after the
      discharge (a same-day readmission counts; day 31 does not). A transfer to another
      hospital on the day of discharge or the next is part of the stay, not a readmission.

    Contacts and decisions without a person id cannot be linked and count nowhere here
    (int_completeness__unit_months counts them). Each window is aggregated per index stay
    before the join back.
#}
with index_stays as (
    select
        stay_id,
        person_id,
        year,
        residence_key,
        admission_date,
        discharge_date
    from {{ ref('int_municipal__stays') }}
    where is_emergency and age >= 75
),

contacts as (
    select
        person_id,
        contact_date,
        contact_type
    from {{ ref('stg_kpr__contacts') }}
    where person_id is not null
),

decisions as (
    select distinct
        person_id,
        decision_start
    from {{ ref('stg_kpr__iplos_services') }}
    where person_id is not null
),

emergency_stays as (
    select
        stay_id,
        person_id,
        admission_date
    from {{ ref('int_municipal__stays') }}
    where is_emergency
),

before as (
    select distinct index_stays.stay_id
    from index_stays
    inner join contacts
        on index_stays.person_id = contacts.person_id
    where
        contacts.contact_type in ('gp', 'emergency_room')
        and {{ dbt.datediff('contacts.contact_date', 'index_stays.admission_date', 'day') }}
        between 0 and 30
),

follow_up as (
    select index_stays.stay_id
    from index_stays
    inner join contacts
        on index_stays.person_id = contacts.person_id
    where
        {{ dbt.datediff('index_stays.discharge_date', 'contacts.contact_date', 'day') }}
        between 0 and 7
    union
    select index_stays.stay_id
    from index_stays
    inner join decisions
        on index_stays.person_id = decisions.person_id
    where
        {{ dbt.datediff('index_stays.discharge_date', 'decisions.decision_start', 'day') }}
        between 0 and 7
),

readmitted as (
    select distinct index_stays.stay_id
    from index_stays
    inner join emergency_stays
        on
            index_stays.person_id = emergency_stays.person_id
            and index_stays.stay_id <> emergency_stays.stay_id
    where
        {{ dbt.datediff('index_stays.discharge_date', 'emergency_stays.admission_date', 'day') }}
        between 0 and 30
)

select
    index_stays.stay_id,
    index_stays.person_id,
    index_stays.year,
    index_stays.residence_key,
    index_stays.admission_date,
    index_stays.discharge_date,
    before.stay_id is not null as has_contact_before,
    follow_up.stay_id is not null as has_follow_up,
    readmitted.stay_id is not null as is_readmitted
from index_stays
left join before
    on index_stays.stay_id = before.stay_id
left join follow_up
    on index_stays.stay_id = follow_up.stay_id
left join readmitted
    on index_stays.stay_id = readmitted.stay_id
