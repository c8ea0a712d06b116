{#
    PHBU referrals (stg_npr__phbu_referrals) of the residents of each district of the
    health-community municipalities, per year of receipt: new referrals (nyhenviste: accepted
    with or without a right to necessary health care), rejected referrals (avviste) and all
    referrals received (seed 001: "Samlet" = new + rejected). Aggregated: no person-level
    data. Referrals with an unknown residence have no district and are not counted here.
#}
with referrals as (
    select
        received_year,
        district_code,
        assessment_outcome
    from {{ ref('stg_npr__phbu_referrals') }}
    where not is_unknown_residence
),

districts as (
    select distinct district_code
    from {{ ref('int_health_community__areas') }}
)

select
    referrals.received_year as year,
    referrals.district_code,
    count(
        case
            when referrals.assessment_outcome in ('accepted_with_right', 'accepted_without_right')
                then 1
        end
    ) as new_referrals,
    count(case when referrals.assessment_outcome = 'rejected' then 1 end) as rejected_referrals,
    count(*) as total_referrals
from referrals
inner join districts
    on referrals.district_code = districts.district_code
group by
    referrals.received_year,
    referrals.district_code
