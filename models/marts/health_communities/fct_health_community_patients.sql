{#
    Public mart: mental-health patients of the health-community districts by age band and
    diagnosis group (seed 001: "Antall pasienter (døgn/dag/poliklinikk) ulike diagnosegrupper
    - pasienter 0-17 år" and "Bydeler ADHD 0-17 år / 18-25 år"; SPEC section 11), one row per
    complete year, area (municipality, its part of each hospital catchment area, district;
    int_health_community__areas), age band (`0-17`, `18-25`) and diagnosis group
    (ref_phbu_diagnosis_groups, plus `all` = every patient of the band: seed 001's Totalsum).
    Seed 001's diagnosis table is age band 0-17; its ADHD tables are diagnosis group `adhd`
    in both bands.

    Patients: distinct persons (int_health_community__patients: each person once per year and
    band, in the district and group of the last contact), with the change in percent from the
    previous year (seed 001 "Endring 2021-2022") and from the first complete year (seed 001
    "Endring totalt", "Endring 18 til 22"; on the newest complete year's row: the change over
    the period). Years: the complete years of dim_periods; no patients = 0.
    Suppression (SPEC section 12): patients 1 to var('min_cell_count') - 1 are null with
    is_suppressed true; a change is null when either of its counts is suppressed.
#}
with patients as (
    select
        year,
        age_band,
        person_id,
        district_code,
        diagnosis_group
    from {{ ref('int_health_community__patients') }}
),

areas as (
    select
        district_code,
        municipality_code,
        area_level,
        area_code,
        area_name,
        hospital_code
    from {{ ref('int_health_community__areas') }}
),

diagnosis_groups as (
    select
        diagnosis_group,
        name_nb,
        sort_order
    from {{ ref('ref_phbu_diagnosis_groups') }}
    union all
    select
        'all' as diagnosis_group,
        'Totalsum' as name_nb,
        0 as sort_order
),

age_bands as (
    select '0-17' as age_band
    union all
    select '18-25' as age_band
),

years as (
    select
        year,
        is_newest_complete_year
    from {{ ref('dim_periods') }}
    where period = 'year' and is_complete
),

first_year as (
    select min(year) as first_year
    from years
),

area_units as (
    select distinct
        municipality_code,
        area_level,
        area_code,
        area_name,
        hospital_code
    from areas
),

-- Each patient in the own group and in `all`.
patient_groups as (
    select
        year,
        age_band,
        person_id,
        district_code,
        diagnosis_group
    from patients
    union all
    select
        year,
        age_band,
        person_id,
        district_code,
        'all' as diagnosis_group
    from patients
),

area_counts as (
    select
        patient_groups.year,
        patient_groups.age_band,
        patient_groups.diagnosis_group,
        areas.area_level,
        areas.area_code,
        count(distinct patient_groups.person_id) as patients
    from patient_groups
    inner join areas
        on patient_groups.district_code = areas.district_code
    group by
        patient_groups.year,
        patient_groups.age_band,
        patient_groups.diagnosis_group,
        areas.area_level,
        areas.area_code
),

counted as (
    select
        years.year,
        years.is_newest_complete_year,
        age_bands.age_band,
        diagnosis_groups.diagnosis_group,
        diagnosis_groups.name_nb as diagnosis_group_name_nb,
        diagnosis_groups.sort_order as diagnosis_group_sort_order,
        area_units.municipality_code,
        area_units.area_level,
        area_units.area_code,
        area_units.area_name,
        area_units.hospital_code,
        cast(coalesce(area_counts.patients, 0) as {{ dbt.type_int() }}) as patients
    from years
    cross join age_bands
    cross join diagnosis_groups
    cross join area_units
    left join area_counts
        on
            years.year = area_counts.year
            and age_bands.age_band = area_counts.age_band
            and diagnosis_groups.diagnosis_group = area_counts.diagnosis_group
            and area_units.area_level = area_counts.area_level
            and area_units.area_code = area_counts.area_code
),

flagged as (
    select
        *,
        {{ is_small_count('patients') }} as is_suppressed
    from counted
),

compared as (
    select
        current_year.*,
        first_year.first_year,
        previous_row.patients as previous_patients,
        previous_row.is_suppressed as is_previous_suppressed,
        first_row.patients as first_patients,
        first_row.is_suppressed as is_first_suppressed
    from flagged as current_year
    cross join first_year
    left join flagged as previous_row
        on
            current_year.age_band = previous_row.age_band
            and current_year.diagnosis_group = previous_row.diagnosis_group
            and current_year.area_level = previous_row.area_level
            and current_year.area_code = previous_row.area_code
            and current_year.year - 1 = previous_row.year
    left join flagged as first_row
        on
            current_year.age_band = first_row.age_band
            and current_year.diagnosis_group = first_row.diagnosis_group
            and current_year.area_level = first_row.area_level
            and current_year.area_code = first_row.area_code
            and first_year.first_year = first_row.year
)

select
    year,
    first_year,
    is_newest_complete_year,
    age_band,
    diagnosis_group,
    diagnosis_group_name_nb,
    diagnosis_group_sort_order,
    municipality_code,
    area_level,
    area_code,
    area_name,
    hospital_code,
    case when not is_suppressed then patients end as patients,
    case
        when not is_suppressed and not is_previous_suppressed
            then {{ pct_change('patients', 'previous_patients') }}
    end as pct_change_from_previous_year,
    case
        when not is_suppressed and not is_first_suppressed
            then {{ pct_change('patients', 'first_patients') }}
    end as pct_change_from_first_year,
    is_suppressed
from compared
