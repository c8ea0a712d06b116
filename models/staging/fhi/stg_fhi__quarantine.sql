{{ quarantine_union([ref('base_fhi__waiting_lists')]) }}
