{#
    Seed loading on Spark. dbt-spark's own spark__load_csv_rows sends one `insert ... values`
    of 10,000 rows per batch and renders a cast() per cell with a macro call each, too slow
    for the large seeds (benchmarks/README.md). With the session method the
    Spark driver runs in this process and reads the seed's CSV file itself: a temporary view
    over the file (every column as text) and one `insert ... select` that casts to the seed's
    column_types (dbt_project.yml: every seed column has one), as dbt would: an empty field and
    the text 'null' are NULL (dbt's agate reading of seeds). Same rows as the batched inserts.
    Other connection methods (thrift, http: a cluster that cannot read this
    machine's files; var spark_seeds_from_local_file, default: host is NA, as for the session
    method) keep the batched inserts, built by string operations once per batch
    (as macros/seeds/postgres__load_csv_rows.sql). adapter.dispatch finds this macro in the
    root project before dbt-spark's; other adapters are not affected.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
        {%- do types.append(column_override.get(col_name, inferred_type)) -%}
    {%- endfor -%}

    {#- dbt's `target` has no `method`; a session profile has host NA (profiles.yml) -#}
    {%- if var('spark_seeds_from_local_file', target.host == 'NA') -%}
        {%- set view = this.identifier ~ '__seed_csv' -%}
        {%- set path = agate_table.original_abspath -%}
        {%- set create_view -%}
            create or replace temporary view {{ view }}
            using csv
            options (
                path '{{ path | replace("'", "\\'") }}',
                header 'true',
                inferSchema 'false',
                quote '"',
                escape '"',
                multiLine 'true',
                encoding 'UTF-8',
                mode 'FAILFAST'
            )
        {%- endset -%}
        {%- set casts = [] -%}
        {%- for col_name in agate_table.column_names -%}
            {%- do casts.append("cast(nullif(nullif(`" ~ col_name ~ "`, ''), 'null') as "
                ~ types[loop.index0] ~ ") as `" ~ col_name ~ "`") -%}
        {%- endfor -%}
        {%- set sql -%}
            insert into {{ this.render() }}
            select
                {{ casts | join(',\n                ') }}
            from {{ view }}
        {%- endset -%}
        {%- do adapter.add_query(create_view, auto_begin=False) -%}
        {%- do adapter.add_query(sql, auto_begin=False) -%}
        {%- do adapter.add_query('drop view if exists ' ~ view, auto_begin=False) -%}
        {{ return(sql) }}
    {%- endif -%}

    {%- set batch_size = get_batch_size() -%}
    {%- set cells = [] -%}
    {%- for type in types -%}
        {%- do cells.append("cast(" ~ get_binding_char() ~ " as " ~ type ~ ")") -%}
    {%- endfor -%}
    {%- set row_placeholders = "(" ~ cells | join(", ") ~ ")" -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set bindings = [] -%}
        {%- for row in chunk -%}
            {%- do bindings.extend(row) -%}
        {%- endfor -%}
        {%- set sql = "insert into " ~ this.render() ~ " values\n"
            ~ ([row_placeholders] * (chunk | length)) | join(",\n") -%}
        {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}
