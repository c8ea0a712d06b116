{#
    An outsider's exact subtraction along one additive relation, for the privacy tests
    (tests/privacy/assert_patient_flows_shares_hide_no_small_count.sql): within a partition,
    one cell is the total (is_total) and others its parts (is_part); a cell_count of null
    is unknown.

    only_unknown_sums: the select-list items <relation>_total (the total's count),
    <relation>_known (the sum of the known parts) and <relation>_unknown (how many parts are
    unknown), windows over `partition`.
#}
{% macro only_unknown_sums(relation, partition, is_total, is_part) -%}
    max(case when {{ is_total }} then cell_count end) over (
        partition by {{ partition }}
    ) as {{ relation }}_total,
    sum(case when {{ is_part }} then cell_count else 0 end) over (
        partition by {{ partition }}
    ) as {{ relation }}_known,
    sum(case when {{ is_part }} and cell_count is null then 1 else 0 end) over (
        partition by {{ partition }}
    ) as {{ relation }}_unknown
{%- endmacro %}


{#
    fill_only_unknown: the CTEs <name>_sums and <name>, the cells of `previous` (the
    columns `cells` and cell_count) with, along the relation, the only unknown part filled
    in (the total minus the known parts) and an unknown total whose parts are all known
    filled in (their sum).
#}
{% macro fill_only_unknown(name, previous, cells, relation, partition, is_total, is_part) -%}
    {{ name }}_sums as (
        select
            *,
            {{ only_unknown_sums(relation, partition, is_total, is_part) | indent(8) }}
        from {{ previous }}
    ),

    {{ name }} as (
        select
            {{ cells | join(',\n            ') }},
            coalesce(
                cell_count,
                case
                    when
                        {{ is_part }} and {{ relation }}_unknown = 1
                        and {{ relation }}_total is not null
                        then {{ relation }}_total - {{ relation }}_known
                    when {{ is_total }} and {{ relation }}_unknown = 0
                        then {{ relation }}_known
                end
            ) as cell_count
        from {{ name }}_sums
    )
{%- endmacro %}
