{#
    public_mart_nodes(): the graph nodes of the public marts (every model under models/marts),
    sorted by name, for the privacy scan (tests/privacy_scan/). Empty at parse time (dbt fills
    the graph before execution). The linter has no graph: .sqlfluff holds a stand-in.
#}
{% macro public_mart_nodes() -%}
    {%- set marts = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'model'
                and node.original_file_path.replace('\\', '/').startswith('models/marts/') -%}
                {%- do marts.append(node) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(marts) }}
{%- endmacro %}
