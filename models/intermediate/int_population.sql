{#
    The reference population, one row per year (1 January), residence unit, sex and
    single-year age 0-105 (105: 105 or older): ref_population's lists (population_by_age)
    split into rows, the age being the place in the list less one. A table: the rate engine,
    the municipal marts and the population tests read it.
#}
with population_lists as (
    select
        year_jan1,
        municipality_code,
        district_code,
        sex,
        population_by_age
    from {{ ref('ref_population') }}
),

ages as (
    {{ split_to_rows(
        'population_lists',
        ['year_jan1', 'municipality_code', 'district_code', 'sex'],
        'population_by_age', '|', 'population_text', 'age_position'
    ) }}
)

select
    year_jan1,
    municipality_code,
    district_code,
    sex,
    cast(age_position - 1 as {{ dbt.type_int() }}) as age,
    cast(population_text as {{ dbt.type_int() }}) as population
from ages
