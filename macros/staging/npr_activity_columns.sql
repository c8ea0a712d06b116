{#- The six NPR activity extracts, as the suffix of their models (stg_npr__<table>). -#}
{% macro npr_activity_tables() -%}
    {{ return(['som', 'avtalesom', 'phv', 'avtalephv', 'phbu', 'tsb']) }}
{%- endmacro %}

{#- The columns of stg_npr__<table>, in order (documented in _npr__models.yml). -#}
{% macro npr_activity_columns() -%}
    {{ return([
        'contact_id', 'source', 'person_id', 'sex', 'birth_year', 'age',
        'municipality_code', 'district_code', 'is_unknown_residence',
        'municipality_code_reported', 'district_code_reported', 'provider_id',
        'care_level_code', 'care_type', 'urgency_code', 'admission_date', 'discharge_date',
        'contact_year', 'main_diagnosis_code', 'secondary_diagnosis_code_1',
        'secondary_diagnosis_code_2', 'secondary_diagnosis_code_3', 'is_missing_main_diagnosis',
        'procedure_code_1', 'procedure_code_2', 'procedure_code_3', 'procedure_code_4',
        'procedure_code_5', 'specialty_code',
        'drg_code', 'drg_type', 'isf_points', 'is_isf_counting', 'drg_service_type',
        'activity_category', 'contact_form_code', 'stg_code', 'payer_code', 'source_file',
        'source_line', 'delivery_hash',
    ]) }}
{%- endmacro %}
