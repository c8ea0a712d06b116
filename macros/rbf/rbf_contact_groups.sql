{#
    The NPR contacts of int_rbf__indicator_units (models/intermediate/rbf; the method in its
    header) read once, CTEs for its `with`: rbf_contact_groups(plan) renders used_codes,
    contact_profiles and contact_groups. Every indicator code as a bit; every contact of the
    data years read (the model's CTE data_years; `plan` its year_rebuild_plan) with its month
    bit and code profile; the contacts grouped per HF, profile and month (contact counts) and
    per HF, profile and person (patients, with the months of their contacts as a mask).
    Reads the model's CTEs indicator_codes and data_years.
#}
{% macro rbf_contact_groups(plan) -%}
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
    {%- set profile_bits = [] %}
    {%- for code_field, column in code_columns %}
        {%- do profile_bits.append('coalesce(code_' ~ loop.index ~ '.code_bit, 0)') %}
    {%- endfor %}
    -- Every code an indicator uses, numbered 1, 2, 3 ... as a bit (bit n - 1) of a code profile
    -- (bigint: up to 63 codes, tests/rbf/assert_rbf_indicator_codes_fit_a_code_profile.sql).
    used_codes as (
        select
            code_field,
            code,
            cast(
                power(2, row_number() over (order by code_field, code) - 1)
                as {{ dbt.type_bigint() }}
            ) as code_bit
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
            {{ profile_bits | join(' | ') }} as code_profile
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
    )
{%- endmacro %}
