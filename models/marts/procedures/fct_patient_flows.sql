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
       hides them (its cells as suppressed, int_published_rates; one set of protected cells:
       otherwise the flows table would print what the rate chart hides, and Norway minus the
       published RHFs would give it away). A number of 1 to var('min_cell_count') - 1 is
       hidden in any case, and the RHF = its HF areas relation is checked again
       (macros/privacy/complementary_suppression.sql); with the rate mart's cells this adds
       nothing, it only guards a cell that mart lacks.
    2. The shares. number x share is a count: the residents of the area treated in that
       category. Hidden where that count is 1 to min - 1, and complementary over the row
       (the categories add up to the number) and the RHF (its HF rows add up to it), by
       macros/procedures/patient_flow_shares.sql; the number is never hidden by the shares.
#}
{%- set categories = ['own_hf', 'contracted_specialist', 'private', 'own_rhf', 'other_rhf'] %}
{%- set min_count = var('min_cell_count') %}
{%- set category_counts = [] %}
{%- set category_sums = [] %}
{%- set cell_counts = [] %}
{%- set nonzero_categories = [] %}
{%- for category in categories %}
    {%- do cell_counts.append(
        'coalesce(counts.n_' ~ category ~ ', 0) as n_' ~ category) %}
    {%- do category_counts.append(
        "count(case when flow_category = '" ~ category ~ "' then 1 end) as n_" ~ category) %}
    {%- do category_sums.append('sum(n_' ~ category ~ ') as n_' ~ category) %}
    {%- do nonzero_categories.append(
        'case when coalesce(counts.n_' ~ category ~ ', 0) > 0 then 1 else 0 end') %}
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
    from {{ ref('int_published_rates') }}
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
        coalesce(rate_cells.is_rate_suppressed = 1, false) as is_rate_suppressed,
        -- the cell's number: the suppressions below partition and join on it
        dense_rank() over (
            order by sample_periods.sample_id, sample_periods.year, sample_periods.period
        ) as cell_id
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
        cell_id,
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
    ['cell_id'],
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
            unsuppressed_cells.cell_id = suppression.cell_id
            and unsuppressed_cells.area_level = suppression.area_level
            and unsuppressed_cells.area_code = suppression.area_code
),

-- share_pass_0 .. shares: the shares hidden in alternating row and column passes
-- (macros/procedures/patient_flow_shares.sql).
{{ patient_flow_share_suppression(categories, min_count) }}

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
    {{ patient_flow_share_columns(categories) }}
from cells
inner join shares
    on
        cells.cell_id = shares.cell_id
        and cells.area_level = shares.area_level
        and cells.area_code = shares.area_code
