{{ repeated_record_ids('nki_discharge_summaries') }}
