{#
    Privacy scan, one set of protected cells across marts (issue 26, item 5): where two
    public marts publish the same events, a cell hidden in one must be hidden in the other,
    or the second mart prints what the first hides (and with it, the first mart's totals
    minus its published parts give the hidden cell back). Declared in var
    ('public_mart_count_columns') as `same_cells` entries of a mart:
      mart          the other mart;
      count         this mart's count column, other_count the other's (null = hidden);
      keys          {this mart's column: the other mart's column} matching a cell;
      where         optional filter of this mart's rows, other_where of the other's;
      both_ways     true (default): hidden in either = hidden in both; false: a cell hidden
                    in the other mart is hidden here (this mart may hide more).
    A finding per (mart, other mart, kind) with the number of cells:
      published here, hidden there / hidden here, published there / both published with
      different counts (then they are not the same events: the declaration is wrong).
#}
{%- set declared = var('public_mart_count_columns') -%}
{%- set checks = [] -%}
{%- for mart in declared | sort -%}
    {%- for entry in declared[mart] if entry is mapping and 'same_cells' in entry -%}
        {%- set same = entry.same_cells -%}
        {%- set conditions = [] -%}
        {%- for column, other_column in same['keys'].items() -%}
            {%- do conditions.append(
                'this_mart.' ~ column ~ ' = other_mart.' ~ other_column) -%}
        {%- endfor -%}
        {%- set this_count = 'this_mart.' ~ same['count'] -%}
        {%- set other_count = 'other_mart.' ~ same['other_count'] -%}
        {%- set kinds = [
            ('published here, hidden in ' ~ same['mart'],
                this_count ~ ' is not null and ' ~ other_count ~ ' is null'),
            ('both published, counts differ from ' ~ same['mart'],
                this_count ~ ' <> ' ~ other_count),
        ] -%}
        {%- if same.get('both_ways', true) -%}
            {%- do kinds.append(
                ('hidden here, published in ' ~ same['mart'],
                    this_count ~ ' is null and ' ~ other_count ~ ' is not null')) -%}
        {%- endif -%}
        {%- for kind, condition in kinds -%}
            {%- do checks.append(
                "select '" ~ mart ~ "' as mart, '" ~ same['count'] ~ "' as column_name, '"
                ~ kind ~ "' as finding, count(*) as n_cells"
                ~ " from (select * from " ~ ref(mart)
                ~ " where " ~ same.get('where', 'true') ~ ") as this_mart"
                ~ " inner join (select * from " ~ ref(same['mart'])
                ~ " where " ~ same.get('other_where', 'true') ~ ") as other_mart"
                ~ " on " ~ conditions | join(' and ')
                ~ " where " ~ condition
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endfor -%}
{%- if checks | length == 0 -%}
    {%- do checks.append(
        "select 'none' as mart, 'none' as column_name, 'none' as finding, 0 as n_cells") -%}
{%- endif %}

with checks as (
    {{ checks | join('\n    union all\n    ') }}
)

select
    mart,
    column_name,
    finding,
    n_cells
from checks
where n_cells > 0
