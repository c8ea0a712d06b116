{#
    normalise_code(expression): a registry code as the code lists write it: upper case, no dots,
    no blanks; NULL when nothing is left. `k35.8`, `K35 8` and `k358` all become `K358`;
    `nor.05808|NPU 01366` becomes `NOR05808|NPU01366` (a '|'-joined list keeps its
    separators). Used for every code column of every source (ICD-10, NCSP/NCMP/NCRP, NLK, DRG,
    STG), so that a code matches the seeds ref_icd10_codes, ref_procedure_codes and
    ref_nlk_lab_codes, which store codes the same way.
#}
{% macro normalise_code(expression) -%}
    nullif(upper(replace(replace({{ expression }}, '.', ''), ' ', '')), '')
{%- endmacro %}

{#
    trimmed_text(expression): a text field with surrounding blanks removed, NULL when empty.
    For identifiers and value codes that are not normalised further (organisation numbers,
    specialty, care level ...).
#}
{% macro trimmed_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}
