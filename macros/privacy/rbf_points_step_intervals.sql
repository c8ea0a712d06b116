{#
    For rbf_points_findings(): the numerators of each hidden RHF row on each step of the
    step model, within its bounds. Reads the CTEs <name>_hidden (the hidden rows, numbered
    `ord` within group_keys, with denominator, target, weight, lower_bound, upper_bound) and
    <name>_steps (ref_rbf_step_model with the year's total_points); emits <name>_candidates,
    <name>_starts, <name>_intervals and <name>_feasible (group_keys, ord, payout_share,
    points, lo, hi: the steps some n in the bounds reaches, n from lo to hi).
#}
{% macro rbf_points_step_intervals(name, group_keys) -%}
    -- The first n whose attainment reaches each step's lower bound: with the share rounded
    -- to 4 decimals, round(n / d, 4) >= k / 10000 from n = d (k - 0.5) / 10000 on, and the
    -- first k is about attainment_from x target x 10000; a few n around that, each scored
    -- as int_rbf__indicator_scores does, find it (a step no n reaches starts past d).
    {{ name }}_candidates as (
        select
            {{ rbf_points_keys('h', group_keys) }},
            h.ord,
            s.attainment_from,
            h.denominator,
            ceiling(
                h.denominator
                * (ceiling(s.attainment_from * h.target * 10000 - 0.000001) + k.k - 0.5)
                / 10000
            ) + o.o as n
        from {{ name }}_hidden as h
        inner join {{ name }}_steps as s
            on h.rbf_year = s.rbf_year
        cross join (select -1 as k union all select 0 union all select 1) as k
        cross join (select -1 as o union all select 0 union all select 1) as o
        where s.attainment_from > 0 and h.denominator > 0
    ),

    {{ name }}_starts as (
        select
            {{ rbf_points_keys('c', group_keys) }},
            c.ord,
            c.attainment_from,
            min(c.n) as first_n
        from {{ name }}_candidates as c
        inner join {{ name }}_hidden as h
            on {{ rbf_points_match('c', 'h', group_keys) }} and c.ord = h.ord
        where
            c.n >= 0
            and c.n <= c.denominator
            and {{ round_to(
                round_to(
                    'cast(c.n as ' ~ type_double() ~ ') / cast(c.denominator as '
                    ~ type_double() ~ ')',
                    rbf_share_decimals()
                ) ~ ' / h.target',
                rbf_attainment_decimals()
            ) }} >= c.attainment_from
        group by {{ rbf_points_keys('c', group_keys) }}, c.ord, c.attainment_from
    ),

    -- each step's numerators within the bounds, with its points; a step no n in the
    -- bounds reaches (lo > hi) is left out
    {{ name }}_intervals as (
        select
            {{ rbf_points_keys('h', group_keys) }},
            h.ord,
            s.payout_share,
            {{ round_to('s.total_points * h.weight * s.payout_share', 6) }} as points,
            greatest(
                h.lower_bound,
                case
                    when s.attainment_from = 0 then 0
                    else coalesce(here.first_n, h.denominator + 1)
                end
            ) as lo,
            least(
                h.upper_bound,
                case
                    when s.attainment_to is null then h.denominator
                    else coalesce(next.first_n, h.denominator + 1) - 1
                end
            ) as hi
        from {{ name }}_hidden as h
        inner join {{ name }}_steps as s
            on h.rbf_year = s.rbf_year
        left join {{ name }}_starts as here
            on
                {{ rbf_points_match('h', 'here', group_keys) }}
                and h.ord = here.ord
                and s.attainment_from = here.attainment_from
        left join {{ name }}_starts as next
            on
                {{ rbf_points_match('h', 'next', group_keys) }}
                and h.ord = next.ord
                and s.attainment_to = next.attainment_from
    ),

    {{ name }}_feasible as (
        select *
        from {{ name }}_intervals
        where lo <= hi
    )
{%- endmacro %}
