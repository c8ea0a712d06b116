{#
    The frail persons of int_municipal__frailty_rates add up over the areas (before
    suppression): a hospital part's persons are those of its districts (each district lies in
    one part), and a municipality or Norway has at least its children's persons (the rest live
    in no child: no district given, unknown residence). A person in a stratum without
    inhabitants counts in every area they live in, so a part never loses a person its parent
    keeps: the difference would be a count of 1-4 for anyone to read off the published marts.
    A row per violation.
#}
with rates as (
    select
        year,
        area_level,
        area_code,
        functional_level_group,
        frail_persons
    from {{ ref('int_municipal__frailty_rates') }}
),

areas as (
    select distinct
        area_level,
        area_code,
        parent_area_code
    from {{ ref('int_municipal__areas') }}
),

-- Each area below Norway and its parent area (a district's is its hospital part, or the
-- municipality when it has none).
links as (
    select
        children.area_level,
        children.area_code,
        parents.area_level as parent_area_level,
        parents.area_code as parent_area_code
    from areas as children
    inner join areas as parents
        on
            children.parent_area_code = parents.area_code
            and children.area_level <> parents.area_level
),

children as (
    select
        rates.year,
        rates.functional_level_group,
        links.parent_area_level,
        links.parent_area_code,
        sum(rates.frail_persons) as child_persons
    from rates
    inner join links
        on
            rates.area_level = links.area_level
            and rates.area_code = links.area_code
    group by 1, 2, 3, 4
)

select
    rates.year,
    rates.functional_level_group,
    rates.area_level,
    rates.area_code,
    rates.frail_persons,
    children.child_persons
from rates
inner join children
    on
        rates.year = children.year
        and rates.functional_level_group = children.functional_level_group
        and rates.area_level = children.parent_area_level
        and rates.area_code = children.parent_area_code
where
    rates.frail_persons < children.child_persons
    or (rates.area_level = 'hospital' and rates.frail_persons <> children.child_persons)
