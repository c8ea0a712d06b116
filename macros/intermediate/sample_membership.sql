{#
    The ONE mechanism that decides which events belong to which sample, driven by the codebook
    seeds (seeds/codebooks). Adding a sample is adding rows to ref_samples and
    ref_sample_codes; no SQL changes. NPR contacts read them through int_samples /
    int_sample_codes (models/intermediate/procedures), which add the ranked procedure
    branches; the other event types read the seeds (membership_sample_relation). Two steps, two macros, each rendering CTEs for a model's
    `with` (the membership models int_*_samples use both):
        with events as (...), event_codes as (...),
        {{ sample_code_membership('helfo_lab_code', 'events', 'event_codes') }},
        candidates as (code_membership joined to the events' provider_type, sex, ages),
        {{ sample_scope_membership('helfo_lab_code', 'candidates') }}
        select event_id as lab_group_id, sample_id, provider_option from membership

    sample_code_membership(event_type, events, event_codes): step 1, what the codes decide;
        ends with CTE `code_membership` (event_id, sample_id).
      event_type   the ref_samples.event_type served ('npr_contact', 'helfo_lab_code',
                   'helfo_imaging_invoice', 'fhi_waiting_list').
      events       one row per event: event_id, source, care_type.
      event_codes  one row per event and code: event_id, source, care_type (the event's),
                   code_field, code (normalised as the codebook writes codes). A code may
                   repeat on an event (two procedure positions).
      Rules (ref_sample_codes):
      - A sample's `include` rows form one group per code_field, its `require_main_diagnosis`
        rows one more group: an event must match at least one row of EVERY group (OR within a
        group, AND across groups). A sample without such rows takes every event in scope.
      - An event that matches any `exclude` row of the sample is not a member.
      - match `exact` = the whole code; `prefix` = the code starts with the pattern; `any` =
        the field has a value (code empty).
      - Scope: the event's source is one of the sample's `sources`, its care type one of its
        `care_types`.
      Speed (the code-pattern join is the usual performance killer):
      - No `like` over patterns. Each DISTINCT code value is expanded into the keys a pattern
        can match it by: the code itself (`exact`), its prefixes of the lengths the codebook's
        prefix patterns have for that field (`prefix`), '' (`any`); the keys equi-join the
        patterns, the events equi-join the result on the code.
      - Matching is keyed by (source, care type): a code meets only the patterns of samples
        whose scope holds the event (a mental-health diagnosis group never touches a somatic
        contact). Samples, patterns and groups are joined by integer numbers.
      - Exclusions are checked per candidate (event, sample) against the exclude patterns the
        event matched, so a pattern shared by many samples does not multiply the events.
      - NPR contacts go through step 1 as distinct code profiles (int_npr__code_profiles), not
        one by one: 43,510 profiles for 5.6 million contacts at scale 0.05.

    sample_scope_membership(event_type, candidates, carry_columns=[]): step 2, the person and
        provider scope; ends with CTE `membership` (event_id, sample_id, provider_option and
        the carry_columns of candidates).
      candidates   one row per (event_id, sample_id) of step 1 with the event's
                   provider_type, sex, age_lower, age_upper (its age, or the bounds of its age
                   group where only a group is known).
      - Age within [age_from, age_to] (unknown age: not a member); sex the `sex_scope` unless
        that is 'all' (unknown sex passes 'all'; the rate strata drop it).
      - Provider options: 'inclusive' and 'all' take every provider type; 'exclusive' only the
        sample's `exclusive_provider_types`.
#}
{#
    membership_sample_relation(event_type, part='samples'): where the membership of
    `event_type` reads its sample definitions (part 'samples') or code rules ('codes').
    NPR contacts read int_samples / int_sample_codes, which add the ranked procedure
    branches (all of event type 'npr_contact', int_samples.sql); every other event type reads
    the codebook seeds themselves, the same rows for it. So the HELFO and FHI membership
    models do not depend on the NPR procedure rankings: a new NPR delivery
    (`--select source:raw.npr_som+`) leaves them, and their tests, out of the build.
#}
{% macro membership_sample_relation(event_type, part='samples') -%}
    {%- if event_type == 'npr_contact' -%}
        {{ ref('int_samples') if part == 'samples' else ref('int_sample_codes') }}
    {%- else -%}
        {{ ref('ref_samples') if part == 'samples' else ref('ref_sample_codes') }}
    {%- endif -%}
{%- endmacro %}

{% macro sample_code_membership(event_type, events, event_codes) -%}
membership_samples as (
    select
        sample_id,
        row_number() over (order by sample_id) as sample_number,
        sources,
        care_types
    from {{ membership_sample_relation(event_type) }}
    where event_type = '{{ event_type }}'
),

membership_sample_sources as (
    {{ split_to_rows('membership_samples', ['sample_number'], 'sources', '|', 'source', 'source_position') }}
),

membership_sample_care_types as (
    {{ split_to_rows(
        'membership_samples', ['sample_number'], 'care_types', '|', 'care_type', 'care_type_position'
    ) }}
),

-- The (source, care type) pairs each sample takes its events from.
membership_sample_scopes as (
    select
        membership_sample_sources.sample_number,
        membership_sample_sources.source,
        membership_sample_care_types.care_type
    from membership_sample_sources
    inner join membership_sample_care_types
        on membership_sample_sources.sample_number = membership_sample_care_types.sample_number
),

-- The codebook rows with integer keys: pattern_number per distinct (code_field, match,
-- pattern), group_number per include group of the sample (NULL for `exclude` rows).
membership_rules as (
    select
        membership_samples.sample_number,
        codes.rule,
        codes.code_field,
        codes.match,
        coalesce(codes.code, '') as pattern,
        dense_rank() over (
            order by codes.code_field, codes.match, coalesce(codes.code, '')
        ) as pattern_number,
        case
            when codes.rule <> 'exclude'
                then dense_rank() over (order by codes.rule, codes.code_field)
        end as group_number
    from {{ membership_sample_relation(event_type, 'codes') }} as codes
    inner join membership_samples
        on codes.sample_id = membership_samples.sample_id
),

membership_group_counts as (
    select
        sample_number,
        count(distinct group_number) as n_groups
    from membership_rules
    where group_number is not null
    group by sample_number
),

-- Every rule in every (source, care type) scope of its sample.
membership_scoped_rules as (
    select
        membership_sample_scopes.source,
        membership_sample_scopes.care_type,
        membership_rules.sample_number,
        membership_rules.rule,
        membership_rules.code_field,
        membership_rules.match,
        membership_rules.pattern,
        membership_rules.pattern_number,
        membership_rules.group_number
    from membership_rules
    inner join membership_sample_scopes
        on membership_rules.sample_number = membership_sample_scopes.sample_number
),

membership_patterns as (
    select distinct
        source,
        care_type,
        code_field,
        match,
        pattern,
        pattern_number
    from membership_scoped_rules
),

membership_prefix_lengths as (
    select distinct
        code_field,
        length(pattern) as prefix_length
    from membership_patterns
    where match = 'prefix'
),

membership_pattern_fields as (
    select distinct
        source,
        care_type,
        code_field
    from membership_patterns
),

membership_code_values as (
    select distinct
        event_codes.source,
        event_codes.care_type,
        event_codes.code_field,
        event_codes.code
    from {{ event_codes }} as event_codes
    inner join membership_pattern_fields
        on
            event_codes.source = membership_pattern_fields.source
            and event_codes.care_type = membership_pattern_fields.care_type
            and event_codes.code_field = membership_pattern_fields.code_field
    where event_codes.code is not null
),

-- Every key a pattern could match a code value by.
membership_code_keys as (
    select
        source,
        care_type,
        code_field,
        code,
        'exact' as match,
        code as pattern
    from membership_code_values
    union all
    select
        source,
        care_type,
        code_field,
        code,
        'any' as match,
        '' as pattern
    from membership_code_values
    union all
    select
        membership_code_values.source,
        membership_code_values.care_type,
        membership_code_values.code_field,
        membership_code_values.code,
        'prefix' as match,
        substring(membership_code_values.code, 1, membership_prefix_lengths.prefix_length)
            as pattern
    from membership_code_values
    inner join membership_prefix_lengths
        on
            membership_code_values.code_field = membership_prefix_lengths.code_field
            and length(membership_code_values.code)
            >= membership_prefix_lengths.prefix_length
),

membership_code_patterns as (
    select
        membership_code_keys.source,
        membership_code_keys.care_type,
        membership_code_keys.code_field,
        membership_code_keys.code,
        membership_patterns.pattern_number
    from membership_code_keys
    inner join membership_patterns
        on
            membership_code_keys.source = membership_patterns.source
            and membership_code_keys.care_type = membership_patterns.care_type
            and membership_code_keys.code_field = membership_patterns.code_field
            and membership_code_keys.match = membership_patterns.match
            and membership_code_keys.pattern = membership_patterns.pattern
),

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

{% macro sample_scope_membership(event_type, candidates, carry_columns=[]) -%}
    {%- set carried = [] -%}
    {%- for column in carry_columns -%}
        {%- do carried.append(',\n        candidates.' ~ column) -%}
    {%- endfor -%}
scope_samples as (
    select
        sample_id,
        provider_options,
        exclusive_provider_types,
        age_from,
        age_to,
        sex_scope
    from {{ membership_sample_relation(event_type) }}
    where event_type = '{{ event_type }}'
),

scope_sample_options as (
    {{ split_to_rows(
        'scope_samples', ['sample_id'], 'provider_options', '|', 'provider_option',
        'option_position'
    ) }}
),

scope_exclusive_providers as (
    {{ split_to_rows(
        'scope_samples', ['sample_id'], 'exclusive_provider_types', '|', 'provider_type',
        'provider_position'
    ) }}
),

membership as (
    select
        candidates.event_id,
        candidates.sample_id,
        scope_sample_options.provider_option{{ carried | join('') }}
    from {{ candidates }} as candidates
    inner join scope_samples
        on candidates.sample_id = scope_samples.sample_id
    inner join scope_sample_options
        on candidates.sample_id = scope_sample_options.sample_id
    left join scope_exclusive_providers
        on
            candidates.sample_id = scope_exclusive_providers.sample_id
            and candidates.provider_type = scope_exclusive_providers.provider_type
    where
        candidates.age_lower >= scope_samples.age_from
        and candidates.age_upper <= scope_samples.age_to
        and (scope_samples.sex_scope = 'all' or candidates.sex = scope_samples.sex_scope)
        and (
            scope_sample_options.provider_option <> 'exclusive'
            or scope_exclusive_providers.sample_id is not null
        )
)
{%- endmacro %}
