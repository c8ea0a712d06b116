{#
    Public mart of new referrals and waiting times (SPEC sections 4 and 7; seed 000, "For
    waiting times and new referrals, the data source is the annual waiting list data
    published on the FHI website"): per referral sample (one specialty or sector, the
    int_samples with event_type fhi_waiting_list), year and area (Norway, RHF and HF areas;
    FHI's data has no hospital areas): new referrals, the age-standardised referral rate per
    100,000 with its interval (the rate engine, int_standardised_rates: age only, in FHI's
    waiting-list age groups), and the mean and median waiting days.

    - Ages: each sample's own age scope, as its rates: the children's specialties
      (paediatrics, rehabilitation for children and young people) and PHBU take the groups
      0-9 and 10-19, i.e. ages 0-19 (seed 000); VOP and TSB from 10-19 up. The FHI rows of
      the scope are the sample's members (int_fhi__referral_samples).
    - Mean waiting days: the mean of FHI's row means weighted by the rows' new referrals
      (exact: the mean over all referrals of the rows).
    - Median waiting days: FHI publishes medians per HF area and age group only; over several
      rows the median is the referral-weighted median of the row medians (the smallest row
      median at which the rows' cumulative referrals reach half of the total). Exact for a
      single row, an approximation of the true median otherwise.
    - note_nb / note_en: where seed 000 warns: the outpatient sample of the specialty is
      restricted to women (a sample of int_samples with sex_scope female on the same
      specialty code), but the waiting-list data has no sex, so rates and waiting times
      include both sexes; and the age scope of the waiting-list groups where it differs from
      everyone.
    - Suppression as in fct_utilisation_rates: new referrals of 1 to var('min_cell_count') - 1
      are null with the rates and waiting days, is_suppressed true; complementary suppression
      (macros/privacy/complementary_suppression.sql) over Norway > RHF > HF with the same
      input as the rates' referrals, so both marts hide the same cells.
#}
with referral_samples as (
    select
        sample_id,
        age_from,
        age_to
    from {{ ref('int_samples') }}
    where event_type = 'fhi_waiting_list'
),

sample_codes as (
    select
        sample_id,
        code as specialty_or_sector_code
    from {{ ref('int_sample_codes') }}
    where
        code_field = 'specialty_or_sector'
        and rule = 'include'
        and match = 'exact'
),

-- Specialties whose outpatient sample seed 000 restricts to women.
women_only_specialties as (
    select distinct codes.code as specialty_or_sector_code
    from {{ ref('int_samples') }} as samples
    inner join {{ ref('int_sample_codes') }} as codes
        on samples.sample_id = codes.sample_id
    where
        samples.sex_scope = 'female'
        and codes.code_field = 'specialty'
        and codes.rule = 'include'
        and codes.match = 'exact'
),

rates as (
    select
        sample_id,
        year,
        area_level,
        area_code,
        events,
        population,
        crude_rate,
        std_rate,
        std_rate_lower,
        std_rate_upper,
        standardisation
    from {{ ref('int_standardised_rates') }}
    where
        measure = 'referrals'
        and period = 'year'
        and area_level in ('norway', 'rhf', 'hf')
),

-- member_rows .. medians, means: the waiting days of the sample's FHI rows, referral-weighted
-- per area (macros/waiting_times/waiting_days.sql).
{{ waiting_days_per_area() }},

suppression_input as (
    select
        rates.sample_id,
        rates.year,
        rates.area_level,
        rates.area_code,
        parents.parent_area_code as parent_code,
        rates.events,
        coalesce(
            rates.events > 0 and rates.events < {{ var('min_cell_count') }}, false
        ) as is_primary
    from rates
    left join {{ ref('dim_areas') }} as parents
        on
            rates.area_level = parents.area_level
            and rates.area_code = parents.area_code
),

{{ complementary_suppression(
    'suppression',
    'suppression_input',
    ['sample_id', 'year'],
    [['norway', 'rhf'], ['rhf', 'hf']]
) }},

cells as (
    select
        rates.sample_id,
        sample_codes.specialty_or_sector_code,
        rates.year,
        rates.area_level,
        rates.area_code,
        referral_samples.age_from,
        referral_samples.age_to,
        rates.events,
        rates.population,
        rates.crude_rate,
        rates.std_rate,
        rates.std_rate_lower,
        rates.std_rate_upper,
        rates.standardisation,
        means.mean_waiting_days,
        medians.median_waiting_days,
        suppression.is_suppressed,
        suppression.suppression_reason,
        women_only_specialties.specialty_or_sector_code is not null as is_women_only_specialty
    from rates
    inner join suppression
        on
            rates.sample_id = suppression.sample_id
            and rates.year = suppression.year
            and rates.area_level = suppression.area_level
            and rates.area_code = suppression.area_code
    inner join referral_samples
        on rates.sample_id = referral_samples.sample_id
    left join sample_codes
        on rates.sample_id = sample_codes.sample_id
    left join women_only_specialties
        on sample_codes.specialty_or_sector_code = women_only_specialties.specialty_or_sector_code
    left join means
        on
            rates.sample_id = means.sample_id
            and rates.year = means.year
            and rates.area_level = means.area_level
            and rates.area_code = means.area_code
    left join medians
        on
            rates.sample_id = medians.sample_id
            and rates.year = medians.year
            and rates.area_level = medians.area_level
            and rates.area_code = medians.area_code
),

areas as (
    select
        area_level,
        area_code,
        area_name
    from {{ ref('dim_areas') }}
)

select
    cells.sample_id,
    cells.specialty_or_sector_code,
    cells.year,
    cells.area_level,
    cells.area_code,
    areas.area_name,
    cells.age_from,
    cells.age_to,
    case
        when not cells.is_suppressed then cast(cells.events as {{ dbt.type_int() }})
    end as new_referrals,
    cells.population,
    case when not cells.is_suppressed then cells.crude_rate end as crude_referral_rate,
    case when not cells.is_suppressed then cells.std_rate end as referral_rate,
    case when not cells.is_suppressed then cells.std_rate_lower end as referral_rate_lower,
    case when not cells.is_suppressed then cells.std_rate_upper end as referral_rate_upper,
    cells.standardisation,
    case
        when not cells.is_suppressed then {{ round_to('cells.mean_waiting_days', 1) }}
    end as mean_waiting_days,
    case
        when not cells.is_suppressed then {{ round_to('cells.median_waiting_days', 1) }}
    end as median_waiting_days,
    cells.is_women_only_specialty,
    case
        when cells.is_women_only_specialty
            then
                'Poliklinikkutvalget for spesialiteten gjelder bare kvinner, men ventelistedataene '
                || 'har ikke kjønn: nyhenviste og ventetider gjelder begge kjønn og kan være '
                || 'misvisende.'
        when cells.age_to < {{ open_age_limit() }}
            then
                'Aldersgruppene i ventelistedataene: '
                || {{ dbt.safe_cast('cells.age_from', dbt.type_string()) }} || '-'
                || {{ dbt.safe_cast('cells.age_to', dbt.type_string()) }} || ' år.'
        when cells.age_from > 0
            then
                'Aldersgruppene i ventelistedataene: '
                || {{ dbt.safe_cast('cells.age_from', dbt.type_string()) }} || ' år og eldre.'
    end as note_nb,
    case
        when cells.is_women_only_specialty
            then
                'The outpatient sample of this specialty is restricted to women, but the '
                || 'waiting-list data has no sex: new referrals and waiting times include both '
                || 'sexes and may be misleading (seed 000).'
        when cells.age_to < {{ open_age_limit() }}
            then
                'Ages in the waiting-list age groups: '
                || {{ dbt.safe_cast('cells.age_from', dbt.type_string()) }} || '-'
                || {{ dbt.safe_cast('cells.age_to', dbt.type_string()) }} || ' (seed 000).'
        when cells.age_from > 0
            then
                'Ages in the waiting-list age groups: '
                || {{ dbt.safe_cast('cells.age_from', dbt.type_string()) }}
                || ' and over (seed 000).'
    end as note_en,
    cells.is_suppressed,
    cells.suppression_reason
from cells
left join areas
    on
        cells.area_level = areas.area_level
        and cells.area_code = areas.area_code
