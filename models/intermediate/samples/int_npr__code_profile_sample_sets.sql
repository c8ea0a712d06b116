{#
    The sample set of every NPR code profile that belongs to a sample: the samples of the
    profile (int_npr__code_profile_samples) as one sorted '|'-joined text, and a number per
    distinct set. Many profiles share a set (66,613 profiles, 121 sets at national volume),
    and contacts of one set, stratum, month, residence and provider type are alike for the
    sample membership, so int_npr__contact_groups groups the contacts by set before the
    membership multiplies them by samples and provider options.
#}
with profile_sets as (
    select
        code_profile_id,
        {{ sorted_string_agg('sample_id', '|') }} as sample_set
    from {{ ref('int_npr__code_profile_samples') }}
    group by code_profile_id
),

distinct_sets as (
    select distinct sample_set
    from profile_sets
),

numbered_sets as (
    select
        sample_set,
        row_number() over (order by sample_set) as sample_set_id
    from distinct_sets
)

select
    profile_sets.code_profile_id,
    numbered_sets.sample_set_id,
    profile_sets.sample_set
from profile_sets
inner join numbered_sets
    on profile_sets.sample_set = numbered_sets.sample_set
