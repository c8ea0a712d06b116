{#
    The outsider's check of a mart's complementary suppression (README "Privacy:
    suppression"), shared by the tests in tests/privacy of the marts that publish a
    numerator and a denominator per area (fct_rbf_indicators, fct_nki_indicators). Emits
    CTEs for the caller's WITH clause; the last one, `name`, holds one row per finding.

    published: a relation / CTE with the columns <keys>, area_level, area_code, numerator,
        denominator, is_suppressed and suppression_reason (the mart as published: a hidden
        numerator is null).
    keys: the columns of a cell other than area_level and area_code.
    totals: [column, value] pairs, each one more relation: the cell whose `column` is
        `value` is the sum of the cells with the other values of `column` (same other keys
        and area), e.g. [['sector', 'all']].

    Both measures are checked: the numerator and the complement (denominator - numerator:
    the denominators are published, so a published numerator gives it away). The relations:
    `area`, a parent area (dim_areas) = the sum of its child areas, and one per `totals`
    pair, named after its column. A whole is a finding when
      - it is published and it minus its published parts is 1 to var('min_cell_count') - 1
        (an outsider's subtraction recovers a small total); the unpublished rest of a whole
        (e.g. unknown residence in Norway) is never published, so nothing is subtracted for
        it;
      - it is suppressed as complementary but none of its parts is suppressed (its parts
        would add up to it).
    output `name`: relation, measure, <keys>, area_level, area_code (the whole), n_suppressed
    (its suppressed parts), suppression_reason (the whole's), unpublished_value (the whole
    minus its published parts).
#}
{% macro subtraction_findings(name, published, keys, totals=[], min_count=none) -%}
    {%- set min_count = var('min_cell_count') if min_count is none else min_count -%}
    {#- the keys as SQL text: plain, qualified, matched, and as the whole of each total -#}
    {%- set cells_keys = [] -%}
    {%- set wholes_keys = [] -%}
    {%- set key_matches = [] -%}
    {%- for key in keys -%}
        {%- do cells_keys.append('cells.' ~ key) -%}
        {%- do wholes_keys.append('wholes.' ~ key) -%}
        {%- do key_matches.append('and wholes.' ~ key ~ ' = parts.' ~ key) -%}
    {%- endfor -%}
    {%- set total_keys = {} -%}
    {%- for column, total in totals -%}
        {%- set items = [] -%}
        {%- for key in keys -%}
            {%- do items.append("'" ~ total ~ "' as " ~ key if key == column else key) -%}
        {%- endfor -%}
        {%- do total_keys.update({column: items | join(',\n            ')}) -%}
    {%- endfor %}
    -- every cell once per measure
    {{ name }}_cells as (
        select
            measures.measure,
            {{ cells_keys | join(',\n            ') }},
            cells.area_level,
            cells.area_code,
            case
                when measures.measure = 'numerator' then cells.numerator
                else cells.denominator - cells.numerator
            end as cell_count,
            cells.is_suppressed,
            cells.suppression_reason
        from {{ published }} as cells
        cross join (
            select 'numerator' as measure
            union all
            select 'complement' as measure
        ) as measures
    ),

    {{ name }}_areas as (
        select
            area_level,
            area_code,
            parent_area_level,
            parent_area_code
        from {{ ref('dim_areas') }}
    ),

    -- every part, under the keys and the area of its whole
    {{ name }}_relations as (
        select
            'area' as relation,
            cells.measure,
            {{ cells_keys | join(',\n            ') }},
            areas.parent_area_level as whole_level,
            areas.parent_area_code as whole_code,
            case when not cells.is_suppressed then cells.cell_count else 0 end
                as published_value,
            case when cells.is_suppressed then 1 else 0 end as is_hidden
        from {{ name }}_cells as cells
        inner join {{ name }}_areas as areas
            on
                cells.area_level = areas.area_level
                and cells.area_code = areas.area_code
    {%- for column, total in totals %}
        union all
        select
            '{{ column }}' as relation,
            measure,
            {{ total_keys[column] }},
            area_level as whole_level,
            area_code as whole_code,
            case when not is_suppressed then cell_count else 0 end as published_value,
            case when is_suppressed then 1 else 0 end as is_hidden
        from {{ name }}_cells
        where {{ column }} <> '{{ total }}'
    {%- endfor %}
    ),

    {{ name }}_parts as (
        select
            relation,
            measure,
            {{ keys | join(',\n            ') }},
            whole_level,
            whole_code,
            sum(published_value) as published_value,
            sum(is_hidden) as n_suppressed
        from {{ name }}_relations
        group by relation, measure, {{ keys | join(', ') }}, whole_level, whole_code
    ),

    {{ name }} as (
        select
            parts.relation,
            parts.measure,
            {{ wholes_keys | join(',\n            ') }},
            wholes.area_level,
            wholes.area_code,
            parts.n_suppressed,
            wholes.suppression_reason,
            wholes.cell_count - parts.published_value as unpublished_value
        from {{ name }}_cells as wholes
        inner join {{ name }}_parts as parts
            on
                wholes.measure = parts.measure
                {{ key_matches | join('\n                ') }}
                and wholes.area_level = parts.whole_level
                and wholes.area_code = parts.whole_code
        where
            (
                not wholes.is_suppressed
                and wholes.cell_count - parts.published_value > 0
                and wholes.cell_count - parts.published_value < {{ min_count }}
            )
            or (wholes.suppression_reason = 'complementary' and parts.n_suppressed = 0)
    )
{%- endmacro %}
