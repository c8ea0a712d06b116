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
    ('contact_before', 1,
        'Kontakt med fastlege/legevakt siste 30 dager før innleggelse',
        'GP or emergency-room contact in the 30 days before admission'),
    ('follow_up', 2,
        'Kommunal oppfølging innen 7 dager etter utskrivning',
        'Municipal follow-up within 7 days after discharge'),
    ('readmission', 3,
        'Øyeblikkelig hjelp-reinnleggelse innen 30 dager',
        'Emergency readmission within 30 days'),
] %}
-- One row per measure; stage 1 (the index stays' suppression) is int_municipal__transition_cells.
with measured as (
    {%- for measure, sort_order, name_nb, name_en in measures %}
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
            cells.is_stays_suppressed
        from {{ ref('int_municipal__transition_cells') }} as cells
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
    [municipal_area_relation()]
) }},

{{ suppression_outcome(
    'outcome', 'flagged', 'numerators', ['year', 'measure', 'area_level', 'area_code']
) }}

select
    year,
    area_level,
    area_code,
    area_name,
    parent_area_code,
    municipality_code,
    measure,
    measure_sort_order,
    measure_name_nb,
    measure_name_en,
    case when not is_stays_suppressed then index_stays end as index_stays,
    case when not is_suppressed then numerator end as numerator,
    case when not is_suppressed then {{ share('numerator', 'index_stays') }} end as share_of_stays,
    is_suppressed,
    suppression_reason
from outcome
