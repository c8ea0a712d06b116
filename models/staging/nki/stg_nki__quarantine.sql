{{ quarantine_union([ref('base_nki__discharge_summaries')]) }}
