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
    per indicator and calculation): the contacts carrying an indicator's codes are matched
    once per indicator of their data year; every counted contact or patient carries the
    months it counts in as a bit mask (bit m - 1 = month m; a patient's mask is the OR of its
    contacts'), those sharing a mask are counted together, and a calculation's period is a
    mask too: its count is the sum over the masks that meet the period's. The unrestricted
    denominators (all contacts or patients of a sector) are counted once per counting unit,
    sector and year, not per indicator. The HF's RHF and HF area are joined last.
    RHF and Norway figures are sums over the units (fct_rbf_indicators): "alle unike i et HF
    i RHF-et skal inkluderes", a patient treated by two HFs counts in both.
#}
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
with calculations as (
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
    where is_calculable
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

contacts as (
    select
        contact_id,
        sector,
        person_id,
        year,
        cast(power(2, event_month - 1) as {{ dbt.type_int() }}) as month_bit,
        treating_hf_code,
        stg_code,
        contact_form_code,
        drg_service_type,
        procedure_code_1,
        procedure_code_2,
        procedure_code_3,
        procedure_code_4,
        procedure_code_5
    from {{ ref('int_rbf__npr_contacts') }}
),

used_codes as (
    select distinct
        code_field,
        code
    from indicator_codes
),

-- The codes of each contact in long form (column name, code), only codes an indicator uses.
contact_codes as (
    select
        contact_codes_long.contact_id,
        contact_codes_long.sector,
        contact_codes_long.person_id,
        contact_codes_long.year,
        contact_codes_long.month_bit,
        contact_codes_long.treating_hf_code,
        contact_codes_long.code_field,
        contact_codes_long.code
    from (
        {%- for code_field, column in code_columns %}
            select
                contact_id,
                sector,
                person_id,
                year,
                month_bit,
                treating_hf_code,
                '{{ code_field }}' as code_field,
                {{ column }} as code
            from contacts
            where {{ column }} is not null
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ) as contact_codes_long
    inner join used_codes
        on
            contact_codes_long.code_field = used_codes.code_field
            and contact_codes_long.code = used_codes.code
),

-- Only the contacts carrying an indicator's codes, once per indicator of their data year.
contact_matches as (
    select
        npr_scopes.rbf_year,
        npr_scopes.indicator_id,
        npr_scopes.counting_unit,
        npr_scopes.is_restricted,
        contact_codes.contact_id,
        contact_codes.person_id,
        contact_codes.year,
        contact_codes.month_bit,
        contact_codes.treating_hf_code,
        max(case when indicator_codes.applies_to = 'numerator' then 1 else 0 end)
            as is_numerator_match,
        max(case when indicator_codes.applies_to = 'denominator' then 1 else 0 end)
            as is_denominator_match
    from contact_codes
    inner join npr_scopes
        on
            contact_codes.year = npr_scopes.data_year
            and {{ rbf_sector_matches('npr_scopes.sector', 'contact_codes.sector') }}
    inner join indicator_codes
        on
            npr_scopes.rbf_year = indicator_codes.rbf_year
            and npr_scopes.indicator_id = indicator_codes.indicator_id
            and contact_codes.code_field = indicator_codes.code_field
            and contact_codes.code = indicator_codes.code
    group by
        npr_scopes.rbf_year,
        npr_scopes.indicator_id,
        npr_scopes.counting_unit,
        npr_scopes.is_restricted,
        contact_codes.contact_id,
        contact_codes.person_id,
        contact_codes.year,
        contact_codes.month_bit,
        contact_codes.treating_hf_code
),

-- Per counted contact (counting unit `contacts`) or patient within the HF (`patients`;
-- contacts without a person id are no patient): the months it is in the numerator, and in
-- the denominator of an indicator whose denominator is restricted by codes.
match_entities as (
    select
        rbf_year,
        indicator_id,
        year,
        treating_hf_code,
        is_restricted,
        bit_or(
            case
                when is_numerator_match = 1 and (not is_restricted or is_denominator_match = 1)
                    then month_bit
                else 0
            end
        ) as numerator_months,
        bit_or(case when is_denominator_match = 1 then month_bit else 0 end)
            as denominator_months
    from contact_matches
    where counting_unit = 'contacts' or person_id is not null
    group by
        rbf_year,
        indicator_id,
        year,
        treating_hf_code,
        is_restricted,
        case when counting_unit = 'contacts' then contact_id end,
        case when counting_unit = 'patients' then person_id end
),

-- Denominators of the unrestricted indicators: every contact, or every patient, of the
-- sector; per scope (counting unit, sector, year), not per indicator. Contacts count per
-- month; a patient carries the months of its contacts.
denominator_scopes as (
    select distinct
        counting_unit,
        sector,
        data_year
    from npr_scopes
    where not is_restricted
),

scope_entities as (
    select
        denominator_scopes.counting_unit,
        denominator_scopes.sector,
        contacts.year,
        contacts.treating_hf_code,
        bit_or(contacts.month_bit) as months,
        count(*) as n_contacts
    from denominator_scopes
    inner join contacts
        on
            denominator_scopes.data_year = contacts.year
            and {{ rbf_sector_matches('denominator_scopes.sector', 'contacts.sector') }}
    where denominator_scopes.counting_unit = 'contacts' or contacts.person_id is not null
    group by
        denominator_scopes.counting_unit,
        denominator_scopes.sector,
        contacts.year,
        contacts.treating_hf_code,
        case when denominator_scopes.counting_unit = 'patients' then contacts.person_id end,
        case when denominator_scopes.counting_unit = 'contacts' then contacts.month_bit end
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
        count(*) as n_counted
    from match_entities
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
        count(*) as n_counted
    from match_entities
    where is_restricted
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
)

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
