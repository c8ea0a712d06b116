-- The codebook seeds hold together (seeds/codebooks/_codebooks__seeds.yml): every sample has a
-- known area/sub-area, sources of its event stream, known care types and measures, a sane age
-- range, known exclusive provider types, each listed once, exactly when the sample offers
-- the exclusive option, and the waiting-list stratification exactly for FHI samples; every
-- code row is well formed (`require_main_diagnosis` on main_diagnosis only; a code for
-- prefix/exact, none for any; codes upper case without dots or blanks, except the lab fields'
-- and imaging words' inner blanks). Returns one row per problem.
with samples as (
    select * from {{ ref('int_samples') }}
),

codes as (
    select * from {{ ref('int_sample_codes') }}
),

sub_areas as (
    select * from {{ ref('ref_sample_sub_areas') }}
),

-- The sources each event stream (ref_samples.event_type) is built from.
stream_sources as (
    select
        'npr_contact' as event_type,
        'npr_som' as source_name
    union all
    select
        'npr_contact' as event_type,
        'npr_avtalesom' as source_name
    union all
    select
        'npr_contact' as event_type,
        'npr_phv' as source_name
    union all
    select
        'npr_contact' as event_type,
        'npr_avtalephv' as source_name
    union all
    select
        'npr_contact' as event_type,
        'npr_phbu' as source_name
    union all
    select
        'npr_contact' as event_type,
        'npr_tsb' as source_name
    union all
    select
        'helfo_lab_code' as event_type,
        'helfo_lab' as source_name
    union all
    select
        'helfo_imaging_invoice' as event_type,
        'helfo_imaging' as source_name
    union all
    select
        'fhi_waiting_list' as event_type,
        'fhi_waiting_lists' as source_name
),

sample_sources as (
    {{ split_to_rows(
        'samples', ['sample_id', 'event_type'], 'sources', '|', 'source_name', 'source_position'
    ) }}
),

sample_care_types as (
    {{ split_to_rows(
        'samples', ['sample_id'], 'care_types', '|', 'care_type', 'care_type_position'
    ) }}
),

sample_measures as (
    {{ split_to_rows('samples', ['sample_id'], 'measures', '|', 'measure', 'measure_position') }}
),

sample_exclusive_types as (
    {{ split_to_rows(
        'samples', ['sample_id'], 'exclusive_provider_types', '|', 'provider_type',
        'provider_position'
    ) }}
),

problems as (
    select
        samples.sample_id,
        'unknown area/sub-area' as problem
    from samples
    left join sub_areas
        on samples.area = sub_areas.area and samples.sub_area = sub_areas.sub_area
    where sub_areas.area is null
    union all
    select
        sample_sources.sample_id,
        'source ' || sample_sources.source_name || ' is not of event type '
        || sample_sources.event_type as problem
    from sample_sources
    left join stream_sources
        on
            sample_sources.event_type = stream_sources.event_type
            and sample_sources.source_name = stream_sources.source_name
    where stream_sources.source_name is null
    union all
    select
        sample_id,
        'unknown care type ' || care_type as problem
    from sample_care_types
    where care_type not in ('inpatient', 'day_treatment', 'outpatient')
    union all
    select
        sample_id,
        'unknown measure ' || measure as problem
    from sample_measures
    where
        measure not in (
            'contacts', 'procedures', 'patients', 'bed_days', 'codes', 'nok', 'invoices',
            'referrals'
        )
    union all
    select
        sample_id,
        'unknown exclusive provider type ' || provider_type as problem
    from sample_exclusive_types
    where provider_type not in ('public', 'private', 'contracted_specialist')
    union all
    -- Listed twice, a provider type would repeat the sample's exclusive members
    -- (sample_scope_membership joins the list): the membership is unique by construction only
    -- while the list is a set, as the options' list is (one of two values in the seed's checks).
    select
        sample_id,
        'exclusive provider type ' || provider_type || ' listed twice' as problem
    from sample_exclusive_types
    group by sample_id, provider_type
    having count(*) > 1
    union all
    select
        sample_id,
        'age_from > age_to' as problem
    from samples
    where age_from > age_to
    union all
    select
        sample_id,
        'exclusive_provider_types given without, or missing with, the exclusive option'
            as problem
    from samples
    where (provider_options = 'all') <> (exclusive_provider_types is null)
    union all
    select
        sample_id,
        'stratification does not fit the event type' as problem
    from samples
    where
        (stratification = 'age_waiting_list') <> (event_type = 'fhi_waiting_list')
        or (stratification = 'age_waiting_list' and sex_scope <> 'all')
    union all
    select
        sample_id,
        'require_main_diagnosis on ' || code_field as problem
    from codes
    where rule = 'require_main_diagnosis' and code_field <> 'main_diagnosis'
    union all
    select
        sample_id,
        'code ' || coalesce(code, '(empty)') || ' does not fit match ' || match as problem
    from codes
    where (match = 'any') <> (code is null)
    union all
    select
        sample_id,
        'code not normalised: ' || code as problem
    from codes
    where
        code <> upper(code)
        or code like '%.%'
        or (code like '% %' and code_field not in ('lab_field', 'imaging_modality'))
)

select * from problems
