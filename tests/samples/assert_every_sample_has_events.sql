{{ config(severity='warn') }}
-- Every sample of the codebook has events in some year: a sample without any points at codes,
-- a source or a care type the data does not have (a typo in the codebook, or a code list
-- change). A warning: a very small test extract may miss a rare sample.
with samples_with_events as (
    select distinct sample_id
    from {{ ref('int_sample_stratum_events') }}
)

select samples.sample_id
from {{ ref('int_samples') }} as samples
left join samples_with_events
    on samples.sample_id = samples_with_events.sample_id
where samples_with_events.sample_id is null
