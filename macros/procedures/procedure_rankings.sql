{#
    The constants of the procedure rankings (SPEC section 8; seed 000, Somatics,
    procedure-related), in one place.

    procedure_ranking_sources(): the NPR sources whose contacts count: NPR-SOM and
        NPR-AvtaleSOM (seed 000: "The data set includes both NPR-SOM and NPR-AvtaleSOM").
    procedure_ranking_years(): how many of the newest complete years each step uses: volume
        the newest one; cost the contacts of the newest 2 (and divides by their number); the
        median ISF points per code the newest 5.
    procedure_ranking_size(): the top 30 of each ranking are published and become samples.
    procedure_sample_id(branch_id): the sample id of a ranked branch: 'som_procedure_' || id.
#}
{% macro procedure_ranking_sources() -%}
    {{ return(['npr_som', 'npr_avtalesom']) }}
{%- endmacro %}

{% macro procedure_ranking_years() -%}
    {{ return({'volume': 1, 'cost': 2, 'median': 5}) }}
{%- endmacro %}

{% macro procedure_ranking_size() -%}30{%- endmacro %}

{% macro procedure_sample_id(branch_id) -%}
    {{ dbt.concat(["'som_procedure_'", branch_id]) }}
{%- endmacro %}

{# The sources as a SQL list: ('npr_som', 'npr_avtalesom'). #}
{% macro procedure_ranking_source_list() -%}
    {{ text_list(procedure_ranking_sources()) }}
{%- endmacro %}
