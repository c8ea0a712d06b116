{#
    Public mart: frail elderly per 1,000 inhabitants aged 75+ (seed 001 "Skrøpelige eldre -
    per 1000 innbygger over 75 år"): int_municipal__frail_elderly as computed and suppressed
    there (the method in its header), published unchanged.
#}
select
    year,
    area_level,
    area_code,
    area_name,
    parent_area_code,
    municipality_code,
    functional_level_group,
    population,
    is_suppressed,
    suppression_reason,
    functional_level_group_name_nb,
    functional_level_group_name_en,
    frail_persons,
    crude_rate,
    std_rate,
    std_rate_lower,
    std_rate_upper
from {{ ref('int_municipal__frail_elderly') }}
