{#
    The services the frail elderly receive (seed 001 "Hvilke tjenester får disse ca 11 500
    skrøpelige eldre"), one row per IPLOS year, area (int_municipal__areas) and IPLOS service
    with at least one person: unique frail persons (75+, functional level 2-5,
    int_municipal__iplos_persons) with a decision on the service in force in the year (a person
    with several services counts under each). Before suppression (the mart applies it).
    Counted per residence unit before the fan-out to the areas.
#}
with frail as (
    select
        year,
        person_id,
        residence_key
    from {{ ref('int_municipal__iplos_persons') }}
    where is_frail
),

decisions as (
    select distinct
        service_year as year,
        person_id,
        service_code
    from {{ ref('stg_kpr__iplos_services') }}
    where person_id is not null
),

unit_counts as (
    select
        frail.year,
        frail.residence_key,
        decisions.service_code,
        count(*) as persons
    from frail
    inner join decisions
        on
            frail.year = decisions.year
            and frail.person_id = decisions.person_id
    group by 1, 2, 3
)

select
    unit_counts.year,
    areas.area_level,
    areas.area_code,
    unit_counts.service_code,
    sum(unit_counts.persons) as persons
from unit_counts
inner join {{ ref('int_municipal__areas') }} as areas
    on unit_counts.residence_key = areas.residence_key
group by 1, 2, 3, 4
