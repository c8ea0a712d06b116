{#
    Public mart: the municipal services the frail elderly receive (seed 001 "Hvilke
    tjenester får disse ca 11 500 skrøpelige eldre", decisions 2021; issue 32), one row per
    IPLOS year, area (as fct_health_community_frail_elderly) and service (ref_iplos_services,
    seed 001's list and order): unique frail persons with a decision on the service in force
    in the year (int_municipal__frail_services), and their share of the area's frail elderly
    (a person with several services counts under each, so the shares add up to more than 1,
    as seed 001's).

    frail_persons is the frailty mart's `all` cell, hidden where that mart hides it.
    Suppression: persons of 1 to var('min_cell_count') - 1 are hidden (primary), and per
    service the cells a subtraction over the areas would reveal (complementary: Norway = the
    municipalities, a municipality = its hospital parts = its districts); the share is null
    when persons or frail_persons is hidden (share x frail_persons = persons).
#}
with area_counts as (
    select
        year,
        area_level,
        area_code,
        service_code,
        persons
    from {{ ref('int_municipal__frail_services') }}
),

frail_cells as (
    select
        year,
        area_level,
        area_code,
        area_name,
        parent_area_code,
        municipality_code,
        frail_persons
    from {{ ref('int_municipal__frail_elderly') }}
    where functional_level_group = 'all'
),

services as (
    select
        service_code,
        sort_order,
        name_nb,
        name_en
    from {{ ref('ref_iplos_services') }}
),

flagged as (
    select
        frail_cells.*,
        services.service_code,
        services.sort_order as service_sort_order,
        services.name_nb as service_name_nb,
        services.name_en as service_name_en,
        cast(coalesce(area_counts.persons, 0) as {{ dbt.type_int() }}) as persons,
        {{ is_small_count('coalesce(area_counts.persons, 0)') }} as is_primary
    from frail_cells
    cross join services
    left join area_counts
        on
            frail_cells.year = area_counts.year
            and frail_cells.area_level = area_counts.area_level
            and frail_cells.area_code = area_counts.area_code
            and services.service_code = area_counts.service_code
),

pass_0 as (
    select
        year,
        service_code,
        area_level,
        area_code,
        parent_area_code as area_parent_code,
        persons,
        is_primary as is_suppressed
    from flagged
),

{{ complementary_suppression_passes(
    'pass', 'pass_0', ['year', 'service_code', 'area_level', 'area_code'],
    [municipal_area_relation()],
    measures=['persons'], rounds=1
) }},

{{ suppression_outcome(
    'suppressed', 'flagged', 'pass', ['year', 'service_code', 'area_level', 'area_code']
) }}

select
    year,
    area_level,
    area_code,
    area_name,
    parent_area_code,
    municipality_code,
    service_code,
    service_sort_order,
    service_name_nb,
    service_name_en,
    case when not is_suppressed then persons end as persons,
    frail_persons,
    case
        when not is_suppressed then {{ share('persons', 'frail_persons') }}
    end as share_of_frail,
    is_suppressed,
    suppression_reason
from suppressed
