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

    Options for marts that chain passes over crossing relations (each pass's output is the
    next pass's input; all default off, and then the SQL is the same as without them):
    carry              columns of `input` passed through every step to the output as they
                       are (so that the next pass reads this pass's output alone: a pass that
                       joined its input back to its output would read the input twice, and
                       Spark, which inlines CTEs, would plan a chain of passes exponentially).
    candidate_column   a boolean column of `input`: only a child where it is true may be
                       suppressed as complementary (e.g. a cell that its other relation could
                       not protect in turn). A family short of candidates hides its parent.
    complementary_column  a boolean column of `input`: the cell is hidden (is_primary) but
                       not because it is small, so as a parent it needs its own protection
                       (hidden >= min below it, the rule for a parent suppressed as
                       complementary). Without it, a cell suppressed as complementary in an
                       earlier pass counts as primary here and is recoverable from its
                       published children. The output's suppression_reason is then
                       'complementary' for such a cell.
#}
{% macro complementary_suppression(
    name, input, keys, hierarchy, min_count=none, carry=[], candidate_column=none,
    complementary_column=none
) -%}
    {%- set min_count = var('min_cell_count') if min_count is none else min_count -%}
    {%- set key_list = keys | join(', ') -%}
    {#- the options as SQL text: empty (or the plain rule) when not given -#}
    {%- set carried = [] -%}
    {%- for column in carry -%}
        {%- do carried.append('\n            ' ~ column ~ ',') -%}
    {%- endfor -%}
    {%- set carried = carried | join('') -%}
    {%- set candidate_select = '' if candidate_column is none else
        '\n            coalesce(' ~ candidate_column ~ ', false) as can_be_candidate,' -%}
    {%- set complementary_select = 'false' if complementary_column is none else
        'coalesce(is_primary and ' ~ complementary_column ~ ', false)' -%}
    {%- set primary_condition = 'is_primary' if complementary_column is none else
        'is_primary and not is_complementary' -%}
    {%- set steps = [] -%}
    {%- for pair in hierarchy -%}
        {%- do steps.append(complementary_suppression_step(
            name ~ '_step_' ~ loop.index0, name ~ '_step_' ~ loop.index, pair, keys, min_count,
            carried, candidate_column is not none)) -%}
    {%- endfor %}
    {{ name }}_step_0 as (
        select
            {{ key_list }},
            area_level,
            area_code,{{ carried }}
            parent_code,
            events,
            is_primary,{{ candidate_select }}
            is_primary as is_hidden,
            {{ complementary_select }} as is_complementary
        from {{ input }}
    ),

    {{ steps | join(',\n\n') }},

    {{ name }} as (
        select
            {{ key_list }},
            area_level,
            area_code,{{ carried }}
            is_hidden as is_suppressed,
            case
                when {{ primary_condition }} then 'primary'
                when is_hidden then 'complementary'
            end as suppression_reason
        from {{ name ~ '_step_' ~ (hierarchy | length) }}
    )
{%- endmacro %}
