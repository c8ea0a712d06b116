{#
    Output contract 1 of the samples layer, the events the rate engine consumes: one row per
    sample_id, measure, provider_option, year, area_level, area_code, sex and age_group with
    events in some period, and the events of each period as columns (events_t1, events_t2,
    events_year: one per period of rate_periods(); 0 where the period has none). Strata
    without events are absent (the engine starts from the population grid and counts them
    as 0). One row carries every period, so the periods are read once rather than as three
    rows, and T1 <= T2 <= year is a check on one row.

    Counting rules (measure):
      contacts    member NPR contacts (outpatient consultations / day treatments)
      procedures  member NPR contacts: a contact with one or more of the sample's procedure
                  codes is one procedure (two shoulder codes on one contact = 1)
      bed_days    sum of discharge date - admission date over member inpatient stays
      patients    unique person_id among the member contacts, counted per area: a patient
                  counts once in each area where they have a member contact in the period, in
                  the sex and age group of their first member contact there (by date, then
                  contact id); NOT additive over areas (a patient who moved counts in both
                  areas, once in Norway). Contacts without a person id are left out.
      codes       HELFO laboratory codes
      nok         HELFO laboratory reimbursement in NOK (shared out over the codes)
      invoices    HELFO imaging invoices with at least one code of the sample
      referrals   FHI new referrals
    Strata: sex x 5-year age group ('sex_age'), or 'all' x waiting-list age group
    ('age_waiting_list'); events with unknown sex or age are left out (they are counted in the
    data-quality marts). Periods are cumulative from January: T1 = months 1-4, T2 = months
    1-8, year = months 1-12, by the month of the event's date (NPR: discharge date; HELFO:
    service date; FHI: the whole year, so T1 and T2 are 0). Which periods are complete, and so
    published, is int_sample_periods' business; this model counts whatever was delivered.
    Areas: 'norway' holds every event, including unknown residence and SKDE's pseudo areas;
    'rhf', 'hf' and 'hospital' the events whose residence maps to such an area
    (hospital only where the mapping has one; FHI data has no hospital areas).
