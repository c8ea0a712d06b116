{#
    json_count_entries(relation, json_column): every row of `relation` once per entry of its
    JSON object `json_column` (text such as '{"hovedtilstand:code_list": 3}'), with the
    entry's key as entry_key (text) and its value as entry_count (bigint). Used for the
    loader's per-check counts (raw._deliveries.check_counts). The dialect difference is how a
    JSON object becomes rows: DuckDB json_each, PostgreSQL json_each_text, Spark explode of a
    map read by from_json.
#}
{% macro json_count_entries(relation, json_column) -%}
    {{ return(adapter.dispatch('json_count_entries', 'clinical_dashboard')(
        relation, json_column)) }}
{%- endmacro %}

{% macro default__json_count_entries(relation, json_column) -%}
    select
        {{ relation }}.*,
        entry.key as entry_key,
        cast(entry.value as {{ dbt.type_bigint() }}) as entry_count
    from {{ relation }}
    cross join lateral json_each_text(cast({{ relation }}.{{ json_column }} as json)) as entry
{%- endmacro %}

{% macro duckdb__json_count_entries(relation, json_column) -%}
    select
        {{ relation }}.*,
        entry.key as entry_key,
        cast(entry.value as {{ dbt.type_bigint() }}) as entry_count
    from {{ relation }}
    cross join json_each({{ relation }}.{{ json_column }}) as entry
{%- endmacro %}

{% macro spark__json_count_entries(relation, json_column) -%}
    select
        {{ relation }}.*,
        entry_key,
        entry_count
    from {{ relation }}
    lateral view explode(
        from_json({{ relation }}.{{ json_column }}, 'map<string, bigint>')
    ) entries as entry_key, entry_count
{%- endmacro %}
