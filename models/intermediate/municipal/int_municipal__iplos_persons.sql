{#
    IPLOS recipients aged 75 and over, one row per year and person (person-level: never
    published), from the staged IPLOS decisions (stg_kpr__iplos_services: one row per person,
    year and service decision in force that year).

    - Age: at the end of the year (IPLOS), the person's oldest age on the year's rows; 75+.
    - Functional level: the highest (poorest) level of the year's rows (IPLOS gives one
      overall level per person and year; the highest keeps the person in one group should
      rows disagree). Frail elderly (seed 001): level 2-5; functional_level_group `2-3`
      ("noe redusert / redusert") or `4-5` ("dårlig / svært dårlig funksjonsevne"), level 1
      `1` (not frail).
    - Residence: that of the person's newest decision of the year (latest decision_start,
      then highest iplos_id), as the residence key of int_municipal__areas.
#}
with decisions as (
    select
        iplos_id,
        service_year as year,
        person_id,
        sex,
        age,
        functional_level,
        decision_start,
        {{ municipal_residence_key('municipality_code', 'district_code') }} as residence_key
    from {{ ref('stg_kpr__iplos_services') }}
    where person_id is not null and sex is not null
),

ranked as (
    select
        year,
        person_id,
        sex,
        residence_key,
        max(age) over (partition by year, person_id) as age,
        max(functional_level) over (partition by year, person_id) as functional_level,
        row_number() over (
            partition by year, person_id
            order by decision_start desc, iplos_id desc
        ) as decision_rank
    from decisions
)

select
    year,
    person_id,
    sex,
    age,
    {{ age_group_5y('age') }} as age_group,
    residence_key,
    functional_level,
    functional_level between 2 and 5 as is_frail,
    case
        when functional_level between 4 and 5 then '4-5'
        when functional_level between 2 and 3 then '2-3'
        else '1'
    end as functional_level_group
from ranked
where decision_rank = 1 and age >= 75
