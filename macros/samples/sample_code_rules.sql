{#
    Step 1 of the sample membership (macros/samples/sample_membership.sql), part 1: the
    codebook rules with integer keys.
    sample_code_rules(event_type): the samples of the event type (membership_samples), the
        (source, care type) pairs each takes its events from (membership_sample_scopes), its
        code rules numbered by pattern and include group (membership_rules,
        membership_group_counts) and every rule in every scope of its sample
        (membership_scoped_rules).
    sample_code_patterns(event_codes): each distinct code value of the events
        expanded into the keys a pattern can match it by, equi-joined to the patterns
        (membership_code_patterns: source, care_type, code_field, code, pattern_number).
        Reads the CTEs of sample_code_rules.
#}
{% macro sample_code_rules(event_type) -%}
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
)
{%- endmacro %}

{% macro sample_code_patterns(event_codes) -%}
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
)
{%- endmacro %}
