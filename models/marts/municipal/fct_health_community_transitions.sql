{#
    Public mart: transitions around emergency hospital stays of people 75+ (seed 001,
    "kontakter før og etter innleggelse / utskrivning"; issue 32), one row per complete year
    (dim_periods), area (int_municipal__areas, by the residence at admission) and measure:

    - `contact_before`: index stays with a GP or emergency-room contact 0-30 days before the
      admission;
    - `follow_up`: index stays with municipal follow-up (KPR contact or IPLOS decision start)
      0-7 days after the discharge;
    - `readmission`: index stays followed by an emergency readmission 0-30 days after the
      discharge (transfers between hospitals are part of the stay).
    Index stays: emergency NPR-SOM stays of persons 75+ discharged in the year
    (int_municipal__transitions); share_of_stays = numerator / index_stays.

    Suppression in two stages, so that one area's index stays are hidden alike in all three
    measures: (1) index stays of 1 to var('min_cell_count') - 1, and the cells that would
    reveal them by subtraction over the areas (Norway = municipalities, municipality =
    hospital parts = districts); (2) per measure, the numerator when it or its complement
    (index_stays - numerator, published implicitly) is small or the index stays are hidden,
    with the same complementary rule for both. A hidden numerator hides its share.
#}
{%- set measures = [
    ('contact_before', 'has_contact_before', 1,
        'Kontakt med fastlege/legevakt siste 30 dager før innleggelse',
        'GP or emergency-room contact in the 30 days before admission'),
    ('follow_up', 'has_follow_up', 2,
        'Kommunal oppfølging innen 7 dager etter utskrivning',
        'Municipal follow-up within 7 days after discharge'),
    ('readmission', 'is_readmitted', 3,
        'Øyeblikkelig hjelp-reinnleggelse innen 30 dager',
        'Emergency readmission within 30 days'),
] %}
with unit_counts as (
    select
        year,
        residence_key,
        count(*) as index_stays,
        {%- for measure, flag, _, _, _ in measures %}
            count(case when {{ flag }} then 1 end) as {{ measure }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('int_municipal__transitions') }}
    group by 1, 2
),

years as (
    select year
    from {{ ref('dim_periods') }}
    where period = 'year' and is_complete
),

areas as (
    select distinct
        area_level,
        area_code,
        area_name,
        parent_area_code,
        municipality_code
    from {{ ref('int_municipal__areas') }}
),

area_counts as (
    select
        unit_counts.year,
        areas.area_level,
        areas.area_code,
        sum(unit_counts.index_stays) as index_stays,
        {%- for measure, _, _, _, _ in measures %}
            sum(unit_counts.{{ measure }}) as {{ measure }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from unit_counts
    inner join {{ ref('int_municipal__areas') }} as areas
        on unit_counts.residence_key = areas.residence_key
    group by 1, 2, 3
),

cells as (
    select
        years.year,
        areas.*,
        cast(coalesce(area_counts.index_stays, 0) as {{ dbt.type_int() }}) as index_stays,
        {%- for measure, _, _, _, _ in measures %}
            cast(coalesce(area_counts.{{ measure }}, 0) as {{ dbt.type_int() }}) as {{ measure }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from years
    cross join areas
    left join area_counts
        on
            years.year = area_counts.year
            and areas.area_level = area_counts.area_level
            and areas.area_code = area_counts.area_code
),

-- Stage 1: the index stays of each year and area.
stays_0 as (
    select
        year,
        area_level,
        area_code,
        parent_area_code as area_parent_code,
        index_stays,
        {{ is_small_count('index_stays') }} as is_suppressed
    from cells
),

{{ complementary_suppression_passes(
    'stays', 'stays_0', ['year', 'area_level', 'area_code'],
    [{'name': 'areas', 'hierarchy': [['norway', 'municipality'], ['municipality', 'hospital'],
        ['hospital', 'district']]}],
    measures=['index_stays'], rounds=1
) }},

-- Stage 2: one row per measure.
measured as (
    {%- for measure, _, sort_order, name_nb, name_en in measures %}
        select
            cells.year,
            cells.area_level,
            cells.area_code,
            cells.area_name,
            cells.parent_area_code,
            cells.municipality_code,
            '{{ measure }}' as measure,
            {{ sort_order }} as measure_sort_order,
            '{{ name_nb }}' as measure_name_nb,
            '{{ name_en }}' as measure_name_en,
            cells.index_stays,
            cells.{{ measure }} as numerator,
            cells.index_stays - cells.{{ measure }} as complement,
            stays.is_suppressed as is_stays_suppressed
        from cells
        inner join stays
            on
                cells.year = stays.year
                and cells.area_level = stays.area_level
                and cells.area_code = stays.area_code
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

flagged as (
    select
        *,
        is_stays_suppressed
        or {{ is_small_count('numerator') }}
        or {{ is_small_count('complement') }} as is_primary
    from measured
),

numerators_0 as (
    select
        year,
        measure,
        area_level,
        area_code,
        parent_area_code as area_parent_code,
        numerator,
        complement,
        is_primary as is_suppressed
    from flagged
),

{{ complementary_suppression_passes(
    'numerators', 'numerators_0', ['year', 'measure', 'area_level', 'area_code'],
    [{'name': 'areas', 'hierarchy': [['norway', 'municipality'], ['municipality', 'hospital'],
        ['hospital', 'district']]}]
) }}

select
    flagged.year,
    flagged.area_level,
    flagged.area_code,
    flagged.area_name,
    flagged.parent_area_code,
    flagged.municipality_code,
    flagged.measure,
    flagged.measure_sort_order,
    flagged.measure_name_nb,
    flagged.measure_name_en,
    case when not flagged.is_stays_suppressed then flagged.index_stays end as index_stays,
    case when not hidden.is_suppressed then flagged.numerator end as numerator,
    case
        when not hidden.is_suppressed then {{ share('flagged.numerator', 'flagged.index_stays') }}
    end as share_of_stays,
    hidden.is_suppressed,
    case
        when flagged.is_primary then 'primary'
        when hidden.is_suppressed then 'complementary'
    end as suppression_reason
from flagged
inner join numerators as hidden
    on
        flagged.year = hidden.year
        and flagged.measure = hidden.measure
        and flagged.area_level = hidden.area_level
        and flagged.area_code = hidden.area_code
