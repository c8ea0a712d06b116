{{ helfo_invoice_base(
    'helfo_imaging', 'tilbydertype', 'undersokelsesdato', 'prosedyrekoder', 'procedure_codes'
) }}
