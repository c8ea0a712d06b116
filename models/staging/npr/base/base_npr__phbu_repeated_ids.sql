{{ repeated_record_ids('npr_phbu') }}
