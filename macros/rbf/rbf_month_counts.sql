{#
    The counts of int_rbf__indicator_units' NPR indicators (models/intermediate/rbf; the
    method in its header), CTEs for its `with`: rbf_month_counts() renders indicator_masks ..
    month_counts. The code profiles matched to each indicator's numerator and (restricted)
    denominator codes, the unrestricted denominators per counting unit, sector and year, and
    per indicator, HF and part of the fraction how many contacts or patients share the same
    months. Reads the CTEs npr_scopes, indicator_codes, used_codes and contact_groups
    (macros/rbf/rbf_contact_groups.sql).
#}
{% macro rbf_month_counts() -%}
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
)
{%- endmacro %}
