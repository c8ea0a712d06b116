{{ repeated_record_ids('cancer_survival') }}
