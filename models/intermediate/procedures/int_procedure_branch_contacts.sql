{#
    The procedure branches (ref_procedure_branches) of the contacts of the newest
    procedure_ranking_years().cost (2) complete years: one row per contact and branch it has at
    least one code of (ref_procedure_branch_codes: `exact` = the whole code, `prefix` = the
    code starts with it). A contact with codes of two branches is in both; two codes of one
    branch make one row. The code-to-branch matching runs once per distinct code value.
    Person-level (contact ids).
#}
with contact_codes as (
    select
        contact_id,
        year,
        complete_year_rank,
        procedure_code
    from {{ ref('int_procedure_contact_codes') }}
    where complete_year_rank <= {{ procedure_ranking_years().cost }}
),

branch_codes as (
    select
        branch_id,
        match,
        code
    from {{ ref('ref_procedure_branch_codes') }}
),

code_values as (
    select distinct procedure_code
    from contact_codes
),

code_branches as (
    select distinct
        code_values.procedure_code,
        branch_codes.branch_id
    from code_values
    inner join branch_codes
        on
            (branch_codes.match = 'exact' and code_values.procedure_code = branch_codes.code)
            or (
                branch_codes.match = 'prefix'
                and substring(code_values.procedure_code, 1, length(branch_codes.code))
                = branch_codes.code
            )
)

select distinct
    contact_codes.contact_id,
    contact_codes.year,
    contact_codes.complete_year_rank,
    code_branches.branch_id
from contact_codes
inner join code_branches
    on contact_codes.procedure_code = code_branches.procedure_code
