{#
    Rebuilds by partition of an intermediate model whose rows of a data year (of a source, for
    a model with a partition column) depend only on its inputs' rows of that year (and on small
    inputs without a year: samples, codebooks). A new delivery of one year then recomputes
    that year only; the rows of the other partitions stay as the previous build wrote them.
    Config (the model's yml):
        materialized: incremental       (Spark/Databricks: table, in the model's yml)
        incremental_strategy: year_rebuild
        on_schema_change: sync_all_columns
    and the model's SQL (year_rebuild_plan.sql describes the plan's arguments):
        {%- set plan = year_rebuild_plan(
            npr_contacts_year_entries(),                 its yearly inputs, by year
            cross_year=['int_samples'],                  inputs compared whole
        ) %}
        with {{ year_rebuild_ctes(plan) }},
        ... the model's CTEs, each yearly input read
            `where {{ year_rebuild_filter(plan, 'a.year') }}`,
        ending in a CTE with the model's rows ...
        {{ year_rebuild_select(plan, 'final_cte', [its columns]) }}
    A model whose year column is not `year` (e.g. data_year) names it in the plan:
    year_rebuild_plan(..., year_column='data_year'). A model partitioned by source and year
    (int_npr__contacts) names its partition column, year_rebuild_plan(...,
    partition_column='source'), gives each entry its partition, and filters each input by its
    partition: year_rebuild_filter(plan, 'contact_year', 'npr_som').

    How a partition is judged changed: every row carries `input_version`, the version of the
    inputs its partition was computed from: an md5 over the partition's key and
      - the rules: the model's own SQL, the source of every project macro it calls (and the
        macros they call), the project's vars (year_rebuild_rules_text);
      - per input, for that year (global inputs: all their rows): the row count and the sum
        of a hash of the listed columns (year_rebuild_fingerprint): any added, removed or
        altered row changes it.
    A run computes the partitions whose current version the model does not hold (a new year,
    a re-delivered year, changed rules: every partition). A partition no longer in any input
    disappears. `dbt build --full-refresh` and the first build compute every partition; so
    does Spark (a table: it drops the old table before it writes the new one).

    The strategy (get_incremental_year_rebuild_sql) deletes the rows whose version is not
    current and inserts the computed rows, in the run's transaction. The model's SQL tells
    it the current versions by a marker row each (year_rebuild_select): the strategy gets the
    new rows only, and a partition that lost every row must not linger.
#}

{#- An aggregate over a group's rows, as text: a sum of a hash of `columns` (order-free, so
    any row added, removed or changed moves it). -#}
{% macro year_rebuild_fingerprint(columns) -%}
    {{ return(adapter.dispatch('year_rebuild_fingerprint', 'clinical_dashboard')(columns)) }}
{%- endmacro %}

{% macro default__year_rebuild_fingerprint(columns) -%}
    cast(sum(hash({{ columns | join(', ') }})) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__year_rebuild_fingerprint(columns) -%}
    {%- set texts = [] -%}
    {%- for column in columns -%}
        {%- do texts.append('coalesce(cast(' ~ column ~ ' as text), chr(30))') -%}
    {%- endfor -%}
    cast(sum(hashtextextended(concat_ws(chr(31), {{ texts | join(', ') }}), 0)) as text)
{%- endmacro %}

{% macro spark__year_rebuild_fingerprint(columns) -%}
    cast(sum(cast(xxhash64({{ columns | join(', ') }}) as decimal(38, 0))) as string)
{%- endmacro %}

{#- CTE year_rebuild_versions (partition_key, year, input_version) of the plan, as
    literal rows (the partition '' in a model without a partition column). -#}
{% macro year_rebuild_ctes(plan) -%}
    {%- set rows = [] -%}
    {%- set text = dbt.type_string() -%}
    {%- for key in plan.versions | sort -%}
        {%- set part = plan.versions[key] -%}
        {%- do rows.append("select cast('" ~ (part.partition or '') ~ "' as " ~ text ~ ")"
            ~ " as partition_key, " ~ part.year ~ " as year, '" ~ part.version ~ "'"
            ~ " as input_version") -%}
    {%- endfor -%}
    {%- if not rows -%}
        {%- do rows.append("select cast(null as " ~ text ~ ") as partition_key,"
            ~ " cast(null as integer) as year, cast(null as " ~ text ~ ") as input_version"
            ~ " where 1 = 0") -%}
    {%- endif -%}
year_rebuild_versions as (
    {{ rows | join('\n    union all\n    ') }}
)
{%- endmacro %}

{#- A predicate on a yearly input's year column: the years this run computes (a literal list,
    which the engines push down into the scans below views); `partition`: of that partition
    only (a model with partition_column). A full build computes every configured data year
    (var data_years), never a year only a stray row holds. A unit test computes every year of
    its fixtures (they need not carry the year of every input). -#}
{% macro year_rebuild_filter(plan, year_column, partition=none) -%}
    {%- set years = [] -%}
    {%- for key in plan.get('changed', []) -%}
        {%- if plan.versions[key].partition == partition -%}
            {%- do years.append(plan.versions[key].year) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if plan.get('fixtures_only') -%}
        1 = 1
    {%- elif not year_rebuild_is_incremental() -%}
        {%- set data = data_years() -%}
        {{ year_column }} between {{ data.first }} and {{ data.last }}
    {%- elif years -%}
        {{ year_column }} in ({{ years | sort | join(', ') }})
    {%- else -%}
        1 = 0
    {%- endif -%}
{%- endmacro %}

{#- The model's final select: the computed rows of `relation` (a CTE) with their partition's
    input_version, and on an incremental run one marker row per current partition (every
    column NULL, input_version 'current:' and the version) that tells the strategy which
    rows of the previous build stay. -#}
{% macro year_rebuild_select(plan, relation, columns) -%}
select
    {{ relation }}.{{ columns | join(',\n    ' ~ relation ~ '.') }},
    year_rebuild_versions.input_version
from {{ relation }}
left join year_rebuild_versions
    on
        {{ relation }}.{{ plan.get('year_column', 'year') }} = year_rebuild_versions.year
        and {{ year_rebuild_partition(plan, relation) }} = year_rebuild_versions.partition_key
{% if year_rebuild_is_incremental() -%}
union all
select
    {%- for column in columns %}
    null as {{ column }},
    {%- endfor %}
    'current:' || year_rebuild_versions.input_version as input_version
from year_rebuild_versions
{% endif -%}
{%- endmacro %}

{#- The partition of a model's row (`relation`): its partition column, or '' in a model
    without one (year_rebuild_ctes). -#}
{% macro year_rebuild_partition(plan, relation) -%}
    {%- if plan.get('partition_column') -%}
        {{ relation }}.{{ plan.partition_column }}
    {%- else -%}
        ''
    {%- endif -%}
{%- endmacro %}

{#- The incremental strategy: the previous build's rows whose version is no longer current
    (a recomputed partition, or one no input holds any more) are deleted, and the
    recomputed rows inserted. The rows of the unchanged partitions are not touched. -#}
{% macro get_incremental_year_rebuild_sql(arg_dict) -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ arg_dict['target_relation'] }}
    where coalesce('current:' || input_version, '') not in (
        select input_version from {{ arg_dict['temp_relation'] }}
        where input_version like 'current:%'
    );
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
    where input_version is null or input_version not like 'current:%'
{%- endmacro %}
