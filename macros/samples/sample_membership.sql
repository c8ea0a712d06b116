{#
    The ONE mechanism that decides which events belong to which sample, driven by the codebook
    seeds (seeds/codebooks). Adding a sample is adding rows to ref_samples and
    ref_sample_codes; no SQL changes. NPR contacts read them through int_samples /
    int_sample_codes (models/intermediate/samples), which add the ranked procedure
    branches; the other event types read the seeds (membership_sample_relation). Two steps,
    two macros, each rendering CTEs for a model's `with` (the membership models
    int_*_samples use both):
        with events as (...), event_codes as (...),
        {{ sample_code_membership('helfo_lab_code', 'events', 'event_codes') }},
        candidates as (code_membership joined to the events' provider_type, sex, ages),
        {{ sample_scope_membership('helfo_lab_code', 'candidates') }}
        select event_id as lab_group_id, sample_id, provider_option from membership

    sample_code_membership(event_type, events, event_codes): step 1, what the codes decide;
        ends with CTE `code_membership` (event_id, sample_id). Its parts: the rules and the
        code keys (macros/samples/sample_code_rules.sql), the matching of the events
        (macros/samples/sample_code_candidates.sql).
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
    {{ sample_code_rules(event_type) }},

    {{ sample_code_patterns(event_codes) }},

    {{ sample_code_candidates(events, event_codes) }}
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
