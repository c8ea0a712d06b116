{#
    The rules a year_rebuild model's rows follow from besides their entries' rows, read from
    dbt's graph (macros/incremental/year_rebuild_plan.sql uses them): the project macros
    called, the upstream nodes, a node's relation by name, the rules text (fingerprinted into
    input_version) and the check that every upstream model reading a source is an entry.
#}

{#- The project macros a macro or model calls, recursively: the ids into `found`. -#}
{% macro year_rebuild_macro_ids(macro_ids, found) -%}
    {%- for macro_id in macro_ids -%}
        {%- if macro_id.startswith('macro.' ~ project_name ~ '.') and macro_id not in found -%}
            {%- do found.append(macro_id) -%}
            {%- set generator = context.get(macro_id.split('.')[-1]) -%}
            {%- if generator is not none and generator.macro is defined -%}
                {%- do year_rebuild_macro_ids(generator.macro.depends_on.macros, found) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- Every node upstream of the model (unique ids into `found`), through graph.nodes. -#}
{% macro year_rebuild_upstream(node_ids, found) -%}
    {%- for node_id in node_ids -%}
        {%- if node_id not in found and node_id in graph.nodes -%}
            {%- do found.append(node_id) -%}
            {%- do year_rebuild_upstream(graph.nodes[node_id].depends_on.nodes, found) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- The relation of a model or seed of the project by name (not a ref: no dependency, and
    the real table also inside a unit test). -#}
{% macro year_rebuild_relation(name) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ('model', 'seed') and node.name == name -%}
            {{ return(api.Relation.create(database=node.database, schema=node.schema,
                                          identifier=node.alias)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("year_rebuild: no model or seed named " ~ name) }}
{%- endmacro %}

{#- What the model's rows follow from besides their entries' rows: the SQL of the model and
    of every model upstream of it, the project macros they call (recursively), the seeds'
    checksums and the project's vars. -#}
{% macro year_rebuild_rules_text() -%}
    {%- set upstream = [] -%}
    {%- do year_rebuild_upstream(model.depends_on.nodes, upstream) -%}
    {%- set macro_ids = [] -%}
    {%- do year_rebuild_macro_ids(model.depends_on.macros, macro_ids) -%}
    {%- set parts = [model.raw_code] -%}
    {%- for node_id in upstream | sort -%}
        {%- set node = graph.nodes[node_id] -%}
        {%- if node.resource_type == 'seed' -%}
            {%- do parts.append(node_id ~ ' ' ~ node.checksum.checksum) -%}
        {%- elif node.resource_type == 'model' -%}
            {%- do parts.append(node_id ~ '\n' ~ node.raw_code) -%}
            {%- do year_rebuild_macro_ids(node.depends_on.macros, macro_ids) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for macro_id in macro_ids | sort -%}
        {%- set generator = context.get(macro_id.split('.')[-1]) -%}
        {%- set known = generator is not none and generator.macro is defined -%}
        {%- do parts.append(macro_id ~ '\n' ~ (generator.macro.macro_sql if known else '')) -%}
    {%- endfor -%}
    {%- for name in year_rebuild_vars() -%}
        {%- do parts.append(name ~ '=' ~ tojson(var(name, none))) -%}
    {%- endfor -%}
    {{- return(parts | join('\n')) -}}
{%- endmacro %}

{#- The entries must be every upstream model that reads a source (where rows enter), except
    the models upstream of an entry: their rows reach the model through the entry's (a base
    view's repeated ids decide its rows' outcome). -#}
{% macro year_rebuild_check_entries(entries) -%}
    {%- set upstream = [] -%}
    {%- do year_rebuild_upstream(model.depends_on.nodes, upstream) -%}
    {%- set declared = entries | map(attribute='model') | list -%}
    {%- set covered = [] -%}
    {%- for node_id in upstream if graph.nodes[node_id].name in declared -%}
        {%- do year_rebuild_upstream(graph.nodes[node_id].depends_on.nodes, covered) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for node_id in upstream -%}
        {%- set node = graph.nodes[node_id] -%}
        {%- set sources = [] -%}
        {%- for parent in node.depends_on.nodes if parent.startswith('source.') -%}
            {%- do sources.append(parent) -%}
        {%- endfor -%}
        {%- if sources and node.name not in declared and node_id not in covered -%}
            {%- do missing.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "year_rebuild in " ~ model.name ~ ": the upstream models that read a source must be "
            ~ "entries (with their year column): missing " ~ (missing | sort | join(', '))) }}
    {%- endif -%}
{%- endmacro %}
