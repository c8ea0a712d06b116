select
    publication_year,
    diagnosis_year_from,
    diagnosis_year_to,
    area_level,
    area_code,
    area_name,
    cancer_site,
    n_patients,
    relative_survival_pct,
    relative_survival_lower_pct,
    relative_survival_upper_pct,
    source,
    source_file,
    source_line,
    delivery_hash
from {{ ref('base_kreftregisteret__cancer_survival') }}
where outcome = 'staged'
