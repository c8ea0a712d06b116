{{ npr_activity_base('npr_tsb') }}
