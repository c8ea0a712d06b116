{#
    Share suppression in fct_patient_flows (README "Privacy: suppression"), checked as an
    outsider would attack it. number x share is a count (the residents of the area treated
    in that category), and two relations tie the counts together:
      rows     number = the five category counts (the shares sum to 1);
      columns  within an RHF, each category (and the number) of the RHF row = the sum of
               that category in its HF rows.
    The outsider starts from what is published (number x share, rounded; every category of
    a row with number 0 is 0; a null share or number is unknown) and fills in, for
    three rounds, every unknown that is the only unknown of a relation with a known
    total (rows, then columns; a recovered cell helps the next step). Then a finding is
      - a known (published or recovered) count of 1 to var('min_cell_count') - 1;
      - a relation with a known total and unknown parts whose sum (total minus the known
        parts) is 1 to min - 1 (e.g. two hidden categories that hold 3 contacts together).
    One row per finding. This is exact subtraction along the two relations, not a
    linear-programming audit: bounds (a hidden count is at most the number) are not used.
#}
{%- set categories = ['own_hf', 'contracted_specialist', 'private', 'own_rhf', 'other_rhf'] %}
{%- set min_count = var('min_cell_count') %}
{%- set rounds = 3 %}
{%- set cells = [
    'sample_id', 'year', 'period', 'area_level', 'area_code', 'rhf_code', 'category'
] %}
{#- the two relations (macros/privacy/only_unknown.sql), filled in this order every round -#}
{%- set relations = [
    {
        'name': 'row',
        'note': "a row's only unknown category = number - the known ones (all known: number)",
        'partition': 'sample_id, year, period, area_level, area_code',
        'is_total': "category = 'number'",
        'is_part': "category <> 'number'"
    },
    {
        'name': 'column',
        'note': "an RHF's category - its known HF areas = the only unknown one (all known: RHF)",
        'partition': 'sample_id, year, period, rhf_code, category',
        'is_total': "area_level = 'rhf'",
        'is_part': "area_level = 'hf'"
    }
] %}
with flows as (
    select * from {{ ref('fct_patient_flows') }}
),

-- what is published, one row per cell and category (`number`: the row's total)
known_0 as (
    select
        sample_id,
        year,
        period,
        area_level,
        area_code,
        rhf_code,
        'number' as category,
        cast(number as {{ type_double() }}) as cell_count
    from flows
    {%- for category in categories %}
        union all
        select
            sample_id,
            year,
            period,
            area_level,
            area_code,
            rhf_code,
            '{{ category }}' as category,
            case
                when number = 0 then 0
                when share_{{ category }} is not null
                    then {{ round_to('number * share_' ~ category, 0) }}
            end as cell_count
        from flows
    {%- endfor %}
),
{#- every round: each relation in turn (a recovered cell helps the next step) -#}
{%- set steps = relations * rounds %}
{#- the sums of both relations over what is known in the end -#}
{%- set final_sums = [] %}
{%- for relation in relations %}
    {%- do final_sums.append(only_unknown_sums(
        relation.name, relation.partition, relation.is_total, relation.is_part
    )) %}
{%- endfor %}
{%- for relation in steps %}

-- step {{ loop.index }} (round {{ (loop.index0 // relations | length) + 1 }}): {{ relation.note }}
{{ fill_only_unknown(
    'known_' ~ loop.index, 'known_' ~ loop.index0, cells, relation.name,
    relation.partition, relation.is_total, relation.is_part
) }},
{%- endfor %}

final as (
    select
        *,
        {{ final_sums | join(',\n') | indent(8) }}
    from known_{{ steps | length }}
),

findings as (
    select
        sample_id,
        year,
        period,
        area_level,
        area_code,
        category,
        'count of 1 to min - 1 known' as finding,
        cell_count
    from final
    where cell_count > 0 and cell_count < {{ min_count }}
    union all
    select
        sample_id,
        year,
        period,
        area_level,
        area_code,
        'hidden categories of the row' as category,
        'hidden total of 1 to min - 1' as finding,
        row_total - row_known as cell_count
    from final
    where
        category = 'number'
        and row_unknown > 0
        and row_total - row_known > 0
        and row_total - row_known < {{ min_count }}
    union all
    select
        sample_id,
        year,
        period,
        area_level,
        area_code,
        category,
        'hidden total of 1 to min - 1 under the RHF' as finding,
        column_total - column_known as cell_count
    from final
    where
        area_level = 'rhf'
        and column_unknown > 0
        and column_total - column_known > 0
        and column_total - column_known < {{ min_count }}
)

select * from findings
