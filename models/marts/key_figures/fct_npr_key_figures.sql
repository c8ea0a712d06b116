{#
    Public mart of NPR's key figures for somatic care (seed 002 tables 1-3; SPEC section 11),
    long format: one row per complete year, region (`norway` or an RHF code of residence) and
    figure of ref_npr_key_figures, with the change in percent from the previous year.

    Years: the complete years of NPR-SOM (dim_periods, period `year`); the first year has no
    previous year and no change.
    Suppression (SPEC section 12, as fct_utilisation_rates): a value of 1 to
    var('min_cell_count') - 1 is null and is_suppressed true; the change is null when this or
    the previous year's value is suppressed (it would give the suppressed value away).
    Complementary suppression (docs/methods.md, "Suppression"): Norway is the sum of the RHFs
    (plus contacts with neither a residence nor a treating RHF) and the inpatient stays the
    sum of their urgency groups (plus an unknown urgency code), so the smallest published
    siblings are suppressed too until what is hidden under a published total is at least
    var('min_cell_count'): regions, figures, regions, figures (four bounded passes; the
    data test tests/privacy/assert_npr_key_figures_hide_no_small_total.sql checks the result).
#}
with key_figure_values as (
    select
        year,
        region_code,
        figure,
        value
    from {{ ref('int_npr__key_figure_values') }}
),

complete_years as (
    select year
    from {{ ref('dim_periods') }}
    where period = 'year' and is_complete
),

figures as (
    select
        figure,
        counting_unit,
        name_nb,
        name_en,
        sort_order
    from {{ ref('ref_npr_key_figures') }}
),

regions as (
    select
        area_code,
        area_name
    from {{ ref('dim_areas') }}
    where area_level in ('norway', 'rhf')
),

year_values as (
    select
        key_figure_values.year,
        key_figure_values.region_code,
        key_figure_values.figure,
        key_figure_values.value
    from key_figure_values
    inner join complete_years
        on key_figure_values.year = complete_years.year
),

-- The figures that are exact parts of another in the same region: the stays of an urgency
-- group add up (with the few of an unknown urgency code) to the stays of their care type.
figure_parts as (
    select
        parts.figure,
        wholes.figure as whole_figure
    from {{ ref('ref_npr_key_figures') }} as parts
    inner join {{ ref('ref_npr_key_figures') }} as wholes
        on
            parts.care_type = wholes.care_type
            and parts.counting_unit = wholes.counting_unit
    where
        parts.counting_unit = 'stays'
        and parts.urgency_group is not null
        and parts.provider_type is null
        and wholes.urgency_group is null
        and wholes.provider_type is null
),

whole_figures as (
    select distinct whole_figure
    from figure_parts
),

-- Complementary suppression (macros/privacy/complementary_suppression.sql, docs/methods.md,
-- "Suppression") over two relations: Norway = the RHFs + contacts with neither a residence
-- nor a treating RHF (per year and figure), and a whole figure = its parts (per year and
-- region). Four passes, each with the previous one's suppressed cells as input.
region_input as (
    select
        year,
        figure,
        region_code as area_code,
        value as events,
        case when region_code = 'norway' then 'norway' else 'rhf' end as area_level,
        case when region_code <> 'norway' then 'norway' end as parent_code,
        {{ is_small_count('value') }} as is_primary
    from year_values
),

{{ complementary_suppression(
    'region_pass', 'region_input', ['year', 'figure'], [['norway', 'rhf']]
) }},

figure_input as (
    select
        year_values.year,
        year_values.region_code,
        year_values.figure as area_code,
        year_values.value as events,
        figure_parts.whole_figure as parent_code,
        region_pass.is_suppressed as is_primary,
        case
            when figure_parts.figure is not null then 'part'
            when wholes.whole_figure is not null then 'whole'
            else 'other'
        end as area_level
    from year_values
    inner join region_pass
        on
            year_values.year = region_pass.year
            and year_values.figure = region_pass.figure
            and year_values.region_code = region_pass.area_code
    left join figure_parts
        on year_values.figure = figure_parts.figure
    left join whole_figures as wholes
        on year_values.figure = wholes.whole_figure
),

{{ complementary_suppression(
    'figure_pass', 'figure_input', ['year', 'region_code'], [['whole', 'part']]
) }},

region_again_input as (
    select
        region_input.year,
        region_input.figure,
        region_input.area_level,
        region_input.area_code,
        region_input.parent_code,
        region_input.events,
        figure_pass.is_suppressed as is_primary
    from region_input
    inner join figure_pass
        on
            region_input.year = figure_pass.year
            and region_input.figure = figure_pass.area_code
            and region_input.area_code = figure_pass.region_code
),

{{ complementary_suppression(
    'region_again', 'region_again_input', ['year', 'figure'], [['norway', 'rhf']]
) }},

figure_again_input as (
    select
        figure_input.year,
        figure_input.region_code,
        figure_input.area_level,
        figure_input.area_code,
        figure_input.parent_code,
        figure_input.events,
        region_again.is_suppressed as is_primary
    from figure_input
    inner join region_again
        on
            figure_input.year = region_again.year
            and figure_input.area_code = region_again.figure
            and figure_input.region_code = region_again.area_code
),

{{ complementary_suppression(
    'figure_again', 'figure_again_input', ['year', 'region_code'], [['whole', 'part']]
) }},

published_years as (
    select
        year_values.year,
        year_values.region_code,
        year_values.figure,
        year_values.value,
        figure_again.is_suppressed,
        case
            when {{ is_small_count('year_values.value') }} then 'primary'
            when figure_again.is_suppressed then 'complementary'
        end as suppression_reason
    from year_values
    inner join figure_again
        on
            year_values.year = figure_again.year
            and year_values.figure = figure_again.area_code
            and year_values.region_code = figure_again.region_code
),

with_previous as (
    select
        current_year.year,
        current_year.region_code,
        current_year.figure,
        current_year.is_suppressed,
        current_year.suppression_reason,
        case
            when not current_year.is_suppressed then current_year.value
        end as value,  -- noqa: RF04
        case
            when not current_year.is_suppressed and not previous_year.is_suppressed
                then {{ pct_change('current_year.value', 'previous_year.value') }}
        end as pct_change
    from published_years as current_year
    left join published_years as previous_year
        on
            current_year.region_code = previous_year.region_code
            and current_year.figure = previous_year.figure
            and current_year.year - 1 = previous_year.year
)

select
    with_previous.year,
    with_previous.region_code,
    regions.area_name as region_name,
    with_previous.figure,
    figures.name_nb as figure_name_nb,
    figures.name_en as figure_name_en,
    figures.counting_unit,
    figures.sort_order as figure_sort_order,
    with_previous.value,
    with_previous.pct_change,
    with_previous.is_suppressed,
    with_previous.suppression_reason
from with_previous
inner join figures
    on with_previous.figure = figures.figure
left join regions
    on with_previous.region_code = regions.area_code
