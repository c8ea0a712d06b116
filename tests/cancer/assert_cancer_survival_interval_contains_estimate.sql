-- The registry's 95% interval contains its estimate in every published row
-- (lower <= relative survival <= upper), and a published estimate has its interval.
select
    publication_year,
    area_level,
    area_code,
    cancer_site,
    relative_survival_lower_pct,
    relative_survival_pct,
    relative_survival_upper_pct
from {{ ref('fct_cancer_survival') }}
where
    relative_survival_pct is not null
    and (
        relative_survival_lower_pct is null
        or relative_survival_upper_pct is null
        or relative_survival_lower_pct > relative_survival_pct
        or relative_survival_pct > relative_survival_upper_pct
    )
