select
    referral_id,
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
    provider_id,
    received_date,
    assessed_date,
    received_year,
    assessment_outcome,
    specialty_code,
    source_file,
    source_line,
    delivery_hash
from {{ ref('base_npr__phbu_referrals') }}
where outcome = 'staged'
