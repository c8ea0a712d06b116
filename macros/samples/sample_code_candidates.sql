{#
    Step 1 of the sample membership (macros/samples/sample_membership.sql), part 2: the
    events matched to the rules of sample_code_rules / sample_code_patterns
    (macros/samples/sample_code_rules.sql), whose CTEs it reads. Ends with CTE
    `code_membership` (event_id, sample_id): the events matching every include group of a
    sample (or in the scope of a sample without include groups) and none of its exclude rows.
#}
{% macro sample_code_candidates(events, event_codes) -%}
-- The patterns each event matched (with repeats when a code repeats on the event).
membership_event_patterns as (
    select
        event_codes.event_id,
        event_codes.source,
        event_codes.care_type,
        membership_code_patterns.pattern_number
    from {{ event_codes }} as event_codes
    inner join membership_code_patterns
        on
            event_codes.source = membership_code_patterns.source
            and event_codes.care_type = membership_code_patterns.care_type
            and event_codes.code_field = membership_code_patterns.code_field
            and event_codes.code = membership_code_patterns.code
),

membership_include_groups as (
    select distinct
        membership_event_patterns.event_id,
        membership_scoped_rules.sample_number,
        membership_scoped_rules.group_number
    from membership_event_patterns
    inner join membership_scoped_rules
        on
            membership_event_patterns.source = membership_scoped_rules.source
            and membership_event_patterns.care_type = membership_scoped_rules.care_type
            and membership_event_patterns.pattern_number = membership_scoped_rules.pattern_number
    where membership_scoped_rules.group_number is not null
),

membership_include_hits as (
    select
        event_id,
        sample_number,
        count(*) as n_groups
    from membership_include_groups
    group by event_id, sample_number
),

membership_open_samples as (
    select membership_samples.sample_number
    from membership_samples
    left join membership_group_counts
        on membership_samples.sample_number = membership_group_counts.sample_number
    where membership_group_counts.sample_number is null
),

-- Candidates: events matching every include group of a sample, and every event in the scope
-- of a sample without include groups.
membership_candidates as (
    select
        membership_include_hits.event_id,
        membership_include_hits.sample_number
    from membership_include_hits
    inner join membership_group_counts
        on
            membership_include_hits.sample_number = membership_group_counts.sample_number
            and membership_include_hits.n_groups = membership_group_counts.n_groups
    union all
    select
        events.event_id,
        membership_sample_scopes.sample_number
    from {{ events }} as events
    inner join membership_sample_scopes
        on
            events.source = membership_sample_scopes.source
            and events.care_type = membership_sample_scopes.care_type
    inner join membership_open_samples
        on membership_sample_scopes.sample_number = membership_open_samples.sample_number
),

-- The exclude patterns each event matched: few events (day surgery, dialysis, surgical
-- DRGs ...), checked against the candidates' own exclude rows below.
membership_event_exclusions as (
    select distinct
        membership_event_patterns.event_id,
        membership_event_patterns.pattern_number
    from membership_event_patterns
    inner join (
        select distinct
            source,
            care_type,
            pattern_number
        from membership_scoped_rules
        where rule = 'exclude'
    ) as exclude_patterns
        on
            membership_event_patterns.source = exclude_patterns.source
            and membership_event_patterns.care_type = exclude_patterns.care_type
            and membership_event_patterns.pattern_number = exclude_patterns.pattern_number
),

membership_excluded as (
    select distinct
        membership_candidates.event_id,
        membership_candidates.sample_number
    from membership_candidates
    inner join membership_event_exclusions
        on membership_candidates.event_id = membership_event_exclusions.event_id
    inner join membership_rules
        on
            membership_candidates.sample_number = membership_rules.sample_number
            and membership_event_exclusions.pattern_number = membership_rules.pattern_number
    where membership_rules.rule = 'exclude'
),

code_membership as (
    select
        membership_candidates.event_id,
        membership_samples.sample_id
    from membership_candidates
    inner join membership_samples
        on membership_candidates.sample_number = membership_samples.sample_number
    left join membership_excluded
        on
            membership_candidates.event_id = membership_excluded.event_id
            and membership_candidates.sample_number = membership_excluded.sample_number
    where membership_excluded.event_id is null
)
{%- endmacro %}
