{#
    Complementary (secondary) suppression over an area hierarchy (README "Privacy:
    suppression"). Emits CTEs for the caller's WITH clause; the last one is named `name`.

    input: a relation / CTE with the columns
        <keys>      the cell keys other than the area (e.g. sample, measure, year, period)
        area_level, area_code
        parent_code the code of the area's parent at the level above (null at the top)
        events      the unsuppressed count that decides suppression (the suppression basis)
        is_primary  true when the cell is suppressed because events is 1 to min - 1
    hierarchy: [parent_level, child_level] pairs, top-down, e.g.
        [['norway', 'rhf'], ['rhf', 'hf'], ['hf', 'hospital']].
    output `name`: <keys>, area_level, area_code, is_suppressed, suppression_reason
        ('primary' | 'complementary' | null).

    The rule, within every parent cell (same keys) and one pair of levels at a time, top-down:
        hidden = max(parent events - sum of the children's events, 0)   (the part of the
                 parent that no child publishes, e.g. unknown residence in Norway)
               + the events of the children that are already suppressed;
        hidden units = the suppressed children, + 1 when that unpublished part is > 0.
        A published parent with hidden > 0 needs hidden >= min (subtraction would reveal a
        total of 1 to min - 1) and, when a child is suppressed, at least 2 hidden units (a
        lone hidden cell is recovered exactly, which matters where a cell is in two relations, e.g. key figures by region
        and by urgency). A parent suppressed as complementary needs hidden >= min (else its
        children would add up to it). The published children with events > 0 are then
        suppressed in ascending order of events, ties by area_code: a child is suppressed
        while hidden + the events of the candidates before it is < min, or hidden units +
        the candidates before it < 2. When even all of them are not enough, the parent is
        suppressed too (for additive counts in one hierarchy this cannot happen: the parent
        would then be below min itself, i.e. already primary).
    Top-down order makes a complementary suppression at one level protected by the next
    pair (its children are then checked as the children of a suppressed parent); a parent
    suppressed by the last clause was already primary, so one pass over the pairs suffices.
#}
{% macro complementary_suppression(name, input, keys, hierarchy, min_count=none) -%}
    {%- set min_count = var('min_cell_count') if min_count is none else min_count -%}
    {%- set key_list = keys | join(', ') -%}
    {%- set child_keys = [] -%}
    {%- set cell_join = [] -%}
    {%- set group_join = [] -%}
    {%- for key in keys -%}
        {%- do child_keys.append('children.' ~ key) -%}
        {%- do cell_join.append('previous.' ~ key ~ ' = child_flags.' ~ key) -%}
        {%- do group_join.append('previous.' ~ key ~ ' = unreachable.' ~ key) -%}
    {%- endfor -%}
    {%- set parent_join = [] -%}
    {%- for key in keys -%}
        {%- do parent_join.append('children.' ~ key ~ ' = parents.' ~ key) -%}
    {%- endfor -%}
    {%- set group_keys = child_keys | join(', ') ~ ', children.parent_code' -%}
    {%- set steps = [] -%}
    {%- for pair in hierarchy -%}
        {%- do steps.append(complementary_suppression_step(
            name ~ '_step_' ~ loop.index0, name ~ '_step_' ~ loop.index, pair, keys, key_list,
            child_keys, parent_join, cell_join, group_join, group_keys, min_count)) -%}
    {%- endfor %}
    {{ name }}_step_0 as (
        select
            {{ key_list }},
            area_level,
            area_code,
            parent_code,
            events,
            is_primary,
            is_primary as is_hidden,
            false as is_complementary
        from {{ input }}
    ),

    {{ steps | join(',\n\n') }},

    {{ name }} as (
        select
            {{ key_list }},
            area_level,
            area_code,
            is_hidden as is_suppressed,
            case
                when is_primary then 'primary'
                when is_hidden then 'complementary'
            end as suppression_reason
        from {{ name ~ '_step_' ~ (hierarchy | length) }}
    )
{%- endmacro %}

{# One pair of levels of complementary_suppression: the CTEs <step>_children .. <step>. #}
{% macro complementary_suppression_step(
    previous, step, pair, keys, key_list, child_keys, parent_join, cell_join, group_join,
    group_keys, min_count
) -%}
    {%- set previous_keys = [] -%}
    {%- for key in keys -%}
        {%- do previous_keys.append('previous.' ~ key) -%}
    {%- endfor %}
    {{ step }}_children as (
        select
            {{ child_keys | join(',\n        ') }},
            children.area_code,
            children.parent_code,
            children.is_hidden,
            parents.is_hidden as is_parent_hidden,
            parents.is_complementary as is_parent_complementary,
            coalesce(children.events, 0) as events,
            not children.is_hidden and coalesce(children.events, 0) > 0 as is_candidate,
            coalesce(parents.events, 0) as parent_events,
            sum(coalesce(children.events, 0)) over (
                partition by {{ group_keys }}
            ) as children_events,
            sum(case when children.is_hidden then coalesce(children.events, 0) else 0 end) over (
                partition by {{ group_keys }}
            ) as hidden_children_events,
            sum(
                case
                    when not children.is_hidden and children.events > 0 then children.events
                    else 0
                end
            ) over (partition by {{ group_keys }}) as candidate_events,
            sum(case when children.is_hidden then 1 else 0 end) over (
                partition by {{ group_keys }}
            ) as hidden_children,
            sum(
                case when not children.is_hidden and children.events > 0 then 1 else 0 end
            ) over (partition by {{ group_keys }}) as candidates,
            count(*) over (
                partition by
                    {{ group_keys }},
                    not children.is_hidden and coalesce(children.events, 0) > 0
                order by children.events, children.area_code
                rows between unbounded preceding and 1 preceding
            ) as candidates_before,
            coalesce(sum(coalesce(children.events, 0)) over (
                partition by
                    {{ group_keys }},
                    not children.is_hidden and coalesce(children.events, 0) > 0
                order by children.events, children.area_code
                rows between unbounded preceding and 1 preceding
            ), 0) as events_before
        from {{ previous }} as children
        inner join {{ previous }} as parents
            on
                {{ parent_join | join('\n            and ') }}
                and parents.area_level = '{{ pair[0] }}'
                and children.parent_code = parents.area_code
        where children.area_level = '{{ pair[1] }}'
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

    {{ step }}_flags as (
        select
            {{ key_list }},
            area_code,
            parent_code,
            (
                is_parent_exposed
                and (
                    hidden_events + candidate_events < {{ min_count }}
                    or (hidden_children > 0 and hidden_units + candidates < 2)
                )
            )
            or (
                is_parent_complementary
                and hidden_events + candidate_events < {{ min_count }}
            ) as is_unreachable,
            is_candidate
            and (
                (
                    is_parent_exposed
                    and (
                        hidden_events + events_before < {{ min_count }}
                        or (hidden_children > 0 and hidden_units + candidates_before < 2)
                    )
                )
                or (
                    is_parent_complementary
                    and hidden_events + events_before < {{ min_count }}
                )
            ) as is_complementary
        from {{ step }}_groups
    ),

    {{ step }}_unreachable as (
        select distinct
            {{ key_list }},
            parent_code
        from {{ step }}_flags
        where is_unreachable
    ),

    {{ step }} as (
        select
            {{ previous_keys | join(',\n        ') }},
            previous.area_level,
            previous.area_code,
            previous.parent_code,
            previous.events,
            previous.is_primary,
            previous.is_hidden
            or coalesce(child_flags.is_complementary, false)
            or unreachable.parent_code is not null as is_hidden,
            previous.is_complementary
            or (not previous.is_hidden and (
                coalesce(child_flags.is_complementary, false)
                or unreachable.parent_code is not null
            )) as is_complementary
        from {{ previous }} as previous
        left join {{ step }}_flags as child_flags
            on
                {{ cell_join | join('\n            and ') }}
                and previous.area_level = '{{ pair[1] }}'
                and previous.area_code = child_flags.area_code
        left join {{ step }}_unreachable as unreachable
            on
                {{ group_join | join('\n            and ') }}
                and previous.area_level = '{{ pair[0] }}'
                and previous.area_code = unreachable.parent_code
    )
{%- endmacro %}
