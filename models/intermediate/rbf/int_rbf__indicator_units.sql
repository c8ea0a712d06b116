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
        last_month
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

contacts as (
    select
        contact_id,
        sector,
        person_id,
        year,
        event_month,
        treating_hf_code,
        treating_rhf_code,
        hf_area_code,
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
    select distinct
        contact_codes_long.contact_id,
        contact_codes_long.code_field,
        contact_codes_long.code
    from (
        {%- for code_field, column in code_columns %}
            select
                contact_id,
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

-- The contacts of each NPR indicator calculation: sector, data year and period.
scoped as (
    select
        calculations.rbf_year,
        calculations.calculation,
        calculations.indicator_id,
        calculations.counting_unit,
        calculations.data_year,
        calculations.period,
        contacts.contact_id,
        contacts.person_id,
        contacts.treating_hf_code,
        contacts.treating_rhf_code,
        contacts.hf_area_code
    from calculations
    inner join contacts
        on
            calculations.data_year = contacts.year
            and contacts.event_month between calculations.first_month and calculations.last_month
            and {{ rbf_sector_matches('calculations.sector', 'contacts.sector') }}
    where calculations.data_source = 'npr'
),

code_matches as (
    select
        scoped.rbf_year,
        scoped.calculation,
        scoped.indicator_id,
        scoped.contact_id,
        max(case when indicator_codes.applies_to = 'numerator' then 1 else 0 end)
            as is_numerator_match,
        max(case when indicator_codes.applies_to = 'denominator' then 1 else 0 end)
            as is_denominator_match
    from scoped
    inner join contact_codes
        on scoped.contact_id = contact_codes.contact_id
    inner join indicator_codes
        on
            scoped.rbf_year = indicator_codes.rbf_year
            and scoped.indicator_id = indicator_codes.indicator_id
            and contact_codes.code_field = indicator_codes.code_field
            and contact_codes.code = indicator_codes.code
    group by
        scoped.rbf_year,
        scoped.calculation,
        scoped.indicator_id,
        scoped.contact_id
),

flagged as (
    select
        scoped.rbf_year,
        scoped.calculation,
        scoped.indicator_id,
        scoped.counting_unit,
        scoped.data_year,
        scoped.period,
        scoped.person_id,
        scoped.treating_hf_code,
        scoped.treating_rhf_code,
        scoped.hf_area_code,
        coalesce(code_matches.is_numerator_match, 0) as is_numerator_match
    from scoped
    left join code_matches
        on
            scoped.rbf_year = code_matches.rbf_year
            and scoped.calculation = code_matches.calculation
            and scoped.indicator_id = code_matches.indicator_id
            and scoped.contact_id = code_matches.contact_id
    left join restricted_indicators
        on
            scoped.rbf_year = restricted_indicators.rbf_year
            and scoped.indicator_id = restricted_indicators.indicator_id
    where
        restricted_indicators.indicator_id is null
        or code_matches.is_denominator_match = 1
),

npr_units as (
    select
        rbf_year,
        calculation,
        indicator_id,
        data_year,
        period,
        treating_hf_code,
        treating_rhf_code,
        hf_area_code,
        case
            when counting_unit = 'contacts' then sum(is_numerator_match)
            else count(distinct case when is_numerator_match = 1 then person_id end)
        end as numerator,
        case
            when counting_unit = 'contacts' then count(*)
            else count(distinct person_id)
        end as denominator
    from flagged
    group by
        rbf_year,
        calculation,
        indicator_id,
        counting_unit,
        data_year,
        period,
        treating_hf_code,
        treating_rhf_code,
        hf_area_code
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
        health_trusts.treating_rhf_code,
        health_trusts.hf_area_code,
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
        health_trusts.treating_hf_code,
        health_trusts.treating_rhf_code,
        health_trusts.hf_area_code
),

units as (
    select * from npr_units
    union all
    select * from nki_units
)

select
    rbf_year,
    calculation,
    indicator_id,
    data_year,
    period,
    treating_hf_code,
    treating_rhf_code,
    hf_area_code,
    cast(numerator as {{ dbt.type_bigint() }}) as numerator,
    cast(denominator as {{ dbt.type_bigint() }}) as denominator
from units
