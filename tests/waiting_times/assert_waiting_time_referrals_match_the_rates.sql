-- fct_waiting_times and fct_utilisation_rates publish the same new referrals, rate and
-- suppression for every referral sample, year and area (one rate engine), and every
-- Norway cell with referrals has mean and median waiting days.
with waiting_times as (
    select * from {{ ref('fct_waiting_times') }}
),

rates as (
    select
        sample_id,
        year,
        area_level,
        area_code,
        events,
        std_rate,
        is_suppressed
    from {{ ref('fct_utilisation_rates') }}
    where measure = 'referrals' and period = 'year'
)

select
    waiting_times.sample_id,
    waiting_times.year,
    waiting_times.area_level,
    waiting_times.area_code
from waiting_times
left join rates
    on
        waiting_times.sample_id = rates.sample_id
        and waiting_times.year = rates.year
        and waiting_times.area_level = rates.area_level
        and waiting_times.area_code = rates.area_code
where
    rates.sample_id is null
    or coalesce(waiting_times.new_referrals, -1) <> coalesce(rates.events, -1)
    or coalesce(waiting_times.referral_rate, -1) <> coalesce(rates.std_rate, -1)
    or waiting_times.is_suppressed <> rates.is_suppressed
    or (
        waiting_times.area_level = 'norway'
        and waiting_times.new_referrals > 0
        and (
            waiting_times.mean_waiting_days is null
            or waiting_times.median_waiting_days is null
        )
    )