#}
{#- measure -> the column of member_events it counts (patients: counted apart, per person) -#}
{%- set measure_values = {
    'contacts': 'n_contacts',
    'procedures': 'n_contacts',
    'bed_days': 'bed_days',
    'codes': 'n_codes',
    'invoices': 'n_invoices',
    'referrals': 'n_referrals',
} %}
{#- measure -> the column of member_events that holds its amount (not whole: summed exactly) -#}
{%- set measure_amounts = {'nok': 'nok'} %}
{%- set value_branches = [] %}
{%- for measure, column in measure_values.items() %}
    {%- do value_branches.append(
        "when '" ~ measure ~ "' then stratified_events." ~ column) %}
{%- endfor %}
{%- set amount_branches = [] %}
{%- for measure, column in measure_amounts.items() %}
    {%- do amount_branches.append(
        "when '" ~ measure ~ "' then cast(stratified_events." ~ column ~ ' as '
        ~ type_exact_amount() ~ ')') %}
{%- endfor %}
{%- set period_columns = period_event_columns() %}
{%- set level_sums = [] %}
{%- set any_events = [] %}
{%- for period in rate_periods() %}
    {%- set column = period_event_column(period) | trim %}
    {%- set amounts = period_column('amounts', period) | trim %}
    {%- do level_sums.append('cast(coalesce(sum(additive_cells.' ~ column ~ '), 0) as '
        ~ type_double() ~ ') + cast(coalesce(sum(additive_cells.' ~ amounts ~ '), 0) as '
        ~ type_double() ~ ') as ' ~ column) %}
    {%- do any_events.append(column ~ ' > 0') %}
{%- endfor %}
{#- Year by year (macros/incremental/year_rebuild.sql): a year's strata count that year's
    events only; the samples and their code rules (ranked procedure branches: from every
    complete year) are compared whole. -#}
{%- set output_columns = [
    'sample_id', 'measure', 'provider_option', 'year', 'area_level', 'area_code', 'sex',
    'age_group',
] + period_columns %}
{%- set plan = year_rebuild_plan(
    npr_contacts_year_entries() + raw_year_entries([
        'base_helfo__lab_invoices', 'base_helfo__imaging_invoices', 'base_fhi__waiting_lists',
    ]),
    cross_year=['int_samples', 'int_sample_codes'],
) %}
with {{ year_rebuild_ctes(plan) }},

samples as (
    select
        sample_id,
        stratification,
        measures
    from {{ ref('int_samples') }}
),

sample_measures as (
    {{ split_to_rows('samples', ['sample_id'], 'measures', '|', 'measure', 'measure_position') }}
),

area_levels as (
    select 'norway' as area_level
    union all
    select 'rhf' as area_level
    union all
    select 'hf' as area_level
    union all
    select 'hospital' as area_level
),

-- member_events: every member event of every stream with its stratum attributes and what it
-- adds to each measure (macros/samples/sample_stratum_events.sql).
{{ sample_member_events(plan) }},

-- The stratum of each event by its sample's stratification; unknown sex or age left out.
stratified_events as (
    select
        member_events.sample_id,
        member_events.provider_option,
        member_events.year,
        member_events.period_month,
        member_events.rhf_code,
        member_events.hf_code,
        member_events.hospital_code,
        member_events.n_contacts,
        member_events.bed_days,
        member_events.n_codes,
        member_events.nok,
        member_events.n_invoices,
        member_events.n_referrals,
        case
            when samples.stratification = 'sex_age' then member_events.sex else 'all'
        end as sex,
        case
            when samples.stratification = 'sex_age' then {{ age_group_5y('member_events.age') }}
            else coalesce(
                member_events.waiting_list_age_group,
                {{ age_group_waiting_list('member_events.age') }}
            )
        end as age_group
    from member_events
    inner join samples
        on member_events.sample_id = samples.sample_id
),

-- One row per event and additive measure of its sample, with the event's value: a count in
-- events as a double (whole numbers: their sums are exact; PostgreSQL would sum its bigint
-- counts as numeric), an amount (NOK) in amounts as an exact decimal (type_exact_amount), so
-- that every sum below gives the same bits in any order.
measure_events as (
    select
        stratified_events.sample_id,
        sample_measures.measure,
        stratified_events.provider_option,
        stratified_events.year,
        stratified_events.period_month,
        stratified_events.sex,
        stratified_events.age_group,
        stratified_events.rhf_code,
        stratified_events.hf_code,
        stratified_events.hospital_code,
        cast(case sample_measures.measure
            {{ value_branches | join('\n            ') }}
        end as {{ type_double() }}) as events,
        case sample_measures.measure
            {{ amount_branches | join('\n            ') }}
        end as amounts
    from stratified_events
    inner join sample_measures
        on stratified_events.sample_id = sample_measures.sample_id
    where
        stratified_events.sex is not null
        and stratified_events.age_group is not null
        and sample_measures.measure <> 'patients'
),

-- Cumulative sums per period (one pass), per stratum and residence ...
additive_cells as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        sex,
        age_group,
        rhf_code,
        hf_code,
        hospital_code,
        {{ period_sums(['events', 'amounts'], 'period_month') }}
    from measure_events
    group by
        sample_id,
        measure,
        provider_option,
        year,
        sex,
        age_group,
        rhf_code,
        hf_code,
        hospital_code
),

-- ... then per area of each level (Norway: every residence, unknown included).
additive_events as (
    select
        additive_cells.sample_id,
        additive_cells.measure,
        additive_cells.provider_option,
        additive_cells.year,
        additive_cells.sex,
        additive_cells.age_group,
        area_levels.area_level,
        {{ area_code_of_level('area_levels.area_level', 'additive_cells') }} as area_code,
        {{ level_sums | join(',\n        ') }}
    from additive_cells
    cross join area_levels
    where {{ area_code_of_level('area_levels.area_level', 'additive_cells') }} is not null
    group by
        additive_cells.sample_id,
        additive_cells.measure,
        additive_cells.provider_option,
        additive_cells.year,
        additive_cells.sex,
        additive_cells.age_group,
        area_levels.area_level,
        {{ area_code_of_level('area_levels.area_level', 'additive_cells') }}
),

-- patient_events: the patients measure, each person once per area in the stratum and from the
-- month of their first member contact there (macros/samples/sample_stratum_events.sql).
{{ sample_patient_events(plan) }},

stratum_events as (
    select
        {{ output_columns | join(',\n        ') }}
    from additive_events
    where {{ any_events | join(' or ') }}
    union all
    select
        {{ output_columns | join(',\n        ') }}
    from patient_events
    where {{ any_events | join(' or ') }}
)

{{ year_rebuild_select(plan, 'stratum_events', output_columns) }}
