{#
    Frail elderly per 1,000 inhabitants aged 75+, as published (seed 001 "Skrøpelige eldre -
    per 1000 innbygger over 75 år"; issue 32), one row per IPLOS year, area (Norway, every
    municipality, and for the health-community municipalities their hospital parts and
    districts; int_municipal__areas) and functional level group (`all` = level 2-5, `2-3`
    "noe redusert / redusert", `4-5` "dårlig / svært dårlig funksjonsevne"): frail persons,
    inhabitants 75+, crude and age- and sex-standardised rate per 1,000 with its 95% interval
    (int_municipal__frailty_rates).

    Suppression (SPEC section 12): frail persons of 1 to var('min_cell_count') - 1 are hidden
    (primary), and so are the cells from which a hidden count could be recovered by
    subtraction (complementary): Norway = its municipalities (+ unknown residence), a
    municipality = its hospital parts, a hospital part = its districts, and group `all` =
    `2-3` + `4-5` (macros/privacy/complementary_suppression_passes.sql). A hidden cell's
    persons and rates are null (the population is published, so a rate would give the count
    away).

    fct_health_community_frail_elderly publishes it unchanged; the services and specialist-use
    marts read their frail cells here, hidden where that mart hides them.
#}
with rates as (
    select * from {{ ref('int_municipal__frailty_rates') }}
),

areas as (
    select distinct
        area_level,
        area_code,
        area_name,
        parent_area_code,
        municipality_code
    from {{ ref('int_municipal__areas') }}
),

flagged as (
    select
        rates.*,
        areas.area_name,
        areas.parent_area_code,
        areas.municipality_code,
        {{ is_small_count('rates.frail_persons') }} as is_primary
    from rates
    inner join areas
        on
            rates.area_level = areas.area_level
            and rates.area_code = areas.area_code
),

pass_0 as (
    select
        year,
        functional_level_group,
        area_level,
        area_code,
        parent_area_code as area_parent_code,
        frail_persons,
        is_primary as is_suppressed
    from flagged
),

{{ complementary_suppression_passes(
    'pass', 'pass_0', ['year', 'functional_level_group', 'area_level', 'area_code'],
    [
        municipal_area_relation(),
        {
            'name': 'functional level groups',
            'hierarchy': [['whole', 'part']],
            'keys': {'year': 'year', 'geo_level': 'area_level', 'geo_code': 'area_code'},
            'area_level': "case when functional_level_group = 'all' then 'whole' else 'part' end",
            'area_code': 'functional_level_group',
            'parent_code': "case when functional_level_group <> 'all' then 'all' end"
        }
    ],
    measures=['frail_persons']
) }},

{{ suppression_outcome(
    'suppressed', 'flagged', 'pass', ['year', 'functional_level_group', 'area_level', 'area_code']
) }}

select
    year,
    area_level,
    area_code,
    area_name,
    parent_area_code,
    municipality_code,
    functional_level_group,
    population,
    is_suppressed,
    suppression_reason,
    case functional_level_group
        when 'all' then 'Skrøpelige eldre (funksjonsnivå 2-5)'
        when '2-3' then 'Noe redusert og redusert funksjonsevne'
        else 'Dårlig og svært dårlig funksjonsevne'
    end as functional_level_group_name_nb,
    case functional_level_group
        when 'all' then 'Frail elderly (functional level 2-5)'
        when '2-3' then 'Somewhat reduced and reduced function'
        else 'Poor and very poor function'
    end as functional_level_group_name_en,
    case when not is_suppressed then frail_persons end as frail_persons,
    case when not is_suppressed then crude_rate end as crude_rate,
    case when not is_suppressed then std_rate end as std_rate,
    case when not is_suppressed then std_rate_lower end as std_rate_lower,
    case when not is_suppressed then std_rate_upper end as std_rate_upper
from suppressed
