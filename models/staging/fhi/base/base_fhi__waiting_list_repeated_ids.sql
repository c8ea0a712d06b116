{{ repeated_record_ids('fhi_waiting_lists') }}
