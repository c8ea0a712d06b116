{{ repeated_record_ids('kpr_contacts') }}
