select
    contact_id,
    source,
    person_id,
    sex,
    birth_year,
    age,
    municipality_code,
    district_code,
    is_unknown_residence,
    municipality_code_reported,
    district_code_reported,
    contact_date,
    contact_year,
    tertial,
    contact_type,
    main_diagnosis_code,
    is_missing_main_diagnosis,
    has_unknown_diagnosis_code,
    source_file,
    source_line,
    delivery_hash
from {{ ref('base_kpr__contacts') }}
where outcome = 'staged'
