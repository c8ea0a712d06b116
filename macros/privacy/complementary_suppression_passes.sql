{#
    Chained complementary_suppression passes for a mart whose measures add up over one or
    more relations (README "Privacy: suppression"; fct_rbf_indicators, fct_nki_indicators).
    Emits CTEs for the caller's WITH clause; the last one is named `name`.

    A cell of `input` is hidden for being small in one measure (numerator) or another
    (complement = denominator - numerator: the denominator is published, so the numerator
    would give the complement away), and both add up over the same relations (e.g. Norway >
    RHF > HF areas). So one complementary_suppression pass is run per round, per measure
    and per relation, in that nesting order, each reading the previous pass's hidden cells:
    a later pass can hide a cell that an earlier relation then needs to protect, hence the
    rounds. A cell hidden in an earlier pass for another cell's sake (its measure is 0 or at
    least min, column is_hidden_large) keeps that status: as a total it needs its own
    protection (complementary_column of complementary_suppression).

    input: a relation / CTE with the columns
        <cells>          the columns that identify a cell, including area_level and area_code
        <carry>          columns that the relations read (default: area_parent_code, the code
                         of the area's parent)
        <measures>       the counts that add up (default: numerator, complement)
        is_suppressed    true when the cell is hidden before the passes (primary suppression,
                         or hidden by another mart)
    relations: one dict per relation, how a cell is read as a complementary_suppression cell
        hierarchy    [parent_level, child_level] pairs, top-down (complementary_suppression)
        name         a word for comments and error messages, e.g. 'areas' (optional)
        keys         {pass column: cell column}, the family keys other than the level and code
                     (default: the cells other than area_level and area_code, as they are)
        area_level, area_code, parent_code
                     SQL over the columns of `input` (defaults: area_level, area_code,
                     area_parent_code). A relation over another column than the area (e.g.
                     sector `all` = the sectors) names it as area_code, and the area's
                     columns then go under other names in keys; the pass's result is
                     renamed back to the cells (every cell column must then be a keys value,
                     area_level or area_code of the relation).
    output `name` (and every pass, <name>_1 .. <name>_<n - 1>, the input of the next one):
        <cells>, <carry>, <measures>, is_suppressed (hidden after the pass). A pass's
        suppression_reason, where present, is relative to that pass's input: do not read it.
#}
{% macro complementary_suppression_passes(
    name, input, cells, relations, measures=['numerator', 'complement'], rounds=2,
    carry=['area_parent_code'], min_count=none
) -%}
    {%- set min_count = var('min_cell_count') if min_count is none else min_count -%}
    {%- set passes = [] -%}
    {%- for round in range(rounds) -%}
        {%- for measure in measures -%}
            {%- for relation in relations -%}
                {%- do passes.append([measure, relation]) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set ctes = [] -%}
    {%- for measure, relation in passes -%}
        {%- set previous = input if loop.first else name ~ '_' ~ loop.index0 -%}
        {%- set current = name if loop.last else name ~ '_' ~ loop.index -%}
        {%- do ctes.append(complementary_suppression_pass(
            current, previous, cells, relation, measure, carry + measures, min_count,
            loop.index ~ ' of ' ~ loop.length ~ ': ' ~ relation.get('name', 'areas') ~ ', '
            ~ measure)) -%}
    {%- endfor -%}
    {{ ctes | join(',\n') }}
{%- endmacro %}


{#
    One pass of complementary_suppression_passes: <current>_input (the cells of <previous>
    read as complementary_suppression cells for `measure`), the CTEs of
    complementary_suppression and, when the relation renames the cell's columns,
    <current>, the result under the cells' names. An error names the pass and the relation
    when a cell column cannot be given back.
#}
{% macro complementary_suppression_pass(
    current, previous, cells, relation, measure, carried, min_count, label
) -%}
    {#- sources: {column of the pass's input: SQL over the previous pass}, keys first -#}
    {%- set sources = {} -%}
    {%- for cell in cells if relation.get('keys') is none
        and cell not in ['area_level', 'area_code'] -%}
        {%- do sources.update({cell: cell}) -%}
    {%- endfor -%}
    {%- do sources.update(relation.get('keys') or {}) -%}
    {%- set keys = sources.keys() | list -%}
    {%- do sources.update({
        'area_level': relation.get('area_level', 'area_level'),
        'area_code': relation.get('area_code', 'area_code')
    }) -%}
    {%- set columns = [] -%}
    {%- for column, expression in sources.items() -%}
        {%- do columns.append(expression if expression == column
            else expression ~ ' as ' ~ column) -%}
    {%- endfor -%}
    {%- do columns.append(relation.get('parent_code', 'area_parent_code') ~ ' as parent_code') -%}
    {%- set results = [] -%}
    {%- for cell in cells -%}
        {%- set found = [] -%}
        {%- for column, expression in sources.items() if expression == cell -%}
            {%- do found.append(column) -%}
        {%- endfor -%}
        {%- if found | length == 0 -%}
            {%- do exceptions.raise_compiler_error(
                'complementary_suppression_passes (' ~ current ~ '): cell column ' ~ cell
                ~ ' is neither a key nor the area_level / area_code of the relation '
                ~ (relation.get('name') or relation.hierarchy | string)) -%}
        {%- endif -%}
        {%- do results.append(cell if found[0] == cell else found[0] ~ ' as ' ~ cell) -%}
    {%- endfor -%}
    {%- set is_renamed = results != cells -%}
    {%- set suppressed = current ~ '_suppressed' if is_renamed else current %}
    -- pass {{ label }}
    {{ current }}_input as (
        select
            {{ (columns + carried) | join(',\n            ') }},
            {{ measure }} as events,
            is_suppressed as is_primary,
            ({{ measure }} = 0 or {{ measure }} >= {{ min_count }}) as is_hidden_large
        from {{ previous }}
    ),

    {{ complementary_suppression(
        suppressed, current ~ '_input', keys, relation.hierarchy,
        min_count=min_count, carry=carried, complementary_column='is_hidden_large'
    ) }}
    {%- if is_renamed %},

    {{ current }} as (
        select
            {{ (results + carried) | join(',\n            ') }},
            is_suppressed
        from {{ suppressed }}
    )
    {%- endif %}
{%- endmacro %}
