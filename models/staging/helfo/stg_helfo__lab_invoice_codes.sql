{{ helfo_invoice_codes(
    ref('base_helfo__lab_invoices'), 'lab_codes', 'lab_code',
    ref('ref_nlk_lab_codes'), 'lab_code'
) }}
