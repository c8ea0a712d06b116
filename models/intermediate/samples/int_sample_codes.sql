{#
    The code rules of every sample (int_samples): the codebook's rules (ref_sample_codes) and,
    for each ranked procedure branch, one `include` row on code_field `procedure` per row of
    ref_procedure_branch_codes (match exact / prefix as there). The membership
    (macros/samples/sample_membership.sql) reads this model.
#}
with codebook_codes as (
    select
        sample_id,
        rule,
        code_field,
        match,
        code,
        note
    from {{ ref('ref_sample_codes') }}
),

branch_samples as (
    select branch_id
    from {{ ref('int_procedure_branch_rankings') }}
    where
        volume_rank <= {{ procedure_ranking_size() }}
        or cost_rank <= {{ procedure_ranking_size() }}
),

branch_codes as (
    select
        {{ procedure_sample_id('branch_codes.branch_id') }} as sample_id,
        'include' as rule,  -- noqa: RF04
        'procedure' as code_field,
        branch_codes.match,
        branch_codes.code,
        branch_codes.note
    from {{ ref('ref_procedure_branch_codes') }} as branch_codes
    inner join branch_samples
        on branch_codes.branch_id = branch_samples.branch_id
)

select * from codebook_codes
union all
select * from branch_codes
