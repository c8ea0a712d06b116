{#
    Public mart of delivery completeness (SPEC section 11; seed 002 "Kvalitet og kompletthet"):
    one row per row-level source, year, month and reporting unit: whether the unit delivered,
    how many rows, how many were quarantined and why, and the shares of the staged rows with a
    linkable person id, a known residence and a valid main diagnosis.

    Expected deliveries: a reporting unit is expected in every month of year Y in which any
    row-level source delivered staged rows (so a missing month or a whole missing file shows) when it
    delivered to the same source in Y or Y-1; is_delivered says whether it did (rows > 0).
    A unit's first year counts from its first row; a unit that stopped two years ago is no
    longer expected. Rows whose month or unit is unknown (unreadable date, missing orgnr) are
    rows of their own with month or reporting_unit_id NULL.

    No suppression: the counts are rows of a reporting unit's delivery, with no breakdown by
    person, residence, age or diagnosis, and the quality tests must see them (the person
    counts of the statistics marts are suppressed there). Thresholds: dbt tests in
    _quality__models.yml (macros/completeness/completeness_threshold.sql, vars
    completeness_thresholds and completeness_min_rows).
#}
{%- set reasons = quarantine_reasons().keys() | list %}
with unit_months as (
    select * from {{ ref('int_completeness__unit_months') }}
),

institutions as (
    select
        org_number as reporting_unit_id,
        institution_name as reporting_unit_name
    from {{ ref('ref_treating_institutions') }}
),

practices as (
    select
        practice_id as reporting_unit_id,
        practice_name as reporting_unit_name
    from {{ ref('ref_contracted_specialists') }}
),

-- The sources that deliver a main diagnosis (NPR activity; int_completeness__unit_months
-- leaves n_valid_main_diagnosis NULL for the others).
diagnosis_sources as (
    select distinct source
    from unit_months
    where n_valid_main_diagnosis is not null
),

-- A month counts as delivered when some source staged rows in it: a quarantined row's date
-- is not trusted (one PHBU referral "assessed before received", dated September of a year
-- delivered through August, would otherwise make every unit of every source expected then).
delivered_months as (
    select distinct
        year,
        month
    from unit_months
    where month is not null and n_rows_staged > 0
),

delivered_years as (
    select distinct year
    from delivered_months
),

unit_years as (
    select distinct
        source,
        year,
        reporting_unit_id
    from unit_months
    where reporting_unit_id is not null
),

expected_units as (
    select distinct
        unit_years.source,
        delivered_years.year,
        unit_years.reporting_unit_id
    from unit_years
    inner join delivered_years
        on delivered_years.year in (unit_years.year, unit_years.year + 1)
),

expected as (
    select
        expected_units.source,
        expected_units.year,
        delivered_months.month,
        expected_units.reporting_unit_id
    from expected_units
    inner join delivered_months
        on expected_units.year = delivered_months.year
),

grid as (
    select
        source,
        year,
        month,
        reporting_unit_id
    from expected
    union
    select
        source,
        year,
        month,
        reporting_unit_id
    from unit_months
),

counted as (
    {%- set counts = ['n_rows_delivered', 'n_rows_staged', 'n_rows_quarantined'] %}
    {%- for reason in reasons %}
        {%- do counts.append('n_quarantined_' ~ reason) %}
    {%- endfor %}
    {%- do counts.extend(['n_linkable_person', 'n_known_residence']) %}
    select
        grid.source,
        grid.year,
        grid.month,
        grid.reporting_unit_id,
        expected.source is not null as is_expected,
        {%- for count in counts %}
            cast(coalesce(unit_months.{{ count }}, 0) as {{ dbt.type_int() }}) as {{ count }},
        {%- endfor %}
        case
            when diagnosis_sources.source is not null
                then cast(
                    coalesce(unit_months.n_valid_main_diagnosis, 0) as {{ dbt.type_int() }}
                )
        end as n_valid_main_diagnosis
    from grid
    left join expected
        on
            grid.source = expected.source
            and grid.year = expected.year
            and grid.month = expected.month
            and grid.reporting_unit_id = expected.reporting_unit_id
    left join unit_months
        on
            grid.source = unit_months.source
            and grid.year = unit_months.year
            and coalesce(grid.month, 0) = coalesce(unit_months.month, 0)
            and coalesce(grid.reporting_unit_id, '-')
            = coalesce(unit_months.reporting_unit_id, '-')
    left join diagnosis_sources
        on grid.source = diagnosis_sources.source
)

select
    counted.source,
    counted.year,
    counted.month,
    counted.reporting_unit_id,
    coalesce(institutions.reporting_unit_name, practices.reporting_unit_name)
        as reporting_unit_name,
    counted.is_expected,
    counted.n_rows_delivered > 0 as is_delivered,
    counted.n_rows_delivered,
    counted.n_rows_staged,
    counted.n_rows_quarantined,
    {%- for reason in reasons %}
        counted.n_quarantined_{{ reason }},
    {%- endfor %}
    counted.n_linkable_person,
    counted.n_known_residence,
    counted.n_valid_main_diagnosis,
    {{ share('counted.n_rows_staged', 'counted.n_rows_delivered') }} as share_staged,
    {{ share('counted.n_linkable_person', 'counted.n_rows_staged') }} as share_linkable_person,
    {{ share('counted.n_known_residence', 'counted.n_rows_staged') }} as share_known_residence,
    {{ share('counted.n_valid_main_diagnosis', 'counted.n_rows_staged') }}
        as share_valid_main_diagnosis
from counted
left join institutions
    on counted.reporting_unit_id = institutions.reporting_unit_id
left join practices
    on counted.reporting_unit_id = practices.reporting_unit_id
