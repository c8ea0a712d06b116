{{ quarantine_union([ref('base_kreftregisteret__cancer_survival')]) }}
