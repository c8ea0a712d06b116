{#
    The cells of fct_health_community_transitions before its per-measure suppression: one
    row per complete year (dim_periods), area (int_municipal__areas, by the residence at
    admission) with the index stays and the numerator of each measure
    (int_municipal__transitions, aggregated before the join to the areas), and the first
    stage of the mart's suppression: is_stays_suppressed when the index stays are 1 to
    var('min_cell_count') - 1 or would reveal such a cell by subtraction over the areas
    (Norway = municipalities, municipality = hospital parts = districts). A table of its
    own so that the mart's second chain of passes reads rows, not this chain again
    (a Spark plan inlines every CTE where it is read).
#}
{#- measure: the count of index stays with its flag in int_municipal__transitions -#}
{%- set measures = [
    ('contact_before', 'has_contact_before'),
    ('follow_up', 'has_follow_up'),
    ('readmission', 'is_readmitted'),
] %}
with unit_counts as (
    select
        year,
        residence_key,
        count(*) as index_stays,
        {%- for measure, flag in measures %}
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
        {%- for measure, _ in measures %}
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
        {%- for measure, _ in measures %}
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

-- The index stays of each year and area: primary, then complementary over the areas.
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
    [municipal_area_relation()],
    measures=['index_stays'], rounds=1
) }}

select
    cells.year,
    cells.area_level,
    cells.area_code,
    cells.area_name,
    cells.parent_area_code,
    cells.municipality_code,
    cells.index_stays,
    {%- for measure, _ in measures %}
        cells.{{ measure }},
    {%- endfor %}
    stays.is_suppressed as is_stays_suppressed
from cells
inner join stays
    on
        cells.year = stays.year
        and cells.area_level = stays.area_level
        and cells.area_code = stays.area_code
