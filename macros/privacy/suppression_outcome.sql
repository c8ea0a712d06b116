{#
    The suppression of each cell of a mart after its complementary_suppression_passes():
    emits one CTE, `name`, for the caller's WITH clause: every column of `flagged` (the cells
    with is_primary), is_suppressed from the last pass `pass`, and suppression_reason
    ('primary', 'complementary' or null). keys: the columns that identify a cell in both.
#}
{% macro suppression_outcome(name, flagged, pass, keys) -%}
    {%- set matches = [] -%}
    {%- for key in keys -%}
        {%- do matches.append('flagged.' ~ key ~ ' = hidden.' ~ key) -%}
    {%- endfor -%}
    {{ name }} as (
        select
            flagged.*,
            hidden.is_suppressed,
            case
                when flagged.is_primary then 'primary'
                when hidden.is_suppressed then 'complementary'
            end as suppression_reason
        from {{ flagged }} as flagged
        inner join {{ pass }} as hidden
            on {{ matches | join(' and ') }}
    )
{%- endmacro %}
