{{ helfo_invoice_base('helfo_imaging', ref('base_helfo__imaging_repeated_ids')) }}
