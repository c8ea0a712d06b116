select
    discharge_year,
    treating_hf_code,
    treating_hf_name,
    sector,
    summaries_within_1_day,
    discharges,
    source,
    source_file,
    source_line,
    delivery_hash
from {{ ref('base_nki__discharge_summaries') }}
where outcome = 'staged'
