-- No code of the code list (ref_procedure_codes) belongs to two procedure branches
-- (ref_procedure_branch_codes), and every branch code row matches at least one listed code:
-- a typo in a prefix would silently empty a branch. Returns one row per problem.
with branch_codes as (
    select
        branch_id,
        match,
        code
    from {{ ref('ref_procedure_branch_codes') }}
),

listed_codes as (
    select procedure_code
    from {{ ref('ref_procedure_codes') }}
),

code_branches as (
    select
        listed_codes.procedure_code,
        branch_codes.branch_id,
        branch_codes.match,
        branch_codes.code
    from listed_codes
    inner join branch_codes
        on
            (branch_codes.match = 'exact' and listed_codes.procedure_code = branch_codes.code)
            or (
                branch_codes.match = 'prefix'
                and substring(listed_codes.procedure_code, 1, length(branch_codes.code))
                = branch_codes.code
            )
)

select
    procedure_code as item,
    'code in ' || cast(count(distinct branch_id) as {{ dbt.type_string() }})
    || ' branches' as problem
from code_branches
group by procedure_code
having count(distinct branch_id) > 1
union all
select
    branch_codes.branch_id || ':' || branch_codes.code as item,
    'branch code matches no listed code' as problem
from branch_codes
left join code_branches
    on
        branch_codes.branch_id = code_branches.branch_id
        and branch_codes.match = code_branches.match
        and branch_codes.code = code_branches.code
where code_branches.procedure_code is null
