{#
    Contract constraints of the public marts on Spark. The marts declare `not_null` constraints
    (contracts enforced, models/marts/**/_*__models.yml); DuckDB and PostgreSQL enforce them in
    the table's DDL. dbt-spark enforces them with `alter table ... change column ... set not
    null`, which only Delta tables support: on parquet tables (the only format of the local
    session target, dbt_project.yml `+file_format`) that statement fails. There, this override
    checks the new table instead: a NULL in a not_null column fails the model, as the
    constraint would. Delta tables (a Databricks or Fabric lakehouse) keep dbt-spark's
    ALTER statements. Other constraint types are not used by the project.
    adapter.dispatch finds this macro in the root project before dbt-spark's own.
#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if not contract_config.enforced -%}
        {{ return('') }}
    {%- endif -%}
    {%- if config.get('file_format', 'delta') == 'delta' -%}
        {%- do alter_table_add_constraints(relation, model.constraints) -%}
        {%- do alter_column_set_constraints(relation, model.columns) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set not_null = [] -%}
    {%- for column_name, column in model.columns.items() -%}
        {%- for constraint in column.get('constraints', []) -%}
            {%- if constraint.type == 'not_null' -%}
                {%- do not_null.append(
                    adapter.quote(column_name) if column.get('quote') else column_name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not_null | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set check_sql -%}
        select
        {%- for column_name in not_null %}
            count_if({{ column_name }} is null) as {{ 'n_' ~ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ relation }}
    {%- endset -%}
    {%- set counts = run_query(check_sql).rows[0] -%}
    {%- set violated = [] -%}
    {%- for column_name in not_null -%}
        {%- if counts[loop.index0] > 0 -%}
            {%- do violated.append(column_name ~ ' (' ~ counts[loop.index0] ~ ' rows)') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if violated -%}
        {%- do exceptions.raise_compiler_error(
            'contract: NULL in not_null column(s) of ' ~ relation ~ ': ' ~ violated | join(', ')) -%}
    {%- endif -%}
{% endmacro %}
