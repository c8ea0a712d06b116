-- Complementary suppression in the municipal marts (models/marts/municipal/; README "Privacy:
-- suppression"), checked as an outsider would, from the marts alone: for every published
-- parent area (Norway > municipality > hospital part > district, by the published
-- parent_area_code) the parent's count minus its published children's (the hidden children
-- plus what no child publishes, e.g. unknown residence) must be 0 or at least
-- var('min_cell_count'); a parent hidden as complementary must keep a child hidden. The same
-- for the frailty groups (`all` = `2-3` + `4-5`). Counts: frail persons, persons per
-- service, index stays and the numerators with their complements (index_stays - numerator),
-- contacts and inpatient stays. One row per finding.
{#- (mart, cell keys, count, when the count is hidden as complementary): the transitions'
    suppression_reason is the numerator's; their index stays are hidden in a stage of their
    own, so any hidden parent's index stays must keep a hidden child (a parent area below
    Norway has no unpublished rest: its children add up to it) -#}
{%- set complementary = "suppression_reason = 'complementary'" %}
{%- set checks = [
    ('fct_health_community_frail_elderly', ['year', 'functional_level_group'],
        'frail_persons', complementary),
    ('fct_health_community_frail_elderly_services', ['year', 'service_code'], 'persons',
        complementary),
    ('fct_health_community_transitions', ['year', 'measure'], 'index_stays',
        'index_stays is null'),
    ('fct_health_community_transitions', ['year', 'measure'], 'numerator', complementary),
    ('fct_health_community_transitions', ['year', 'measure'], 'index_stays - numerator',
        complementary),
    ('fct_health_community_specialist_use', ['year', 'person_group'], 'contacts',
        complementary),
    ('fct_health_community_specialist_use', ['year', 'person_group'], 'inpatient_stays',
        complementary),
] %}
{%- set min_count = var('min_cell_count') %}
with
{%- for mart, keys, count, hidden in checks %}
    cells_{{ loop.index }} as (
        select
            {{ keys | join(', ') }},
            area_level,
            area_code,
            parent_area_code,
            case area_level
                when 'municipality' then 'norway'
                when 'hospital' then 'municipality'
                when 'district' then 'hospital'
            end as parent_area_level,
            {{ count }} as cell_value,
            suppression_reason,
            coalesce({{ hidden }}, false) as is_complementary
        from {{ ref(mart) }}
    ),

    findings_{{ loop.index }} as (
        select
            '{{ mart }}' as mart,
            '{{ count }}' as count_expression,
            parents.year,
            parents.area_level,
            parents.area_code,
            parents.suppression_reason,
            sum(case when children.cell_value is null then 1 else 0 end) as n_suppressed,
            max(parents.cell_value) - sum(coalesce(children.cell_value, 0)) as unpublished_value
        from cells_{{ loop.index }} as parents
        inner join cells_{{ loop.index }} as children
            on
                parents.area_code = children.parent_area_code
                and parents.area_level = children.parent_area_level
                {%- for key in keys %}
                    and parents.{{ key }} = children.{{ key }}
                {%- endfor %}
        group by
            {%- for key in keys %}
                parents.{{ key }},
            {%- endfor %}
            parents.area_level,
            parents.area_code,
            parents.suppression_reason
        having
            (
                max(parents.cell_value) - sum(coalesce(children.cell_value, 0)) > 0.5
                and max(parents.cell_value) - sum(coalesce(children.cell_value, 0))
                < {{ min_count }} - 0.5
            )
            or (
                max(case when parents.is_complementary then 1 else 0 end) = 1
                and sum(case when children.cell_value is null then 1 else 0 end) = 0
            )
    ),
{%- endfor %}

-- The frailty groups: `all` is the sum of `2-3` and `4-5` in every area.
groups as (
    select
        wholes.year,
        wholes.area_level,
        wholes.area_code,
        wholes.suppression_reason,
        sum(case when parts.frail_persons is null then 1 else 0 end) as n_suppressed,
        max(wholes.frail_persons) - sum(coalesce(parts.frail_persons, 0)) as unpublished_value
    from {{ ref('fct_health_community_frail_elderly') }} as wholes
    inner join {{ ref('fct_health_community_frail_elderly') }} as parts
        on
            wholes.year = parts.year
            and wholes.area_level = parts.area_level
            and wholes.area_code = parts.area_code
            and parts.functional_level_group <> 'all'
    where wholes.functional_level_group = 'all'
    group by
        wholes.year,
        wholes.area_level,
        wholes.area_code,
        wholes.suppression_reason
    having
        (
            max(wholes.frail_persons) - sum(coalesce(parts.frail_persons, 0)) > 0.5
            and max(wholes.frail_persons) - sum(coalesce(parts.frail_persons, 0))
            < {{ min_count }} - 0.5
        )
        or (
            max(wholes.suppression_reason) = 'complementary'
            and sum(case when parts.frail_persons is null then 1 else 0 end) = 0
        )
)

{% for mart, keys, count, hidden in checks %}
    select
        mart,
        count_expression,
        year,
        area_level,
        area_code,
        suppression_reason,
        n_suppressed,
        unpublished_value
    from findings_{{ loop.index }}
    union all
{% endfor %}
select
    'fct_health_community_frail_elderly' as mart,
    'frail_persons (groups)' as count_expression,
    year,
    area_level,
    area_code,
    suppression_reason,
    n_suppressed,
    unpublished_value
from groups
