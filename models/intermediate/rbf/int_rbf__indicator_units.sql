{#
    Numerator and denominator of every RBF indicator per treating unit (treating HF), RBF
    year and calculation, for the calculable calculations of int_rbf__calculation_periods.
    Definitions: the appendix table of seed 003, as data in ref_rbf_indicators (sector,
    counting unit) and ref_rbf_indicator_codes (codes).

    NPR indicators (int_rbf__npr_contacts: ISF-counting stays of the health trusts, by
    treating HF), over the contacts of the indicator's sector in its data year and period:
    - denominator restriction: an indicator with `denominator` code rows counts only the
      contacts matching one of them (indicator 1: DRG service type 'polikliniske
      konsultasjoner'); the numerator is always part of the denominator.
    - numerator: the contact matches one of the indicator's `numerator` codes in the named
      column (stg_code; contact_form_code; drg_service_type; procedure_code = any of
      procedure_code_1..5).
    - counting unit `contacts` (indicator 1): numerator = matching contacts, denominator =
      contacts. `patients` (indicators 2-8): unique patients within the same HF, numerator =
      patients with at least one matching contact, denominator = all patients of the HF in the
      sector whether or not they are in the numerator. Contacts without a person id cannot be
      counted as patients and are left out of patient counts.
    NKI indicator: the delivered numerator (summaries within 1 day) and denominator
    (discharges) of the data year, summed over the sectors the indicator covers (somatic
    care, mental health care and TSB: "lik beregning ... innenfor Somatikk, PHV og TSB"), for
    the health trusts of ref_treating_institutions (other treating-HF codes have no RHF and
    are left out).
    Method (a data year holds tens of millions of contacts nationally; no contact is repeated
    per indicator and calculation): the contacts of the data years read are read once, each
    with its month as a bit (bit m - 1 = month m) and its code profile (a bit per indicator
    code it carries); one aggregate groups them per HF, profile and month (contact counts)
    and per HF, profile and person (patients, carrying the months of their contacts as a
    mask). The few distinct profiles are matched to the indicators' codes; a counted month or
    patient carries the months it counts in, those sharing a mask are counted together, and
    a calculation's period is a mask too: its count is the sum over the masks that meet the
    period's. The unrestricted denominators (all contacts or patients of a sector) are
    counted once per counting unit, sector and year, not per indicator. The HF's RHF and HF area are joined last.
    RHF and Norway figures are sums over the units (fct_rbf_indicators): "alle unike i et HF
    i RHF-et skal inkluderes", a patient treated by two HFs counts in both.
#}
{#- Data year by data year (macros/incremental/year_rebuild.sql): a row of data year Y counts
    the contacts and NKI discharges of Y for the calculations that read Y; the calculations
    are an entry of their own by data year, so a calculation that becomes calculable (a new
    tertial) recomputes the data years it reads, not every year. -#}
{%- set plan = year_rebuild_plan(
    npr_contacts_year_entries() + raw_year_entries(['base_nki__discharge_summaries']) + [{
        'model': 'int_rbf__calculation_periods',
        'year': 'data_year',
        'columns': [
            'rbf_year', 'calculation', 'indicator_id', 'data_source', 'sector', 'counting_unit',
            'data_year', 'period', 'first_month', 'last_month', 'is_period_complete',
            'is_calculable',
        ],
    }],
    year_column='data_year',
) %}
with {{ year_rebuild_ctes(plan) }},

calculations as (
    select
        rbf_year,
        calculation,
        indicator_id,
        data_source,
        sector,
        counting_unit,
        data_year,
        period,
        first_month,
        last_month,
        -- the months of the period as bits (bit m - 1 = month m), matched against month_bits
        cast(power(2, last_month) - power(2, first_month - 1) as {{ dbt.type_int() }})
            as period_months
    from {{ ref('int_rbf__calculation_periods') }}
    where
        is_calculable
        and {{ year_rebuild_filter(plan, 'data_year') }}
),

indicator_codes as (
    select
        rbf_year,
        indicator_id,
        applies_to,
        code_field,
        code
    from {{ ref('ref_rbf_indicator_codes') }}
),

restricted_indicators as (
    select distinct
        rbf_year,
        indicator_id
    from indicator_codes
    where applies_to = 'denominator'
),

-- The NPR indicators each data year is read for (both calculations read the same sector).
npr_scopes as (
    select distinct
        calculations.rbf_year,
        calculations.indicator_id,
        calculations.counting_unit,
        calculations.sector,
        calculations.data_year,
        restricted_indicators.indicator_id is not null as is_restricted
    from calculations
    left join restricted_indicators
        on
            calculations.rbf_year = restricted_indicators.rbf_year
            and calculations.indicator_id = restricted_indicators.indicator_id
    where calculations.data_source = 'npr'
),

data_years as (
    select distinct data_year
    from npr_scopes
),

-- used_codes .. contact_groups: every contact of the data years read once, as a code profile
-- (a bit per indicator code it carries) and month bit, grouped per HF and profile by month
-- and by person (macros/rbf/rbf_contact_groups.sql).
{{ rbf_contact_groups(plan) }},

-- indicator_masks .. month_counts: the profiles matched to the indicators' codes, and the
-- contacts or patients counted per HF, part of the fraction and set of months
-- (macros/rbf/rbf_month_counts.sql).
{{ rbf_month_counts() }},

-- A contact or patient counts in a calculation's period when one of its months is in it.
npr_units as (
    select
        calculations.rbf_year,
        calculations.calculation,
        calculations.indicator_id,
        calculations.data_year,
        calculations.period,
        month_counts.treating_hf_code,
        sum(case when month_counts.part = 'numerator' then month_counts.n_counted else 0 end)
            as numerator,
        sum(case when month_counts.part = 'denominator' then month_counts.n_counted else 0 end)
            as denominator
    from calculations
    inner join month_counts
        on
            calculations.rbf_year = month_counts.rbf_year
            and calculations.indicator_id = month_counts.indicator_id
            and calculations.data_year = month_counts.year
    where
        calculations.data_source = 'npr'
        and (month_counts.months & calculations.period_months) <> 0
    group by
        calculations.rbf_year,
        calculations.calculation,
        calculations.indicator_id,
        calculations.data_year,
        calculations.period,
        month_counts.treating_hf_code
),

health_trusts as (
    select distinct
        treating_hf_code,
        treating_rhf_code,
        hf_area_code
    from {{ ref('ref_treating_institutions') }}
    where
        institution_type in ('public', 'private_non_commercial')
        and treating_rhf_code in ('1', '2', '3', '4')
        and treating_hf_code is not null
),

nki as (
    select
        discharge_year,
        treating_hf_code,
        summaries_within_1_day,
        discharges,
        case
            when sector = 'somatic' then 'somatic'
            when sector in ('mental_health', 'substance_use') then 'mental_health_tsb'
        end as sector
    from {{ ref('stg_nki__discharge_summaries') }}
    where {{ year_rebuild_filter(plan, 'discharge_year') }}
),

nki_units as (
    select
        calculations.rbf_year,
        calculations.calculation,
        calculations.indicator_id,
        calculations.data_year,
        calculations.period,
        health_trusts.treating_hf_code,
        sum(nki.summaries_within_1_day) as numerator,
        sum(nki.discharges) as denominator
    from calculations
    inner join nki
        on
            calculations.data_year = nki.discharge_year
            and {{ rbf_sector_matches('calculations.sector', 'nki.sector') }}
    inner join health_trusts
        on nki.treating_hf_code = health_trusts.treating_hf_code
    where calculations.data_source = 'nki'
    group by
        calculations.rbf_year,
        calculations.calculation,
        calculations.indicator_id,
        calculations.data_year,
        calculations.period,
        health_trusts.treating_hf_code
),

units as (
    select * from npr_units
    union all
    select * from nki_units
),

indicator_units as (
    select
        units.rbf_year,
        units.calculation,
        units.indicator_id,
        units.data_year,
        units.period,
        units.treating_hf_code,
        health_trusts.treating_rhf_code,
        health_trusts.hf_area_code,
        cast(units.numerator as {{ dbt.type_bigint() }}) as numerator,
        cast(units.denominator as {{ dbt.type_bigint() }}) as denominator
    from units
    inner join health_trusts
        on units.treating_hf_code = health_trusts.treating_hf_code
)

{{ year_rebuild_select(plan, 'indicator_units', [
    'rbf_year', 'calculation', 'indicator_id', 'data_year', 'period', 'treating_hf_code',
    'treating_rhf_code', 'hf_area_code', 'numerator', 'denominator',
]) }}
