-- Complementary suppression in fct_npr_key_figures (README "Privacy: suppression"),
-- checked as an outsider would on its two exact relations: Norway = the RHFs (+ contacts
-- with neither a residence nor a treating RHF, never published) for the stays figures, and
-- inpatient stays = planned + emergency + returned (+ an unknown urgency code, never
-- published) in every region. For every published total, the total minus its published
-- parts must be 0 or at least var('min_cell_count'), and a total suppressed as
-- complementary must keep a part suppressed. Patients are not additive over regions (a
-- patient can count in several) and are not checked here.
with key_figures as (
    select
        year,
        region_code,
        figure,
        counting_unit,
        value,
        is_suppressed,
        suppression_reason
    from {{ ref('fct_npr_key_figures') }}
),

figure_parts as (
    select
        parts.figure,
        wholes.figure as whole_figure
    from {{ ref('ref_npr_key_figures') }} as parts
    inner join {{ ref('ref_npr_key_figures') }} as wholes
        on
            parts.care_type = wholes.care_type
            and parts.counting_unit = wholes.counting_unit
    where
        parts.counting_unit = 'stays'
        and parts.urgency_group is not null
        and parts.provider_type is null
        and wholes.urgency_group is null
        and wholes.provider_type is null
),

relations as (
    select
        'region' as relation,
        year,
        figure as whole_figure,
        'norway' as whole_region,
        case when not is_suppressed then value else 0 end as published_value,
        case when is_suppressed then 1 else 0 end as is_hidden
    from key_figures
    where region_code <> 'norway' and counting_unit = 'stays'
    union all
    select
        'urgency' as relation,
        key_figures.year,
        figure_parts.whole_figure,
        key_figures.region_code as whole_region,
        case when not key_figures.is_suppressed then key_figures.value else 0 end
            as published_value,
        case when key_figures.is_suppressed then 1 else 0 end as is_hidden
    from key_figures
    inner join figure_parts
        on key_figures.figure = figure_parts.figure
),

parts as (
    select
        relation,
        year,
        whole_figure,
        whole_region,
        sum(published_value) as published_value,
        sum(is_hidden) as n_suppressed
    from relations
    group by relation, year, whole_figure, whole_region
)

select
    parts.relation,
    wholes.year,
    wholes.region_code,
    wholes.figure,
    parts.n_suppressed,
    wholes.suppression_reason,
    wholes.value - parts.published_value as unpublished_value
from key_figures as wholes
inner join parts
    on
        wholes.year = parts.year
        and wholes.figure = parts.whole_figure
        and wholes.region_code = parts.whole_region
where
    (
        not wholes.is_suppressed
        and wholes.value - parts.published_value > 0
        and wholes.value - parts.published_value < {{ var('min_cell_count') }}
    )
    or (wholes.suppression_reason = 'complementary' and parts.n_suppressed = 0)
