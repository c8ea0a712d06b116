-- Invariants of fct_area_variation that hold whatever the data (SPEC section 11):
-- - a statistic exists only when enough published rates carry it (EQ and CVs k >= 2, EQ2
--   k >= 4, EQ3 k >= 6): below that an extremal quotient would come close to showing a
--   single area, and a suppressed area must never be recoverable;
-- - n_areas_with_rate <= n_areas; min <= mean <= max;
-- - EQ = max / min, and EQ >= EQ2 >= EQ3 >= 1 (max >= 2nd >= 3rd highest and
--   min <= 2nd <= 3rd lowest).
-- Returns the rows that break one, with the reason.
with variation as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        n_areas,
        n_areas_with_rate,
        min_std_rate,
        max_std_rate,
        mean_std_rate,
        extremal_quotient,
        extremal_quotient_2,
        extremal_quotient_3,
        coefficient_of_variation,
        weighted_coefficient_of_variation
    from {{ ref('fct_area_variation') }}
),

checks as (
    select
        *,
        case
            when n_areas_with_rate > n_areas then 'more areas with a rate than areas'
            when extremal_quotient is not null and n_areas_with_rate < 2 then 'EQ from k < 2'
            when extremal_quotient_2 is not null and n_areas_with_rate < 4 then 'EQ2 from k < 4'
            when extremal_quotient_3 is not null and n_areas_with_rate < 6 then 'EQ3 from k < 6'
            when coefficient_of_variation is not null and n_areas_with_rate < 2
                then 'CV from k < 2'
            when weighted_coefficient_of_variation is not null and n_areas_with_rate < 2
                then 'weighted CV from k < 2'
            when min_std_rate > mean_std_rate + 1e-6 or mean_std_rate > max_std_rate + 1e-6
                then 'mean outside min-max'
            when
                extremal_quotient is not null
                and abs(extremal_quotient * min_std_rate - max_std_rate)
                > 1e-6 * max_std_rate
                then 'EQ is not max / min'
            when extremal_quotient < extremal_quotient_2 - 1e-6 then 'EQ < EQ2'
            when extremal_quotient_2 < extremal_quotient_3 - 1e-6 then 'EQ2 < EQ3'
            when extremal_quotient_3 < 1 - 1e-6 then 'EQ3 < 1'
        end as failure
    from variation
)

select *
from checks
where failure is not null
