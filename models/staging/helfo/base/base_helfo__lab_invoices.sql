{{ helfo_invoice_base(
    'helfo_lab', 'laboratorietype', 'provedato', 'analysekoder', 'lab_codes',
    ref('base_helfo__lab_repeated_ids')
) }}
