select
    iplos_id,
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
    service_year,
    service_code,
    functional_level,
    decision_start,
    decision_end,
    source_file,
    source_line,
    delivery_hash
from {{ ref('base_kpr__iplos_services') }}
where outcome = 'staged'
