-- The municipality/district population must add up to the national population per year and
-- sex. SSB's figures in 2024 borders differ by a few tens of people in 2019-2023 (regional
-- figures recomputed to new borders); more than 0.01 % means rows are lost or doubled.
with residence_totals as (
    select
        year_jan1,
        sex,
        sum(population) as population
    from {{ ref('int_population') }}
    group by year_jan1, sex
),

national_totals as (
    select
        year_jan1,
        sex,
        sum(population) as population
    from {{ ref('ref_population_norway') }}
    group by year_jan1, sex
)

select
    residence_totals.year_jan1,
    residence_totals.sex,
    residence_totals.population as residence_population,
    national_totals.population as national_population
from residence_totals
left join national_totals
    on
        residence_totals.year_jan1 = national_totals.year_jan1
        and residence_totals.sex = national_totals.sex
where
    national_totals.population is null
    or abs(residence_totals.population - national_totals.population)
    > 0.0001 * national_totals.population
