{#
    Year-by-year rebuilds of an intermediate model whose rows of a data year depend only on
    its inputs' rows of that year (and on small inputs without a year: samples, codebooks).
    A new delivery of one year then recomputes that year only; the other years are copied
    from the model's previous build. Config (the model's yml):
        materialized: incremental       (Spark/Databricks: table, in the model's yml)
        incremental_strategy: year_rebuild
        on_schema_change: sync_all_columns
    and the model's SQL (year_rebuild_plan.sql describes the plan's arguments):
        {%- set plan = year_rebuild_plan(
            base_year_entries(['base_npr__som', ...]),   the base models it reads, by year
            cross_year=['int_samples'],                  inputs compared whole
        ) %}
        with {{ year_rebuild_ctes(plan) }},
        ... the model's CTEs, each yearly input read
            `where {{ year_rebuild_filter(plan, 'a.year') }}`,
        ending in a CTE with the model's rows ...
        {{ year_rebuild_select('final_cte', [its columns]) }}
    A model whose year column is not `year` (e.g. data_year) names it in both:
    year_rebuild_plan(..., year_column='data_year') and year_rebuild_select(..., 'data_year').

    How a year is judged changed: every row carries `input_version`, the version of the
    inputs its year was computed from: an md5 over
      - the rules: the model's own SQL, the source of every project macro it calls (and the
        macros they call), the project's vars (year_rebuild_rules_text);
      - per input, for that year (global inputs: all their rows): the row count and the sum
        of a hash of the listed columns (year_rebuild_fingerprint): any added, removed or
        altered row changes it.
    A run recomputes the years whose current version the model does not hold (a new year,
    a re-delivered year, changed rules: every year) and copies the rows of the other years.
    A year no longer in any input disappears (only years with a version are kept).
    `dbt build --full-refresh` and the first build compute every year; so does Spark (a
    table: it drops the old table before it writes the new one).

    The strategy (get_incremental_year_rebuild_sql) replaces the whole table by the new
    rows, copied and recomputed, in the run's transaction: no delete by key, so a year that
    lost every row cannot linger.
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

{#- CTE year_rebuild_versions (year, input_version) of the plan, as literal rows. -#}
{% macro year_rebuild_ctes(plan) -%}
    {%- set rows = [] -%}
    {%- for year in plan.versions | sort -%}
        {%- do rows.append(
            "select " ~ year ~ " as year, '" ~ plan.versions[year] ~ "' as input_version") -%}
    {%- endfor -%}
    {%- if not rows -%}
        {%- do rows.append("select cast(null as integer) as year, cast(null as "
                           ~ dbt.type_string() ~ ") as input_version where 1 = 0") -%}
    {%- endif -%}
year_rebuild_versions as (
    {{ rows | join('\n    union all\n    ') }}
)
{%- endmacro %}

{#- A predicate on a yearly input's year column: the years this run computes (a literal list,
    which the engines push down into the scans below views). A full build computes every
    configured data year (var data_years), never a year only a stray row holds. A unit test
    computes every year of its fixtures (they need not carry the year of every input). -#}
{% macro year_rebuild_filter(plan, year_column) -%}
    {%- if plan.get('fixtures_only') -%}
        1 = 1
    {%- elif not year_rebuild_is_incremental() -%}
        {%- set years = data_years() -%}
        {{ year_column }} between {{ years.first }} and {{ years.last }}
    {%- elif plan.changed -%}
        {{ year_column }} in ({{ plan.changed | join(', ') }})
    {%- else -%}
        1 = 0
    {%- endif -%}
{%- endmacro %}

{#- The model's final select: the computed rows of `relation` (a CTE) with their year's
    input_version, and on an incremental run the previous rows of the unchanged years. -#}
{% macro year_rebuild_select(relation, columns, year_column='year') -%}
select
    {{ relation }}.{{ columns | join(',\n    ' ~ relation ~ '.') }},
    year_rebuild_versions.input_version
from {{ relation }}
left join year_rebuild_versions
    on {{ relation }}.{{ year_column }} = year_rebuild_versions.year
{% if year_rebuild_can_copy(columns) -%}
union all
select
    year_rebuild_previous.{{ columns | join(',\n    year_rebuild_previous.') }},
    year_rebuild_previous.input_version
from {{ this }} as year_rebuild_previous
inner join year_rebuild_versions
    on
        year_rebuild_previous.{{ year_column }} = year_rebuild_versions.year
        and year_rebuild_previous.input_version = year_rebuild_versions.input_version
{% endif -%}
{%- endmacro %}

{#- The incremental strategy: the new rows (copied and recomputed years) replace the table. -#}
{% macro get_incremental_year_rebuild_sql(arg_dict) -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ arg_dict['target_relation'] }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
