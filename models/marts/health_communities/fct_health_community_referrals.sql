{#
    Public mart: PHBU referrals of the health-community districts (seed 001 "Barn og unge -
    avviste og nyhenviste"; SPEC section 11), one row per complete year and area (the
    municipality, its part of each hospital catchment area, each district;
    int_health_community__areas): new referrals, rejected referrals, all referrals received,
    the rejected share (rejected / all, seed 001 "Avviste i %") and the change in percent of
    each count from the first complete year (seed 001 "Endring fra 2019"; on the newest
    complete year's row: first vs newest complete year).

    Years: the complete years of dim_periods (period `year`); an area without referrals in a
    year has zeros. Suppression (SPEC section 12): when any of the three counts is 1 to
    var('min_cell_count') - 1, the row's counts, share and changes are null and is_suppressed
    is true (one suppressed count could be recovered from the other two); a change is also
    null when the first year's row is suppressed.
#}
with referrals as (
    select
        year,
        district_code,
        new_referrals,
        rejected_referrals,
        total_referrals
    from {{ ref('int_health_community__referrals') }}
),

areas as (
    select
        district_code,
        municipality_code,
        area_level,
        area_code,
        area_name,
        hospital_code
    from {{ ref('int_health_community__areas') }}
),

years as (
    select
        year,
        is_newest_complete_year
    from {{ ref('dim_periods') }}
    where period = 'year' and is_complete
),

first_year as (
    select min(year) as first_year
    from years
),

area_units as (
    select distinct
        municipality_code,
        area_level,
        area_code,
        area_name,
        hospital_code
    from areas
),

area_counts as (
    select
        referrals.year,
        areas.area_level,
        areas.area_code,
        sum(referrals.new_referrals) as new_referrals,
        sum(referrals.rejected_referrals) as rejected_referrals,
        sum(referrals.total_referrals) as total_referrals
    from referrals
    inner join areas
        on referrals.district_code = areas.district_code
    group by
        referrals.year,
        areas.area_level,
        areas.area_code
),

counted as (
    select
        years.year,
        years.is_newest_complete_year,
        area_units.municipality_code,
        area_units.area_level,
        area_units.area_code,
        area_units.area_name,
        area_units.hospital_code,
        {%- for count in ['new_referrals', 'rejected_referrals', 'total_referrals'] %}
            cast(coalesce(area_counts.{{ count }}, 0) as {{ dbt.type_int() }}) as {{ count }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from years
    cross join area_units
    left join area_counts
        on
            years.year = area_counts.year
            and area_units.area_level = area_counts.area_level
            and area_units.area_code = area_counts.area_code
),

flagged as (
    select
        *,
        (
            {{ is_small_count('new_referrals') }}
            or {{ is_small_count('rejected_referrals') }}
            or {{ is_small_count('total_referrals') }}
        ) as is_suppressed
    from counted
),

compared as (
    select
        current_year.*,
        first_year.first_year,
        first_row.new_referrals as first_new_referrals,
        first_row.rejected_referrals as first_rejected_referrals,
        first_row.total_referrals as first_total_referrals,
        not current_year.is_suppressed and not first_row.is_suppressed as can_compare
    from flagged as current_year
    cross join first_year
    left join flagged as first_row
        on
            current_year.area_level = first_row.area_level
            and current_year.area_code = first_row.area_code
            and first_year.first_year = first_row.year
)

select
    year,
    first_year,
    is_newest_complete_year,
    municipality_code,
    area_level,
    area_code,
    area_name,
    hospital_code,
    case when not is_suppressed then new_referrals end as new_referrals,
    case when not is_suppressed then rejected_referrals end as rejected_referrals,
    case when not is_suppressed then total_referrals end as total_referrals,
    case
        when not is_suppressed then {{ share('rejected_referrals', 'total_referrals') }}
    end as rejected_share,
    case
        when can_compare then {{ pct_change('new_referrals', 'first_new_referrals') }}
    end as new_referrals_pct_change_from_first_year,
    case
        when can_compare then {{ pct_change('rejected_referrals', 'first_rejected_referrals') }}
    end as rejected_referrals_pct_change_from_first_year,
    case
        when can_compare then {{ pct_change('total_referrals', 'first_total_referrals') }}
    end as total_referrals_pct_change_from_first_year,
    is_suppressed
from compared
