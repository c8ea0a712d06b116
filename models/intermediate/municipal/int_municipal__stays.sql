{#
    Hospital stays of NPR-SOM (somatic specialist care), person-level (never published): the
    inpatient stays (care_type `inpatient`, the overnight rule) of persons with a linkable
    person id, with transfers between hospitals merged into one stay, one row per merged
    stay.

    Transfer: a stay admitted on the day of the previous stay's discharge or the day after,
    at another institution (provider_id, orgnr), continues it (Helsedirektoratet's
    "sammenhengende sykehusopphold"). The same institution on those days is a new stay (a
    readmission when it is an emergency admission). Stays are taken in order of admission,
    discharge and contact id.

    The merged stay has the first stay's admission date, urgency, age, sex and residence and
    the last stay's discharge date; year = the year of that discharge. Emergency: urgency
    1-3 (akutt, within 6 hours, within 24 hours; as the key figures), not planned (4) nor a
    return from another hospital (5).
#}
with stays as (
    select
        contact_id,
        person_id,
        provider_id,
        admission_date,
        discharge_date,
        urgency_code,
        sex,
        age,
        {{ municipal_residence_key('municipality_code', 'district_code') }} as residence_key
    from {{ ref('int_npr__contacts') }}
    where source = 'npr_som' and care_type = 'inpatient' and person_id is not null
),

ordered as (
    select
        *,
        lag(discharge_date) over (
            partition by person_id order by admission_date, discharge_date, contact_id
        ) as previous_discharge_date,
        lag(provider_id) over (
            partition by person_id order by admission_date, discharge_date, contact_id
        ) as previous_provider_id
    from stays
),

flagged as (
    select
        *,
        case
            when
                previous_provider_id <> provider_id
                and {{ dbt.datediff('previous_discharge_date', 'admission_date', 'day') }}
                between 0 and 1
                then 0
            else 1
        end as starts_stay
    from ordered
),

chained as (
    select
        *,
        sum(starts_stay) over (
            partition by person_id
            order by admission_date, discharge_date, contact_id
            rows between unbounded preceding and current row
        ) as stay_number
    from flagged
),

numbered as (
    select
        *,
        row_number() over (
            partition by person_id, stay_number
            order by admission_date, discharge_date, contact_id
        ) as stay_part,
        max(discharge_date) over (partition by person_id, stay_number) as stay_discharge_date,
        count(*) over (partition by person_id, stay_number) as stay_parts
    from chained
)

select
    contact_id as stay_id,
    person_id,
    sex,
    age,
    residence_key,
    admission_date,
    stay_discharge_date as discharge_date,
    cast(extract(year from stay_discharge_date) as {{ dbt.type_int() }}) as year,
    coalesce(urgency_code in ('1', '2', '3'), false) as is_emergency,
    stay_parts - 1 as transfers
from numbered
where stay_part = 1
