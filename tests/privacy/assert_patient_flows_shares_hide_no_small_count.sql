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
{%- set row = 'sample_id, year, period, area_level, area_code' %}
{%- set column = 'sample_id, year, period, rhf_code, category' %}
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
{%- for round in range(1, rounds + 1) %}

-- round {{ round }}: a row's only unknown category = number - the known ones (and a row
-- whose categories are all known gives its number)
    row_sums_{{ round }} as (
        select
            *,
            max(case when category = 'number' then cell_count end) over (
                partition by {{ row }}
            ) as row_total,
            sum(case when category <> 'number' then cell_count else 0 end) over (
                partition by {{ row }}
            ) as row_known,
            sum(case when category <> 'number' and cell_count is null then 1 else 0 end) over (
                partition by {{ row }}
            ) as row_unknown
        from known_{{ round - 1 }}
    ),

    rows_filled_{{ round }} as (
        select
            sample_id,
            year,
            period,
            area_level,
            area_code,
            rhf_code,
            category,
            coalesce(
                cell_count,
                case
                    when category <> 'number' and row_unknown = 1 and row_total is not null
                        then row_total - row_known
                    when category = 'number' and row_unknown = 0 then row_known
                end
            ) as cell_count
        from row_sums_{{ round }}
    ),

    -- round {{ round }}: an RHF's category minus its known HF areas gives the only unknown one
    -- (and known HF areas give the RHF's)
    column_sums_{{ round }} as (
        select
            *,
            max(case when area_level = 'rhf' then cell_count end) over (
                partition by {{ column }}
            ) as column_total,
            sum(case when area_level = 'hf' then cell_count else 0 end) over (
                partition by {{ column }}
            ) as column_known,
            sum(case when area_level = 'hf' and cell_count is null then 1 else 0 end) over (
                partition by {{ column }}
            ) as column_unknown
        from rows_filled_{{ round }}
    ),

    known_{{ round }} as (
        select
            sample_id,
            year,
            period,
            area_level,
            area_code,
            rhf_code,
            category,
            coalesce(
                cell_count,
                case
                    when area_level = 'hf' and column_unknown = 1 and column_total is not null
                        then column_total - column_known
                    when area_level = 'rhf' and column_unknown = 0 then column_known
                end
            ) as cell_count
        from column_sums_{{ round }}
    ),
{%- endfor %}

final as (
    select
        *,
        max(case when category = 'number' then cell_count end) over (
            partition by {{ row }}
        ) as row_total,
        sum(case when category <> 'number' then cell_count else 0 end) over (
            partition by {{ row }}
        ) as row_known,
        sum(case when category <> 'number' and cell_count is null then 1 else 0 end) over (
            partition by {{ row }}
        ) as row_unknown,
        max(case when area_level = 'rhf' then cell_count end) over (
            partition by {{ column }}
        ) as column_total,
        sum(case when area_level = 'hf' then cell_count else 0 end) over (
            partition by {{ column }}
        ) as column_known,
        sum(case when area_level = 'hf' and cell_count is null then 1 else 0 end) over (
            partition by {{ column }}
        ) as column_unknown
    from known_{{ rounds }}
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
