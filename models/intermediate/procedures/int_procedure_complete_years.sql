{#
    The complete years of the procedure rankings' sources (procedure_ranking_sources():
    NPR-SOM and NPR-AvtaleSOM): the years in which every one of them delivered all twelve
    months, numbered from the newest (complete_year_rank 1 = the newest complete year). The
    rankings take volume from rank 1, cost contacts from ranks 1-2 and the median ISF points
    from ranks 1-5 (procedure_ranking_years()), so they change only when a new year is complete
    (seed 000: "changes ... can only occur during annual updates").
#}
{%- set sources = procedure_ranking_sources() %}
with source_years as (
    select
        source,
        year,
        count(distinct event_month) as n_months
    from {{ ref('int_npr__contacts') }}
    where source in {{ procedure_ranking_source_list() }}
    group by source, year
),

complete_years as (
    select year
    from source_years
    where n_months = 12
    group by year
    having count(*) = {{ sources | length }}
)

select
    year,
    row_number() over (order by year desc) as complete_year_rank
from complete_years
