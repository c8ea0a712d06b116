{#
    The NKI quality indicator 'discharge summary sent within 1 day' (epikrisetid: andel
    epikriser sendt innen 1 dag; SPEC section 11, seed 003 indicator 9) per year, sector and
    area, by treating institution: numerator (summaries sent within 1 day), denominator
    (discharges) and share, from stg_nki__discharge_summaries.

    - sector: `somatic`, `mental_health`, `substance_use` as delivered, and `all` (their sum,
      the RBF indicator's scope).
    - areas: `hf` = the HF area (catchment numbering) of the treating HF
      (ref_treating_institutions.hf_area_code; a private non-commercial hospital counts in
      the HF area of its name, e.g. Haraldsplass in Bergen; Sunnaas has none and counts in
      its RHF); `rhf` = the treating RHF (1-4); `norway` = every delivered row, including a
      treating-HF code the seed does not know (Norway only, like unknown residence).
    - years: complete years only (int_rbf__source_periods, data source `nki`): the newest
      NKI year is partial like the NPR deliveries.
    - suppression (SPEC section 12): a numerator of 1 to var('min_cell_count') - 1 is
      published as null with the share, is_suppressed true; the denominator stays.
      Complementary suppression over the areas (Norway > RHF > HF) and the sectors (`all`
      = the three), see the CTEs below and README "Privacy: suppression".
#}
with nki as (
    select
        discharge_year as year,
        treating_hf_code,
        sector,
        summaries_within_1_day,
        discharges
    from {{ ref('stg_nki__discharge_summaries') }}
),

complete_years as (
    select year
    from {{ ref('int_rbf__source_periods') }}
    where data_source = 'nki' and period = 'year'
),

health_trusts as (
    select distinct
        treating_hf_code,
        treating_rhf_code,
        hf_area_code
    from {{ ref('ref_treating_institutions') }}
    where
        institution_type in ('public', 'private_non_commercial')
        and treating_rhf_code in ('1', '2', '3', '4')
        and treating_hf_code is not null
),

located as (
    select
        nki.year,
        nki.sector,
        nki.summaries_within_1_day,
        nki.discharges,
        health_trusts.treating_rhf_code,
        health_trusts.hf_area_code
    from nki
    inner join complete_years
        on nki.year = complete_years.year
    left join health_trusts
        on nki.treating_hf_code = health_trusts.treating_hf_code
),

-- Each row once per sector (as delivered, and `all`) and per area level.
sectors as (
    select
        year,
        sector,
        summaries_within_1_day,
        discharges,
        treating_rhf_code,
        hf_area_code
    from located
    union all
    select
        year,
        'all' as sector,
        summaries_within_1_day,
        discharges,
        treating_rhf_code,
        hf_area_code
    from located
),

area_rows as (
    select
        year,
        sector,
        'norway' as area_level,
        'norway' as area_code,
        summaries_within_1_day,
        discharges
    from sectors
    union all
    select
        year,
        sector,
        'rhf' as area_level,
        treating_rhf_code as area_code,
        summaries_within_1_day,
        discharges
    from sectors
    where treating_rhf_code is not null
    union all
    select
        year,
        sector,
        'hf' as area_level,
        hf_area_code as area_code,
        summaries_within_1_day,
        discharges
    from sectors
    where hf_area_code is not null
),

summed as (
    select
        year,
        sector,
        area_level,
        area_code,
        sum(summaries_within_1_day) as numerator,
        sum(discharges) as denominator
    from area_rows
    group by
        year,
        sector,
        area_level,
        area_code
),

flagged as (
    select
        year,
        sector,
        area_level,
        area_code,
        numerator,
        denominator,
        coalesce(numerator > 0 and numerator < {{ var('min_cell_count') }}, false)
            as is_primary,
        case
            when denominator > 0
                then
                    cast(numerator as {{ type_double() }})
                    / cast(denominator as {{ type_double() }})
        end as share  -- noqa: RF04
    from summed
),

areas as (
    select
        area_level,
        area_code,
        area_name,
        parent_area_code
    from {{ ref('dim_areas') }}
),

-- Complementary suppression (macros/privacy/complementary_suppression.sql, README "Privacy:
-- suppression"): Norway = the RHFs (+ unknown treating HFs), an RHF = its HF areas (+ e.g.
-- Sunnaas), and sector `all` = the three sectors, so a suppressed numerator could be
-- recovered by subtraction. Four passes: areas, sectors, areas, sectors, each with the
-- previous one's suppressed cells as input.
area_input as (
    select
        flagged.year,
        flagged.sector,
        flagged.area_level,
        flagged.area_code,
        areas.parent_area_code as parent_code,
        flagged.numerator as events,
        flagged.is_primary
    from flagged
    left join areas
        on
            flagged.area_level = areas.area_level
            and flagged.area_code = areas.area_code
),

{{ complementary_suppression(
    'area_pass', 'area_input', ['year', 'sector'],
    [['norway', 'rhf'], ['rhf', 'hf']]
) }},

sector_input as (
    select
        area_input.year,
        area_input.area_level as geo_level,
        area_input.area_code as geo_code,
        area_input.sector as area_code,
        area_input.events,
        area_pass.is_suppressed as is_primary,
        case when area_input.sector = 'all' then 'whole' else 'part' end as area_level,
        case when area_input.sector <> 'all' then 'all' end as parent_code
    from area_input
    inner join area_pass
        on
            area_input.year = area_pass.year
            and area_input.sector = area_pass.sector
            and area_input.area_level = area_pass.area_level
            and area_input.area_code = area_pass.area_code
),

{{ complementary_suppression(
    'sector_pass', 'sector_input', ['year', 'geo_level', 'geo_code'], [['whole', 'part']]
) }},

area_again_input as (
    select
        area_input.year,
        area_input.sector,
        area_input.area_level,
        area_input.area_code,
        area_input.parent_code,
        area_input.events,
        sector_pass.is_suppressed as is_primary
    from area_input
    inner join sector_pass
        on
            area_input.year = sector_pass.year
            and area_input.sector = sector_pass.area_code
            and area_input.area_level = sector_pass.geo_level
            and area_input.area_code = sector_pass.geo_code
),

{{ complementary_suppression(
    'area_again', 'area_again_input', ['year', 'sector'],
    [['norway', 'rhf'], ['rhf', 'hf']]
) }},

sector_again_input as (
    select
        sector_input.year,
        sector_input.geo_level,
        sector_input.geo_code,
        sector_input.area_level,
        sector_input.area_code,
        sector_input.parent_code,
        sector_input.events,
        area_again.is_suppressed as is_primary
    from sector_input
    inner join area_again
        on
            sector_input.year = area_again.year
            and sector_input.area_code = area_again.sector
            and sector_input.geo_level = area_again.area_level
            and sector_input.geo_code = area_again.area_code
),

{{ complementary_suppression(
    'sector_again', 'sector_again_input', ['year', 'geo_level', 'geo_code'],
    [['whole', 'part']]
) }},

suppressed as (
    select
        flagged.*,
        sector_again.is_suppressed,
        case
            when flagged.is_primary then 'primary'
            when sector_again.is_suppressed then 'complementary'
        end as suppression_reason
    from flagged
    inner join sector_again
        on
            flagged.year = sector_again.year
            and flagged.sector = sector_again.area_code
            and flagged.area_level = sector_again.geo_level
            and flagged.area_code = sector_again.geo_code
)

select
    flagged.year,
    flagged.sector,
    flagged.area_level,
    flagged.area_code,
    areas.area_name,
    flagged.is_suppressed,
    flagged.suppression_reason,
    cast(flagged.denominator as {{ dbt.type_bigint() }}) as denominator,
    cast(
        case when not flagged.is_suppressed then flagged.numerator end
        as {{ dbt.type_bigint() }}
    ) as numerator,
    case
        when not flagged.is_suppressed then {{ round_to('flagged.share', 10) }}
    end as share  -- noqa: RF04
from suppressed as flagged
left join areas
    on
        flagged.area_level = areas.area_level
        and flagged.area_code = areas.area_code
