{{ repeated_record_ids('helfo_lab') }}
