{#
    The NKI quality indicator 'discharge summary sent within 1 day' (epikrisetid: andel
    epikriser sendt innen 1 dag; SPEC section 11, seed 003 indicator 9) per year, sector and
    area, by treating institution: numerator (summaries sent within 1 day), denominator
    (discharges) and share with its 95% Wilson score interval (share_lower, share_upper;
    macros/rates/wilson_interval.sql), from stg_nki__discharge_summaries. Published unchanged
    as fct_nki_indicators; the RBF indicators read it here (int_rbf__indicators_area_suppressed,
    macros/privacy/rbf_points_bounds.sql) to hide what NKI hides.

    - sector: `somatic`, `mental_health`, `substance_use` as delivered, and `all` (their sum,
      the RBF indicator's scope).
    - areas: `hf` = the HF area (catchment numbering) of the treating HF
      (ref_treating_institutions.hf_area_code; a private non-commercial hospital counts in
      the HF area of its name, e.g. Haraldsplass in Bergen; Sunnaas has none and counts in
      its RHF); `rhf` = the treating RHF (1-4); `norway` = every delivered row, including a
      treating-HF code the seed does not know (Norway only, like unknown residence).
    - years: complete years only (int_rbf__source_periods, data source `nki`): the newest
      NKI year is partial like the NPR deliveries.
    - suppression (SPEC section 12): a numerator of 1 to var('min_cell_count') - 1, or a
      complement (denominator - numerator: summaries not sent within 1 day) of 1 to min - 1,
      is published as null with the share and its interval, is_suppressed true; the
      denominator stays (with it, the numerator would give the complement away). Complementary suppression over
      the areas (Norway > RHF > HF) and the sectors (`all` = the three), for the numerator
      and the complement, see the CTEs below and README "Privacy: suppression".
#}
{%- set min_count = var('min_cell_count') %}
{#- rounds of the four passes (areas and sectors, numerator and complement): a later pass
    can hide a cell that an earlier relation then needs to protect, so the passes repeat;
    tests/privacy/assert_nki_indicators_hide_no_small_total.sql checks the result -#}
{%- set nki_rounds = 2 %}
{%- set wilson = wilson_interval('flagged.numerator', 'flagged.denominator') %}
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

-- sectors .. summed: numerator and denominator per year, sector (as delivered, and `all`)
-- and area (macros/quality/nki_area_sums.sql).
{{ nki_area_sums('located') }},

flagged as (
    select
        year,
        sector,
        area_level,
        area_code,
        numerator,
        denominator,
        denominator - numerator as complement,
        -- primary: the summaries sent within 1 day, or those not (the denominator is
        -- published, so the numerator gives the complement away), are 1 to min - 1
        coalesce(numerator > 0 and numerator < {{ min_count }}, false)
        or coalesce(
            denominator - numerator > 0 and denominator - numerator < {{ min_count }}, false
        ) as is_primary,
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
-- recovered by subtraction; and as the denominators are published, so could a suppressed
-- complement (denominator - numerator: summaries not sent within 1 day), which adds up
-- over the same relations. Passes over areas and sectors, for the numerator and then the
-- complement, each reading the previous one's hidden cells (a cell hidden for another
-- cell's sake, not for being small, keeps that status: as a total it needs its own
-- protection, macros/privacy/complementary_suppression_passes.sql).
pass_0 as (
    select
        flagged.year,
        flagged.sector,
        flagged.area_level,
        flagged.area_code,
        areas.parent_area_code as area_parent_code,
        flagged.numerator,
        flagged.complement,
        flagged.is_primary as is_suppressed
    from flagged
    left join areas
        on
            flagged.area_level = areas.area_level
            and flagged.area_code = areas.area_code
),
{#- per measure and round: an area pass, then a sector pass (sector `all` is the whole,
    the three sectors its parts; the area's level and code are then keys) -#}

{{ complementary_suppression_passes(
    'pass', 'pass_0', ['year', 'sector', 'area_level', 'area_code'],
    [
        {'name': 'areas', 'hierarchy': [['norway', 'rhf'], ['rhf', 'hf']]},
        {
            'name': 'sectors',
            'hierarchy': [['whole', 'part']],
            'keys': {'year': 'year', 'geo_level': 'area_level', 'geo_code': 'area_code'},
            'area_level': "case when sector = 'all' then 'whole' else 'part' end",
            'area_code': 'sector',
            'parent_code': "case when sector <> 'all' then 'all' end"
        }
    ],
    rounds=nki_rounds, min_count=min_count
) }},

{{ suppression_outcome(
    'suppressed', 'flagged', 'pass', ['year', 'sector', 'area_level', 'area_code']
) }}

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
    end as share,  -- noqa: RF04
    -- 95% Wilson score interval of the share (macros/rates/wilson_interval.sql), from the
    -- unsuppressed counts, published exactly where the share is: a hidden share's interval
    -- would give it away
    case
        when not flagged.is_suppressed and flagged.share is not null
            then {{ round_to(wilson.lower, 10) }}
    end as share_lower,
    case
        when not flagged.is_suppressed and flagged.share is not null
            then {{ round_to(wilson.upper, 10) }}
    end as share_upper
from suppressed as flagged
left join areas
    on
        flagged.area_level = areas.area_level
        and flagged.area_code = areas.area_code
