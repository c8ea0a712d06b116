{{ npr_activity_base('npr_phv') }}
