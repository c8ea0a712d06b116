{#
    FHI's annual waiting-list data as events of the referral samples: one row per year,
    catchment HF area, specialty or sector and waiting-list age group, with its new referrals
    and FHI's mean and median waiting days,
    the HF and RHF area of the mapping var('catchment_mapping_version') and the bounds of the
    age group (the sample membership checks the age scope against them; the open group '80+'
    gets open_age_limit() as its upper bound).

    FHI's HF areas use SKDE's numbering (ref_catchment_areas.hf_code), so hf_area_code maps
    directly; the RHF is the one of that HF in the mapping. An HF code the mapping does not
    know counts in Norway only. The data has no sex and no months: referrals count in the
    year only (month 12, so that no T1/T2 rows arise) and the samples are standardised by age
    only. Care type `outpatient`: the dashboard shows new referrals with its outpatient clinic
    samples (seed 000).
#}
with waiting_lists as (
    select * from {{ ref('stg_fhi__waiting_lists') }}
),

hf_areas as (
    select distinct
        hf_code,
        rhf_code
    from {{ ref('int_residence_areas') }}
)

select
    {{ dbt.concat([
        dbt.safe_cast('waiting_lists.referral_year', dbt.type_string()),
        "'|'", 'waiting_lists.hf_area_code',
        "'|'", 'waiting_lists.specialty_or_sector_code',
        "'|'", 'waiting_lists.age_group',
    ]) }} as referral_row_id,
    waiting_lists.source,
    waiting_lists.referral_year as year,
    12 as event_month,
    hf_areas.rhf_code,
    hf_areas.hf_code,
    waiting_lists.specialty_or_sector_code,
    waiting_lists.age_group,
    -- '10-19' -> 10 and 19; '80+' -> 80 and open_age_limit()
    cast(split_part(replace(waiting_lists.age_group, '+', ''), '-', 1) as integer) as age_lower,
    case
        when waiting_lists.age_group like '%+' then {{ open_age_limit() }}
        else cast(split_part(waiting_lists.age_group, '-', 2) as integer)
    end as age_upper,
    waiting_lists.new_referrals,
    waiting_lists.mean_waiting_days,
    waiting_lists.median_waiting_days
from waiting_lists
left join hf_areas
    on waiting_lists.hf_area_code = hf_areas.hf_code
