{{ helfo_invoice_base('helfo_lab', 'laboratorietype', 'provedato', 'analysekoder', 'lab_codes') }}
