{#
    Public mart: specialist care of the frail elderly against the other inhabitants 75+
    (seed 001 "Bruk av spesialisthelsetjenester?"; issue 32), one row per IPLOS year, area
    (as fct_health_community_frail_elderly) and person group (`frail`, `other`): persons,
    NPR contacts (stays, day treatments, outpatient contacts of the six NPR activity sources)
    and inpatient stays (int_municipal__specialist_use), and both per person.

    persons: `frail` = the frailty mart's frail persons (its `all` cell, hidden alike);
    `other` = inhabitants 75+ (the delivery's share) - frail persons, hidden with the frail
    cell (the population is published, so it would give the frail count away).
    Suppression: contacts or inpatient stays of 1 to var('min_cell_count') - 1 hide the row's
    counts and rates (primary), and per group the cells a subtraction over the areas would
    reveal (complementary: Norway = municipalities, municipality = hospital parts =
    districts). A rate is null when its count or the persons are hidden.
#}
with frail_cells as (
    select
        year,
        area_level,
        area_code,
        area_name,
        parent_area_code,
        municipality_code,
        frail_persons,
        population,
        is_suppressed as is_frail_suppressed
    from {{ ref('int_municipal__frail_elderly') }}
    where functional_level_group = 'all'
),

frail_counts as (
    select
        year,
        area_level,
        area_code,
        frail_persons
    from {{ ref('int_municipal__frailty_rates') }}
    where functional_level_group = 'all'
),

use_counts as (
    select * from {{ ref('int_municipal__specialist_use') }}
),

person_groups as (
    select
        'frail' as person_group,
        'Skrøpelige eldre' as person_group_name_nb,
        'Frail elderly' as person_group_name_en
    union all
    select
        'other' as person_group,
        'Andre innbyggere 75+' as person_group_name_nb,
        'Other inhabitants 75+' as person_group_name_en
),

flagged as (
    select
        frail_cells.year,
        frail_cells.area_level,
        frail_cells.area_code,
        frail_cells.area_name,
        frail_cells.parent_area_code,
        frail_cells.municipality_code,
        person_groups.person_group,
        person_groups.person_group_name_nb,
        person_groups.person_group_name_en,
        frail_cells.is_frail_suppressed,
        case
            when person_groups.person_group = 'frail'
                then cast(frail_counts.frail_persons as {{ type_double() }})
            else frail_cells.population - frail_counts.frail_persons
        end as persons,
        cast(coalesce(use_counts.contacts, 0) as {{ dbt.type_int() }}) as contacts,
        cast(coalesce(use_counts.inpatient_stays, 0) as {{ dbt.type_int() }}) as inpatient_stays,
        (
            {{ is_small_count('coalesce(use_counts.contacts, 0)') }}
            or {{ is_small_count('coalesce(use_counts.inpatient_stays, 0)') }}
        ) as is_primary
    from frail_cells
    inner join frail_counts
        on
            frail_cells.year = frail_counts.year
            and frail_cells.area_level = frail_counts.area_level
            and frail_cells.area_code = frail_counts.area_code
    cross join person_groups
    left join use_counts
        on
            frail_cells.year = use_counts.year
            and frail_cells.area_level = use_counts.area_level
            and frail_cells.area_code = use_counts.area_code
            and person_groups.person_group = use_counts.person_group
),

pass_0 as (
    select
        year,
        person_group,
        area_level,
        area_code,
        parent_area_code as area_parent_code,
        contacts,
        inpatient_stays,
        is_primary as is_suppressed
    from flagged
),

{{ complementary_suppression_passes(
    'pass', 'pass_0', ['year', 'person_group', 'area_level', 'area_code'],
    [municipal_area_relation()],
    measures=['contacts', 'inpatient_stays']
) }},

{{ suppression_outcome(
    'suppressed', 'flagged', 'pass', ['year', 'person_group', 'area_level', 'area_code']
) }}

select
    year,
    area_level,
    area_code,
    area_name,
    parent_area_code,
    municipality_code,
    person_group,
    person_group_name_nb,
    person_group_name_en,
    case when not is_frail_suppressed then {{ round_to('persons', rate_decimals()) }} end
        as persons,
    case when not is_suppressed then contacts end as contacts,
    case when not is_suppressed then inpatient_stays end as inpatient_stays,
    case
        when not is_suppressed and not is_frail_suppressed and persons > 0
            then {{ round_to('contacts / persons', rate_decimals()) }}
    end as contacts_per_person,
    case
        when not is_suppressed and not is_frail_suppressed and persons > 0
            then {{ round_to('inpatient_stays / persons', rate_decimals()) }}
    end as inpatient_stays_per_person,
    is_suppressed,
    suppression_reason
from suppressed
