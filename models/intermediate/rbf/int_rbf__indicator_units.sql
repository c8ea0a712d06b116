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
    base_year_entries([
        'base_npr__som', 'base_npr__phv', 'base_npr__phbu', 'base_npr__tsb',
        'base_nki__discharge_summaries',
    ]) + [{
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
{%- set code_columns = [
    ('stg_code', 'stg_code'),
    ('contact_form_code', 'contact_form_code'),
    ('drg_service_type', 'drg_service_type'),
    ('procedure_code', 'procedure_code_1'),
    ('procedure_code', 'procedure_code_2'),
    ('procedure_code', 'procedure_code_3'),
    ('procedure_code', 'procedure_code_4'),
    ('procedure_code', 'procedure_code_5'),
] %}
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

-- Every code an indicator uses, numbered 1, 2, 3 ... as a bit (bit n - 1) of a code profile
-- (bigint: up to 63 codes, tests/rbf/assert_rbf_indicator_codes_fit_a_code_profile.sql).
used_codes as (
    select
        code_field,
        code,
        cast(power(2, row_number() over (order by code_field, code) - 1) as {{ dbt.type_bigint() }})
            as code_bit
    from (
        select distinct
            code_field,
            code
        from indicator_codes
    ) as distinct_codes
),

-- Every contact of a data year read once: its month as a bit (bit m - 1 = month m) and its
-- code profile, the bits of the indicator codes it carries in any of its code columns.
contact_profiles as (
    select
        contacts.sector,
        contacts.year,
        contacts.treating_hf_code,
        contacts.person_id,
        cast(power(2, contacts.event_month - 1) as {{ dbt.type_int() }}) as month_bit,
        {% for code_field, column in code_columns -%}
            coalesce(code_{{ loop.index }}.code_bit, 0){% if not loop.last %} | {% endif %}
        {%- endfor %} as code_profile
    from {{ ref('int_rbf__npr_contacts') }} as contacts
    inner join data_years
        on contacts.year = data_years.data_year
    {%- for code_field, column in code_columns %}
        left join used_codes as code_{{ loop.index }}
            on
                code_{{ loop.index }}.code_field = '{{ code_field }}'
                and contacts.{{ column }} = code_{{ loop.index }}.code
    {%- endfor %}
    where {{ year_rebuild_filter(plan, 'contacts.year') }}
),

-- The contacts in two groupings from one read: per HF, profile and month (the contact
-- counts: is_patient_row 0, person_id null) and per HF, profile and person (the patients:
-- is_patient_row 1, months = the months of the person's contacts, month_bit null; the
-- contacts without a person id form one group, person_id null, that is no patient).
contact_groups as (
    select
        sector,
        year,
        treating_hf_code,
        code_profile,
        person_id,
        month_bit,
        grouping(month_bit) as is_patient_row,
        bit_or(month_bit) as months,
        count(*) as n_contacts
    from contact_profiles
    -- sqlfluff's DuckDB dialect does not parse grouping sets (DuckDB, PostgreSQL, Spark do)
    group by grouping sets ((sector, year, treating_hf_code, code_profile, month_bit), (sector, year, treating_hf_code, code_profile, person_id))  -- noqa: PRS, LT05
),

-- The code bits of each indicator's numerator and denominator codes.
indicator_masks as (
    select
        indicator_codes.rbf_year,
        indicator_codes.indicator_id,
        bit_or(
            case when indicator_codes.applies_to = 'numerator' then used_codes.code_bit else 0 end
        ) as numerator_mask,
        bit_or(
            case when indicator_codes.applies_to = 'denominator' then used_codes.code_bit else 0 end
        ) as denominator_mask
    from indicator_codes
    inner join used_codes
        on
            indicator_codes.code_field = used_codes.code_field
            and indicator_codes.code = used_codes.code
    group by
        indicator_codes.rbf_year,
        indicator_codes.indicator_id
),

profiles as (
    select distinct code_profile
    from contact_groups
    where code_profile <> 0
),

-- The profiles carrying an indicator's codes, per indicator of a data year: in the numerator
-- (one of its numerator codes and, when restricted, one of its denominator codes: the
-- numerator is part of the denominator) and in a restricted denominator.
profile_matches as (
    select
        npr_scopes.rbf_year,
        npr_scopes.indicator_id,
        npr_scopes.counting_unit,
        npr_scopes.sector,
        npr_scopes.data_year,
        npr_scopes.is_restricted,
        profiles.code_profile,
        case when npr_scopes.counting_unit = 'patients' then 1 else 0 end as is_patient_row,
        (profiles.code_profile & indicator_masks.numerator_mask) <> 0
        and (
            not npr_scopes.is_restricted
            or (profiles.code_profile & indicator_masks.denominator_mask) <> 0
        ) as is_numerator,
        (profiles.code_profile & indicator_masks.denominator_mask) <> 0 as is_denominator
    from npr_scopes
    inner join indicator_masks
        on
            npr_scopes.rbf_year = indicator_masks.rbf_year
            and npr_scopes.indicator_id = indicator_masks.indicator_id
    cross join profiles
    where
        (
            profiles.code_profile
            & (indicator_masks.numerator_mask | indicator_masks.denominator_mask)
        ) <> 0
),

-- Per counted unit: a month of an HF (counting unit `contacts`: its matching contacts) or a
-- patient within the HF (`patients`): the months it is in the numerator, and in the
-- denominator of an indicator whose denominator is restricted by codes.
match_entities as (
    select
        profile_matches.rbf_year,
        profile_matches.indicator_id,
        profile_matches.counting_unit,
        profile_matches.is_restricted,
        contact_groups.year,
        contact_groups.treating_hf_code,
        bit_or(case when profile_matches.is_numerator then contact_groups.months else 0 end)
            as numerator_months,
        bit_or(case when profile_matches.is_denominator then contact_groups.months else 0 end)
            as denominator_months,
        sum(case when profile_matches.is_numerator then contact_groups.n_contacts else 0 end)
            as numerator_contacts,
        sum(case when profile_matches.is_denominator then contact_groups.n_contacts else 0 end)
            as denominator_contacts
    from contact_groups
    inner join profile_matches
        on
            contact_groups.code_profile = profile_matches.code_profile
            and contact_groups.is_patient_row = profile_matches.is_patient_row
            and contact_groups.year = profile_matches.data_year
            and {{ rbf_sector_matches('profile_matches.sector', 'contact_groups.sector') }}
    where contact_groups.is_patient_row = 0 or contact_groups.person_id is not null
    group by
        profile_matches.rbf_year,
        profile_matches.indicator_id,
        profile_matches.counting_unit,
        profile_matches.is_restricted,
        contact_groups.year,
        contact_groups.treating_hf_code,
        contact_groups.person_id,
        contact_groups.month_bit
),

-- Denominators of the unrestricted indicators: every contact, or every patient, of the
-- sector; per scope (counting unit, sector, year), not per indicator.
denominator_scopes as (
    select distinct
        counting_unit,
        sector,
        data_year,
        case when counting_unit = 'patients' then 1 else 0 end as is_patient_row
    from npr_scopes
    where not is_restricted
),

scope_entities as (
    select
        denominator_scopes.counting_unit,
        denominator_scopes.sector,
        contact_groups.year,
        contact_groups.treating_hf_code,
        bit_or(contact_groups.months) as months,
        sum(contact_groups.n_contacts) as n_contacts
    from denominator_scopes
    inner join contact_groups
        on
            denominator_scopes.data_year = contact_groups.year
            and denominator_scopes.is_patient_row = contact_groups.is_patient_row
            and {{ rbf_sector_matches('denominator_scopes.sector', 'contact_groups.sector') }}
    where contact_groups.is_patient_row = 0 or contact_groups.person_id is not null
    group by
        denominator_scopes.counting_unit,
        denominator_scopes.sector,
        contact_groups.year,
        contact_groups.treating_hf_code,
        contact_groups.person_id,
        contact_groups.month_bit
),

-- How many counted contacts or patients share the same months, per part of the fraction.
month_counts as (
    select
        rbf_year,
        indicator_id,
        year,
        treating_hf_code,
        'numerator' as part,
        numerator_months as months,
        sum(case when counting_unit = 'contacts' then numerator_contacts else 1 end) as n_counted
    from match_entities
    where numerator_months <> 0
    group by
        rbf_year,
        indicator_id,
        year,
        treating_hf_code,
        numerator_months
    union all
    select
        rbf_year,
        indicator_id,
        year,
        treating_hf_code,
        'denominator' as part,
        denominator_months as months,
        sum(case when counting_unit = 'contacts' then denominator_contacts else 1 end)
            as n_counted
    from match_entities
    where is_restricted and denominator_months <> 0
    group by
        rbf_year,
        indicator_id,
        year,
        treating_hf_code,
        denominator_months
    union all
    select
        npr_scopes.rbf_year,
        npr_scopes.indicator_id,
        scope_entities.year,
        scope_entities.treating_hf_code,
        'denominator' as part,
        scope_entities.months,
        case
            when scope_entities.counting_unit = 'contacts' then sum(scope_entities.n_contacts)
            else count(*)
        end as n_counted
    from scope_entities
    inner join npr_scopes
        on
            scope_entities.counting_unit = npr_scopes.counting_unit
            and scope_entities.sector = npr_scopes.sector
            and scope_entities.year = npr_scopes.data_year
    where not npr_scopes.is_restricted
    group by
        npr_scopes.rbf_year,
        npr_scopes.indicator_id,
        scope_entities.counting_unit,
        scope_entities.year,
        scope_entities.treating_hf_code,
        scope_entities.months
),

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

{{ year_rebuild_select('indicator_units', [
    'rbf_year', 'calculation', 'indicator_id', 'data_year', 'period', 'treating_hf_code',
    'treating_rhf_code', 'hf_area_code', 'numerator', 'denominator',
], 'data_year') }}
