{{ quarantine_union([
    ref('base_kpr__contacts'),
    ref('base_kpr__iplos_services'),
]) }}
