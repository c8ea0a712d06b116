{{ helfo_invoice_base(
    'helfo_imaging', 'tilbydertype', 'undersokelsesdato', 'prosedyrekoder', 'procedure_codes',
    ref('base_helfo__imaging_repeated_ids')
) }}
