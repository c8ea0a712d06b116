{#
    A main diagnosis must belong to at most one diagnosis group of seed 001
    (int_health_community__patients joins the prefixes of ref_phbu_diagnosis_group_codes):
    no prefix may start another one, within a group or across groups.
#}
with group_codes as (
    select
        diagnosis_group,
        code_prefix
    from {{ ref('ref_phbu_diagnosis_group_codes') }}
)

select
    shorter.diagnosis_group,
    shorter.code_prefix,
    longer.diagnosis_group as overlapping_group,
    longer.code_prefix as overlapping_prefix
from group_codes as shorter
inner join group_codes as longer
    on
        length(shorter.code_prefix) <= length(longer.code_prefix)
        and shorter.code_prefix = substr(longer.code_prefix, 1, length(shorter.code_prefix))
        and (
            shorter.code_prefix <> longer.code_prefix
            or shorter.diagnosis_group <> longer.diagnosis_group
        )
