select
    referral_year,
    hf_area_code,
    hf_area_name,
    specialty_or_sector_code,
    age_group,
    new_referrals,
    mean_waiting_days,
    median_waiting_days,
    source,
    source_file,
    source_line,
    delivery_hash
from {{ ref('base_fhi__waiting_lists') }}
where outcome = 'staged'
