{#
    Seed 002, footnote to table 1: the inpatient stays that are neither planned nor emergency
    are those returned from another hospital (urgency 5). So, per complete year in Norway,
    planned + emergency + returned = all inpatient stays, apart from stays whose urgency code
    NPR does not know, counted here from the staged contacts (int_npr__contacts). Regions: the
    three parts never exceed the whole. Checked on the values before suppression
    (int_npr__key_figure_values, every year), which fct_npr_key_figures publishes: in the mart
    the few returned stays are mostly suppressed.
#}
with figures as (
    select
        year,
        region_code,
        figure,
        value
    from {{ ref('int_npr__key_figure_values') }}
),

unknown_urgency as (
    select
        year,
        count(*) as n_stays
    from {{ ref('int_npr__contacts') }}
    where
        source = 'npr_som'
        and care_type = 'inpatient'
        and (urgency_code is null or urgency_code not in ('1', '2', '3', '4', '5'))
    group by year
),

parts as (
    select
        year,
        region_code,
        max(case when figure = 'inpatient_stays' then value end) as inpatient_stays,
        max(case when figure = 'inpatient_stays_planned' then value end) as planned,
        max(case when figure = 'inpatient_stays_emergency' then value end) as emergency,
        max(case when figure = 'inpatient_stays_returned' then value end) as returned
    from figures
    group by year, region_code
)

select
    parts.year,
    parts.region_code,
    parts.inpatient_stays,
    parts.planned,
    parts.emergency,
    parts.returned,
    coalesce(unknown_urgency.n_stays, 0) as unknown_urgency_stays
from parts
left join unknown_urgency
    on parts.year = unknown_urgency.year
where
    (
        parts.region_code = 'norway'
        and parts.planned + parts.emergency + parts.returned
        + coalesce(unknown_urgency.n_stays, 0) <> parts.inpatient_stays
    )
    or parts.planned + parts.emergency + parts.returned > parts.inpatient_stays
    or parts.inpatient_stays is null
    or parts.planned is null
    or parts.emergency is null
    or parts.returned is null
