{#
    One pair of levels of complementary_suppression: the CTEs <step>_families .. <step>.
    Every quantity of a parent and its children is a window over the family (the keys and
    the parent's code): <previous> is read once per step. (A join of <previous> to itself per
    step, read again for the result, makes the plan grow several fold per level on Spark,
    which inlines CTEs: benchmarks/README.md.)
#}
{% macro complementary_suppression_step(
    previous, step, pair, keys, min_count, carried='', has_candidate_column=false
) -%}
    {%- set key_list = keys | join(', ') -%}
    {%- set family = keys | join(', ') ~ ', family_code' -%}
    {%- set is_parent = "area_level = '" ~ pair[0] ~ "'" -%}
    {%- set is_child = "area_level = '" ~ pair[1] ~ "'" -%}
    {%- set candidate_select = 'coalesce(' ~ is_child ~ ' and not is_hidden and events > 0'
        ~ (' and can_be_candidate' if has_candidate_column else '') ~ ', false)' -%}
    {%- set candidate_column = '\n            can_be_candidate,' if has_candidate_column else '' %}
    {{ step }}_families as (
        select
            *,
            case
                when {{ is_child }} then parent_code
                when {{ is_parent }} then area_code
            end as family_code,
            {{ candidate_select }} as is_candidate
        from {{ previous }}
    ),

    {{ step }}_children as (
        select
            *,
            max(case when {{ is_parent }} then 1 else 0 end) over (
                partition by {{ family }}
            ) = 1 as has_parent,
            coalesce(max(case when {{ is_parent }} then coalesce(events, 0) end) over (
                partition by {{ family }}
            ), 0) as parent_events,
            max(case when {{ is_parent }} and is_hidden then 1 else 0 end) over (
                partition by {{ family }}
            ) = 1 as is_parent_hidden,
            max(case when {{ is_parent }} and is_complementary then 1 else 0 end) over (
                partition by {{ family }}
            ) = 1 as is_parent_complementary,
            sum(case when {{ is_child }} then coalesce(events, 0) else 0 end) over (
                partition by {{ family }}
            ) as children_events,
            sum(case when {{ is_child }} and is_hidden then coalesce(events, 0) else 0 end) over (
                partition by {{ family }}
            ) as hidden_children_events,
            sum(case when is_candidate then events else 0 end) over (
                partition by {{ family }}
            ) as candidate_events,
            sum(case when {{ is_child }} and is_hidden then 1 else 0 end) over (
                partition by {{ family }}
            ) as hidden_children,
            sum(case when is_candidate then 1 else 0 end) over (
                partition by {{ family }}
            ) as candidates,
            count(*) over (
                partition by {{ family }}, is_candidate
                order by events, area_code
                rows between unbounded preceding and 1 preceding
            ) as candidates_before,
            coalesce(sum(coalesce(events, 0)) over (
                partition by {{ family }}, is_candidate
                order by events, area_code
                rows between unbounded preceding and 1 preceding
            ), 0) as events_before
        from {{ step }}_families
    ),

    {{ step }}_remainders as (
        select
            *,
            case
                when parent_events > children_events then parent_events - children_events
                else 0
            end as remainder_events
        from {{ step }}_children
    ),

    {{ step }}_groups as (
        select
            *,
            remainder_events + hidden_children_events as hidden_events,
            hidden_children
            + case when remainder_events > 0 then 1 else 0 end as hidden_units,
            not is_parent_hidden
            and remainder_events + hidden_children_events > 0 as is_parent_exposed
        from {{ step }}_remainders
    ),

    -- per child with a parent row: whether the family cannot be protected (its parent is
    -- then hidden) and whether the child is hidden as complementary
    {{ step }}_flags as (
        select
            *,
            {{ is_child }} and has_parent
            and {{ complementary_shortfall('candidate_events', 'candidates', min_count) }}
            as is_unreachable,
            is_candidate and has_parent
            and {{ complementary_shortfall('events_before', 'candidates_before', min_count) }}
            as is_child_complementary
        from {{ step }}_groups
    ),

    {{ step }}_marks as (
        select
            *,
            {{ is_parent }} and max(case when is_unreachable then 1 else 0 end) over (
                partition by {{ family }}
            ) = 1 as is_parent_unreachable
        from {{ step }}_flags
    ),

    {{ step }} as (
        select
            {{ key_list }},
            area_level,
            area_code,{{ carried }}
            parent_code,
            events,
            is_primary,{{ candidate_column }}
            is_hidden or is_child_complementary or is_parent_unreachable as is_hidden,
            is_complementary
            or (not is_hidden and (is_child_complementary or is_parent_unreachable))
            as is_complementary
        from {{ step }}_marks
    )
{%- endmacro %}

{#
    The condition of complementary_suppression under which a family is short of protection
    when `extra_events` events in `extra_units` more published children are hidden as well
    (all the candidates: the family cannot be protected; the candidates before a child: that
    child must be hidden): a published parent with a hidden part needs min hidden events and,
    when a child is hidden, 2 hidden units; a parent hidden as complementary needs min.
#}
{% macro complementary_shortfall(extra_events, extra_units, min_count) -%}
    (
        (
            is_parent_exposed
            and (
                hidden_events + {{ extra_events }} < {{ min_count }}
                or (hidden_children > 0 and hidden_units + {{ extra_units }} < 2)
            )
        )
        or (
            is_parent_complementary
            and hidden_events + {{ extra_events }} < {{ min_count }}
        )
    )
{%- endmacro %}
