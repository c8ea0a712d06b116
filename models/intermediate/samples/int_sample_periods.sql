{#
    Output contract 2 of the samples layer: the cells the rate engine must publish, one row per
    sample_id, measure, provider_option, year and period, for every period that ALL of the
    sample's sources delivered completely (SPEC section 5: statistics use complete periods
    only), whether or not the sample has events in it.

    Delivery is read from the data: per source and year, the months with staged rows (NPR:
    discharge date; HELFO: service date; the delivery counts of int_completeness__*). A
    period (rate_periods(): T1 = months 1-4, T2 = 1-8, year = 1-12) is complete for a source
    when every one of its months was delivered (as in dim_periods). FHI's waiting lists are
    annual: a year that is there gives the period 'year' only. So 2026 (January-August) gives
    T1 and T2 for the NPR and HELFO samples, and no row for the referral samples (FHI has no
    2026 file yet).
#}
{#- the sources whose delivered months are read from the delivery counts -#}
{%- set delivered_sources = ["'helfo_lab'", "'helfo_imaging'"] %}
{%- for source in npr_activity_tables() %}
    {%- do delivered_sources.append("'npr_" ~ source ~ "'") %}
{%- endfor %}
with samples as (
    select
        sample_id,
        sources,
        measures,
        provider_options
    from {{ ref('int_samples') }}
),

sample_sources as (
    {{ split_to_rows('samples', ['sample_id'], 'sources', '|', 'source', 'source_position') }}
),

sample_measures as (
    {{ split_to_rows('samples', ['sample_id'], 'measures', '|', 'measure', 'measure_position') }}
),

sample_options as (
    {{ split_to_rows(
        'samples', ['sample_id'], 'provider_options', '|', 'provider_option', 'option_position'
    ) }}
),

-- The months each source delivered per year (FHI: the year as a whole, month NULL): the
-- months with staged rows of the NPR activity and HELFO invoice extracts, from the delivery
-- counts of their families (int_completeness__*_unit_months: a staged row lies in the data
-- years, so its year and month there are those of its date), not the person-level rows again.
source_months as (
    select distinct
        source,
        year,
        month as event_month
    from (
        select
            source,
            year,
            month,
            n_rows_staged
        from {{ ref('int_completeness__npr_unit_months') }}
        union all
        select
            source,
            year,
            month,
            n_rows_staged
        from {{ ref('int_completeness__helfo_unit_months') }}
    ) as unit_months
    where
        n_rows_staged > 0
        and source in (
            {{ delivered_sources | join(',\n            ') }}
        )
    union all
    select distinct
        source,
        year,
        cast(null as integer) as event_month
    from {{ ref('int_fhi__referrals') }}
),

periods as (
    {{ rate_periods_relation() }}
),

-- A period is complete for a source when every month of it was delivered; an annual source
-- (no months) completes only the period that spans the whole year.
source_periods as (
    select
        source_months.source,
        source_months.year,
        periods.period
    from source_months
    inner join periods
        on
            source_months.event_month between periods.first_month and periods.last_month
            or (
                source_months.event_month is null
                and periods.first_month = 1
                and periods.last_month = 12
            )
    group by
        source_months.source,
        source_months.year,
        periods.period,
        periods.first_month,
        periods.last_month
    having
        count(distinct source_months.event_month) = periods.last_month - periods.first_month + 1
        or count(source_months.event_month) = 0
),

source_counts as (
    select
        sample_id,
        count(*) as n_sources
    from sample_sources
    group by sample_id
),

complete_periods as (
    select
        sample_sources.sample_id,
        source_periods.year,
        source_periods.period
    from sample_sources
    inner join source_periods
        on sample_sources.source = source_periods.source
    inner join source_counts
        on sample_sources.sample_id = source_counts.sample_id
    group by
        sample_sources.sample_id,
        source_periods.year,
        source_periods.period,
        source_counts.n_sources
    having count(*) = source_counts.n_sources
)

select
    complete_periods.sample_id,
    sample_measures.measure,
    sample_options.provider_option,
    complete_periods.year,
    complete_periods.period
from complete_periods
inner join sample_measures
    on complete_periods.sample_id = sample_measures.sample_id
inner join sample_options
    on complete_periods.sample_id = sample_options.sample_id
