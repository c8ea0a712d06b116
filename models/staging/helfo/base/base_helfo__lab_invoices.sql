{{ helfo_invoice_base('helfo_lab', ref('base_helfo__lab_repeated_ids')) }}
