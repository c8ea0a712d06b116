{#
    Invariants of the health-community marts (seed 001), on the unsuppressed rows of every
    year:
    - referrals: new + rejected = all referrals received; the districts of a hospital area
      add up to it, and the hospital areas to the municipality (a referral has one district);
    - patients: the diagnosis groups of a band add up to `all` (every patient has exactly one
      group, as seed 001's Totalsum), and the districts add up to their hospital area and the
      municipality (a patient counts in one district per year and band).
    Sums are compared only when no part is suppressed. A row per violation.
#}
with referrals as (
    select * from {{ ref('fct_health_community_referrals') }}
),

patients as (
    select * from {{ ref('fct_health_community_patients') }}
),

referral_parents as (
    select
        year,
        'hospital' as area_level,
        hospital_code as area_code,
        sum(total_referrals) as total_referrals,
        sum(case when is_suppressed then 1 else 0 end) as n_suppressed
    from referrals
    where area_level = 'district'
    group by year, hospital_code
    union all
    select
        year,
        'municipality' as area_level,
        municipality_code as area_code,
        sum(total_referrals) as total_referrals,
        sum(case when is_suppressed then 1 else 0 end) as n_suppressed
    from referrals
    where area_level = 'district'
    group by year, municipality_code
),

patient_parents as (
    select
        year,
        age_band,
        diagnosis_group,
        'hospital' as area_level,
        hospital_code as area_code,
        sum(patients) as patients,
        sum(case when is_suppressed then 1 else 0 end) as n_suppressed
    from patients
    where area_level = 'district'
    group by year, age_band, diagnosis_group, hospital_code
    union all
    select
        year,
        age_band,
        diagnosis_group,
        'municipality' as area_level,
        municipality_code as area_code,
        sum(patients) as patients,
        sum(case when is_suppressed then 1 else 0 end) as n_suppressed
    from patients
    where area_level = 'district'
    group by year, age_band, diagnosis_group, municipality_code
),

group_sums as (
    select
        year,
        age_band,
        area_level,
        area_code,
        sum(case when diagnosis_group <> 'all' then patients end) as group_patients,
        max(case when diagnosis_group = 'all' then patients end) as all_patients,
        sum(case when is_suppressed then 1 else 0 end) as n_suppressed
    from patients
    group by year, age_band, area_level, area_code
)

select
    'referrals: new + rejected = all' as failed_check,
    year,
    area_level,
    area_code
from referrals
where new_referrals + rejected_referrals <> total_referrals

union all

select
    'referrals: areas add up' as failed_check,
    referral_parents.year,
    referral_parents.area_level,
    referral_parents.area_code
from referral_parents
inner join referrals
    on
        referral_parents.year = referrals.year
        and referral_parents.area_level = referrals.area_level
        and referral_parents.area_code = referrals.area_code
where
    referral_parents.n_suppressed = 0
    and not referrals.is_suppressed
    and referral_parents.total_referrals <> referrals.total_referrals

union all

select
    'patients: areas add up' as failed_check,
    patient_parents.year,
    patient_parents.area_level,
    patient_parents.area_code
from patient_parents
inner join patients
    on
        patient_parents.year = patients.year
        and patient_parents.age_band = patients.age_band
        and patient_parents.diagnosis_group = patients.diagnosis_group
        and patient_parents.area_level = patients.area_level
        and patient_parents.area_code = patients.area_code
where
    patient_parents.n_suppressed = 0
    and not patients.is_suppressed
    and patient_parents.patients <> patients.patients

union all

select
    'patients: groups add up to all' as failed_check,
    year,
    area_level,
    area_code
from group_sums
where n_suppressed = 0 and group_patients <> all_patients
