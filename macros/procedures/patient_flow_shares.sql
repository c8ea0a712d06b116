{#
    The shares of fct_patient_flows (models/marts/procedures) and their suppression. number x
    share is a count: the residents of the area treated in that category. A category count
    of 1 to min - 1 hides its share (primary). Complementary, on two relations: within the
    row the categories add up to the number (and the shares to 1), and within an RHF each
    category of the RHF row is the sum of that category in its HF rows. Both are protected
    by the same rule as the areas (complementary suppression: what is hidden under a
    published total is 0 or at least min, in at least two cells), in alternating passes
    (row, column, row, ...), each reading the previous one's hidden cells. A column pass only
    hides a share whose row has another non-zero category to hide with it (else the row
    would give it back: number minus the published shares). The number itself is never
    hidden by the shares: should a row be left that cannot be protected, all its shares are
    hidden (the data test tests/privacy/assert_patient_flows_shares_hide_no_small_count.sql
    replays an outsider's subtraction over both relations and fails on any 1 to min - 1 it
    finds).

    patient_flow_share_suppression(categories, min_count, share_rounds=3): CTEs share_pass_0
        .. `shares` (per cell: is_total_hidden, has_primary_share, is_hidden_<category>),
        reading the mart's CTE `cells` (cell_id, the number of its sample, year and period;
        area_level, area_code, rhf_code, number, n_<category>, nonzero_categories,
        is_suppressed). share_rounds: rounds of (row pass, column pass):
        a column pass can leave a row that needs one more hidden share, so the passes
        repeat; the last round is a margin, and the data test above checks the result.
    patient_flow_share_columns(categories): the mart's share_<category> columns and
        share_suppression_reason, from `cells` and `shares`.
#}
{% macro patient_flow_share_suppression(categories, min_count, share_rounds=3) -%}
    {%- set hidden_shares = [] %}
    {%- for category in categories %}
        {%- do hidden_shares.append(
            "max(case when category = '" ~ category ~ "' and is_suppressed then 1 else 0 end)"
            ~ ' as is_hidden_' ~ category) %}
    {%- endfor %}
    -- The share grid: one row per cell and category (with `number`, the row's total), its
    -- count and whether it is hidden so far: all of a row whose number is hidden, and a
    -- category of 1 to min - 1 (primary). can_be_hidden: the row has two non-zero categories.
    share_pass_0 as (
        select
            cell_id,
            area_level as geo_level,
            area_code,
            rhf_code,
            'number' as category,
            number as cell_count,
            nonzero_categories >= 2 as can_be_hidden,
            is_suppressed
        from cells
    {%- for category in categories %}
            union all
            select
                cell_id,
                area_level as geo_level,
                area_code,
                rhf_code,
                '{{ category }}' as category,
                n_{{ category }} as cell_count,
                nonzero_categories >= 2 as can_be_hidden,
                is_suppressed
                or (n_{{ category }} > 0 and n_{{ category }} < {{ min_count }}) as is_suppressed
            from cells
    {%- endfor %}
    ),
    {%- for round in range(1, share_rounds + 1) %}
        {%- set previous = 'share_pass_' ~ (round - 1) %}

        -- round {{ round }}, rows: the categories of a row add up to its number
        share_rows_{{ round }}_input as (
            select
                cell_id,
                geo_level,
                area_code as geo_code,
                category as area_code,
                rhf_code,
                cell_count,
                can_be_hidden,
                cell_count as events,
                is_suppressed as is_primary,
                case when category = 'number' then 'whole' else 'part' end as area_level,
                case when category <> 'number' then 'number' end as parent_code,
                (cell_count = 0 or cell_count >= {{ min_count }}) as is_hidden_large
            from {{ previous }}
        ),

        {{ complementary_suppression(
            'share_rows_' ~ round,
            'share_rows_' ~ round ~ '_input',
            ['cell_id', 'geo_level', 'geo_code'],
            [['whole', 'part']],
            carry=['rhf_code', 'cell_count', 'can_be_hidden'],
            complementary_column='is_hidden_large'
        ) }},

        -- round {{ round }}, columns: a category of an RHF row is the sum of it in its HF
        -- rows (the numbers are not in this relation: theirs is the rate mart's, part 1)
        share_columns_{{ round }}_input as (
            select
                cell_id,
                area_code as category,
                geo_code as area_code,
                geo_level,
                rhf_code,
                cell_count,
                can_be_hidden,
                cell_count as events,
                is_suppressed as is_primary,
                case when area_code = 'number' then 'total' else geo_level end as area_level,
                case when geo_level = 'hf' then rhf_code end as parent_code,
                (cell_count = 0 or cell_count >= {{ min_count }}) as is_hidden_large
            from share_rows_{{ round }}
        ),

        {{ complementary_suppression(
            'share_columns_' ~ round,
            'share_columns_' ~ round ~ '_input',
            ['cell_id', 'category'],
            [['rhf', 'hf']],
            carry=['geo_level', 'rhf_code', 'cell_count', 'can_be_hidden'],
            candidate_column='can_be_hidden',
            complementary_column='is_hidden_large'
        ) }},

        share_pass_{{ round }} as (
            select
                cell_id,
                geo_level,
                area_code,
                rhf_code,
                category,
                cell_count,
                can_be_hidden,
                is_suppressed
            from share_columns_{{ round }}
        ),
    {%- endfor %}

    shares as (
        select
            cell_id,
            geo_level as area_level,
            area_code,
            max(
                case when category = 'number' and is_suppressed then 1 else 0 end
            ) as is_total_hidden,
            max(
                case
                    when
                        category <> 'number' and is_suppressed
                        and cell_count > 0 and cell_count < {{ min_count }}
                        then 1
                    else 0
                end
            ) as has_primary_share,
            {{ hidden_shares | join(',\n        ') }}
        from share_pass_{{ share_rounds }}
        group by cell_id, geo_level, area_code
    )
{%- endmacro %}

{% macro patient_flow_share_columns(categories) -%}
    {%- set shares = [] %}
    {%- for category in categories %}
        {%- do shares.append(
            'case when cells.number > 0 and not cells.is_suppressed and shares.is_total_hidden = 0'
            ~ ' and shares.is_hidden_' ~ category ~ ' = 0 then cast(cells.n_' ~ category
            ~ ' as ' ~ type_double() ~ ') / cells.number end as share_' ~ category) %}
    {%- endfor %}
    {{ shares | join(',\n    ') }},
        cells.is_suppressed,
        cells.suppression_reason,
        case
            when cells.is_suppressed or cells.number = 0 then null
            when shares.has_primary_share = 1 then 'primary'
            when
                shares.is_total_hidden = 1
    {%- for category in categories %}
                    or shares.is_hidden_{{ category }} = 1
    {%- endfor %}
                then 'complementary'
        end as share_suppression_reason
{%- endmacro %}
