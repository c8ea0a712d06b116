{#
    Public mart of the patient flows (SPEC section 9; seed 000, "Patient flows"): for the
    residents of each HF area, and of each RHF area as a whole, per sample with patient flows
    (int_patient_flow_contacts: focus areas, ranked procedure branches, surgery for morbid
    obesity), year and complete period: the number of procedures/contacts and the shares
    treated in the own HF, by contracted specialists and private hospitals with an agreement
    with the own RHF, in another HF of the own RHF, and elsewhere (other RHF). The five shares
    sum to 1.

    The cells are every complete period of the sample (int_sample_periods) x every RHF and HF
    area of dim_areas, so an area without contacts has number 0 and null shares.

    Suppression (docs/methods.md, "Suppression"), in two parts:
    1. The number. It counts the same contacts as fct_utilisation_rates' events of the
       sample's count measure (contacts or procedures) and provider option (all/inclusive)
       for the same year, period and residence area, so it is hidden exactly where that mart
       hides them (one set of protected cells: otherwise the flows table would print what
       the rate chart hides, and Norway minus the published RHFs would give it away). A
       number of 1 to var('min_cell_count') - 1 is hidden in any case, and the RHF = its HF
       areas relation is checked again (macros/privacy/complementary_suppression.sql); with
       the rate mart's cells this adds nothing, it only guards a cell that mart lacks.
    2. The shares. number x share is a count: the residents of the area treated in that
       category. A category count of 1 to min - 1 hides its share (primary). Complementary,
       on two relations: within the row the categories add up to the number (and the shares
       to 1), and within an RHF each category of the RHF row is the sum of that category in
       its HF rows. Both are protected by the same rule as the areas (complementary
       suppression: what is hidden under a published total is 0 or at least min, in at least
       two cells), in alternating passes (row, column, row, ...), each reading the previous
       one's hidden cells. A column pass only hides a share whose row has another non-zero
       category to hide with it (else the row would give it back: number minus the published
       shares). The number itself is never hidden by the shares: should a row be left that
       cannot be protected, all its shares are hidden (the data test
       tests/privacy/assert_patient_flows_shares_hide_no_small_count.sql replays an
       outsider's subtraction over both relations and fails on any 1 to min - 1 it finds).
#}
{%- set categories = ['own_hf', 'contracted_specialist', 'private', 'own_rhf', 'other_rhf'] %}
{%- set min_count = var('min_cell_count') %}
{#- rounds of (row pass, column pass): a column pass can leave a row that needs one more
    hidden share, so the passes repeat; the last round is a margin, and
    tests/privacy/assert_patient_flows_shares_hide_no_small_count.sql checks the result -#}
{%- set share_rounds = 3 %}
{%- set category_counts = [] %}
{%- set category_sums = [] %}
{%- set cell_counts = [] %}
{%- set nonzero_categories = [] %}
{%- set hidden_shares = [] %}
{%- set shares = [] %}
{%- for category in categories %}
    {%- do cell_counts.append(
        'coalesce(counts.n_' ~ category ~ ', 0) as n_' ~ category) %}
    {%- do category_counts.append(
        "count(case when flow_category = '" ~ category ~ "' then 1 end) as n_" ~ category) %}
    {%- do category_sums.append('sum(n_' ~ category ~ ') as n_' ~ category) %}
    {%- do nonzero_categories.append(
        'case when coalesce(counts.n_' ~ category ~ ', 0) > 0 then 1 else 0 end') %}
    {%- do hidden_shares.append(
        "max(case when category = '" ~ category ~ "' and is_suppressed then 1 else 0 end)"
        ~ ' as is_hidden_' ~ category) %}
    {%- do shares.append(
        'case when cells.number > 0 and not cells.is_suppressed and shares.is_total_hidden = 0'
        ~ ' and shares.is_hidden_' ~ category ~ ' = 0 then cast(cells.n_' ~ category
        ~ ' as ' ~ type_double() ~ ') / cells.number end as share_' ~ category) %}
{%- endfor %}
with flow_contacts as (
    select * from {{ ref('int_patient_flow_contacts') }}
),

sample_periods as (
    select distinct
        sample_periods.sample_id,
        sample_periods.year,
        sample_periods.period
    from {{ ref('int_sample_periods') }} as sample_periods
    inner join {{ ref('int_samples') }} as samples
        on sample_periods.sample_id = samples.sample_id
    inner join {{ ref('ref_sample_sub_areas') }} as sub_areas
        on
            samples.area = sub_areas.area
            and samples.sub_area = sub_areas.sub_area
    where
        sub_areas.has_patient_flows
        and sample_periods.provider_option in ('all', 'inclusive')
),

areas as (
    select
        area_level,
        area_code,
        area_name,
        rhf_code
    from {{ ref('dim_areas') }}
    where area_level in ('rhf', 'hf')
),

periods as (
    {{ rate_periods_relation() }}
),

-- Each contact in every period that holds its month, at its HF and at its RHF.
period_contacts as (
    select
        flow_contacts.sample_id,
        flow_contacts.year,
        periods.period,
        flow_contacts.rhf_code,
        flow_contacts.hf_code,
        flow_contacts.flow_category
    from flow_contacts
    inner join periods
        on flow_contacts.event_month between periods.first_month and periods.last_month
),

hf_counts as (
    select
        sample_id,
        year,
        period,
        'hf' as area_level,
        hf_code as area_code,
        count(*) as number,
        {{ category_counts | join(',\n        ') }}
    from period_contacts
    group by sample_id, year, period, hf_code
),

counts as (
    select * from hf_counts
    union all
    select
        hf_counts.sample_id,
        hf_counts.year,
        hf_counts.period,
        'rhf' as area_level,
        areas.rhf_code as area_code,
        sum(hf_counts.number) as number,
        {{ category_sums | join(',\n        ') }}
    from hf_counts
    inner join areas
        on
            hf_counts.area_level = areas.area_level
            and hf_counts.area_code = areas.area_code
    group by hf_counts.sample_id, hf_counts.year, hf_counts.period, areas.rhf_code
),

-- The rate mart's decision for the same events: the member contacts of the sample
-- (measure contacts or procedures: both count them) under the flows' provider option.
rate_cells as (
    select
        sample_id,
        year,
        period,
        area_level,
        area_code,
        max(case when is_suppressed then 1 else 0 end) as is_rate_suppressed
    from {{ ref('fct_utilisation_rates') }}
    where
        measure in ('contacts', 'procedures')
        and provider_option in ('all', 'inclusive')
        and area_level in ('rhf', 'hf')
    group by sample_id, year, period, area_level, area_code
),

unsuppressed_cells as (
    select
        sample_periods.sample_id,
        sample_periods.year,
        sample_periods.period,
        areas.area_level,
        areas.area_code,
        areas.area_name,
        areas.rhf_code,
        coalesce(counts.number, 0) as number,
        {{ cell_counts | join(',\n        ') }},
        {{ nonzero_categories | join('\n        + ') }} as nonzero_categories,
        coalesce(
            counts.number > 0 and counts.number < {{ min_count }}, false
        ) as is_small,
        coalesce(rate_cells.is_rate_suppressed = 1, false) as is_rate_suppressed
    from sample_periods
    cross join areas
    left join counts
        on
            sample_periods.sample_id = counts.sample_id
            and sample_periods.year = counts.year
            and sample_periods.period = counts.period
            and areas.area_level = counts.area_level
            and areas.area_code = counts.area_code
    left join rate_cells
        on
            sample_periods.sample_id = rate_cells.sample_id
            and sample_periods.year = rate_cells.year
            and sample_periods.period = rate_cells.period
            and areas.area_level = rate_cells.area_level
            and areas.area_code = rate_cells.area_code
),

suppression_input as (
    select
        sample_id,
        year,
        period,
        area_level,
        area_code,
        number as events,
        is_small or is_rate_suppressed as is_primary,
        -- hidden by the rate mart's complementary suppression, not for being small
        not is_small as is_hidden_large,
        case when area_level = 'hf' then rhf_code end as parent_code
    from unsuppressed_cells
),

{{ complementary_suppression(
    'suppression',
    'suppression_input',
    ['sample_id', 'year', 'period'],
    [['rhf', 'hf']],
    complementary_column='is_hidden_large'
) }},

cells as (
    select
        unsuppressed_cells.*,
        suppression.is_suppressed,
        suppression.suppression_reason
    from unsuppressed_cells
    inner join suppression
        on
            unsuppressed_cells.sample_id = suppression.sample_id
            and unsuppressed_cells.year = suppression.year
            and unsuppressed_cells.period = suppression.period
            and unsuppressed_cells.area_level = suppression.area_level
            and unsuppressed_cells.area_code = suppression.area_code
),

-- The share grid: one row per cell and category (with `number`, the row's total), its
-- count and whether it is hidden so far: all of a row whose number is hidden, and a
-- category of 1 to min - 1 (primary). can_be_hidden: the row has two non-zero categories.
share_pass_0 as (
    select
        sample_id,
        year,
        period,
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
            sample_id,
            year,
            period,
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
            sample_id,
            year,
            period,
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
        ['sample_id', 'year', 'period', 'geo_level', 'geo_code'],
        [['whole', 'part']],
        carry=['rhf_code', 'cell_count', 'can_be_hidden'],
        complementary_column='is_hidden_large'
    ) }},

    -- round {{ round }}, columns: a category of an RHF row is the sum of it in its HF
    -- rows (the numbers are not in this relation: theirs is the rate mart's, part 1)
    share_columns_{{ round }}_input as (
        select
            sample_id,
            year,
            period,
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
        ['sample_id', 'year', 'period', 'category'],
        [['rhf', 'hf']],
        carry=['geo_level', 'rhf_code', 'cell_count', 'can_be_hidden'],
        candidate_column='can_be_hidden',
        complementary_column='is_hidden_large'
    ) }},

    share_pass_{{ round }} as (
        select
            sample_id,
            year,
            period,
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
        sample_id,
        year,
        period,
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
    group by sample_id, year, period, geo_level, area_code
)

select
    cells.sample_id,
    cells.year,
    cells.period,
    cells.area_level,
    cells.area_code,
    cells.area_name,
    cells.rhf_code,
    case
        when not cells.is_suppressed then cast(cells.number as {{ dbt.type_int() }})
    end as number,
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
from cells
inner join shares
    on
        cells.sample_id = shares.sample_id
        and cells.year = shares.year
        and cells.period = shares.period
        and cells.area_level = shares.area_level
        and cells.area_code = shares.area_code
