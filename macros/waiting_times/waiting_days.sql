{#
    The waiting days of fct_waiting_times (models/marts/waiting_times; the method in its
    header), CTEs for its `with`: waiting_days_per_area() renders member_rows .. `medians`
    (sample_id, year, area_level, area_code, median_waiting_days: the referral-weighted median
    of FHI's row medians) and `means` (the same keys, mean_waiting_days: the mean of FHI's row
    means weighted by the rows' new referrals), over the member rows of each referral sample
    (int_fhi__referral_samples) with new referrals, for Norway, RHF and HF areas.
#}
{% macro waiting_days_per_area() -%}
member_rows as (
    select
        membership.sample_id,
        referrals.year,
        referrals.rhf_code,
        referrals.hf_code,
        referrals.new_referrals,
        referrals.mean_waiting_days,
        referrals.median_waiting_days,
        -- FHI's data has no hospital areas
        cast(null as {{ dbt.type_string() }}) as hospital_code
    from {{ ref('int_fhi__referral_samples') }} as membership
    inner join {{ ref('int_fhi__referrals') }} as referrals
        on membership.referral_row_id = referrals.referral_row_id
    where referrals.new_referrals > 0
),

area_levels as (
    select 'norway' as area_level
    union all
    select 'rhf' as area_level
    union all
    select 'hf' as area_level
),

area_rows as (
    select
        member_rows.sample_id,
        member_rows.year,
        area_levels.area_level,
        member_rows.new_referrals,
        member_rows.mean_waiting_days,
        member_rows.median_waiting_days,
        {{ area_code_of_level('area_levels.area_level', 'member_rows') }} as area_code
    from member_rows
    cross join area_levels
),

cumulated as (
    select
        sample_id,
        year,
        area_level,
        area_code,
        new_referrals,
        median_waiting_days,
        sum(new_referrals) over (
            partition by sample_id, year, area_level, area_code
            order by median_waiting_days
            rows between unbounded preceding and current row
        ) as cumulative_referrals,
        sum(new_referrals) over (
            partition by sample_id, year, area_level, area_code
        ) as total_referrals
    from area_rows
    where area_code is not null and median_waiting_days is not null
),

medians as (
    select
        sample_id,
        year,
        area_level,
        area_code,
        cast(min(median_waiting_days) as {{ type_double() }}) as median_waiting_days
    from cumulated
    where 2 * cumulative_referrals >= total_referrals
    group by sample_id, year, area_level, area_code
),

means as (
    select
        sample_id,
        year,
        area_level,
        area_code,
        -- summed as exact decimals, then divided: a sum of doubles depends on the order of
        -- its terms, and a mean at a half (73.65) then rounds either way (issue 9, determinism)
        cast(sum(new_referrals * mean_waiting_days) as {{ type_double() }})
        / sum(new_referrals) as mean_waiting_days
    from area_rows
    where area_code is not null and mean_waiting_days is not null
    group by sample_id, year, area_level, area_code
)
{%- endmacro %}
