{{ helfo_invoice_codes(
    ref('base_helfo__imaging_invoices'), 'procedure_codes', 'procedure_code',
    ref('ref_procedure_codes'), 'procedure_code'
) }}
