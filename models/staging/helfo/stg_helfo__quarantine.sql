{{ quarantine_union([
    ref('base_helfo__lab_invoices'),
    ref('base_helfo__imaging_invoices'),
]) }}
