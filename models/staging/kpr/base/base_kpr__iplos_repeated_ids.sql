{{ repeated_record_ids('iplos_services') }}
