{#
    The outsider's attack on the RBF points (docs/methods.md "Suppression", RBF points):
    fct_rbf_points publishes each RHF's raw_points, the sum of its nine indicators' points
    (and NOK follows from them), so raw_points minus the points fct_rbf_indicators publishes
    is the sum of the hidden indicators' points. With the step model (ref_rbf_step_model),
    the budget's points (ref_rbf_budget) and each hidden row's published denominator, target
    and weight, the outsider finds the steps each hidden indicator can be on, and from them
    its numerator. Emits CTEs for the caller's WITH clause; the last, `name`, holds the
    findings.

    bounds: rbf_points_bounds() output (one row per RHF row, its bounds) with group_keys.
    raw_points: a relation with rbf_year, calculation, rhf_code, raw_points.
    group_keys: the keys of one sum: rbf_year, calculation, rhf_code (and any scenario key).

    A hidden row's numerator n lies in [lower_bound, upper_bound] (its published parts);
    its step is that of attainment = round(round(n / denominator, 4) / target, 9)
    (int_rbf__indicator_scores), non-decreasing in n, so each step holds an interval of n
    (rbf_points_step_intervals(); a step may hold none). The consistent steps of a
    hidden row are those of a choice of steps for all hidden rows of the group whose points
    sum to the remainder (all combinations, max_hidden rows at most). The consistent
    numerators are those in the bounds on a consistent step. A row is a finding when they
    all give
      - numerator: a hidden part n - lower_bound (n itself when no HF area is published
        with a count) of 1 to min_count - 1: no consistent n at lower_bound, none at
        lower_bound + min_count or above;
      - complement: upper_bound - n (the hidden complement) of 1 to min_count - 1;
      - inconsistent: no combination adds up (a bug, or a mart that is not what it says).
    output `name`: measure, <group_keys>, indicator_id, data_year, period, n_hidden,
    lower_bound, upper_bound.
#}
{% macro rbf_points_findings(
    name, bounds, raw_points, group_keys=['rbf_year', 'calculation', 'rhf_code'],
    min_count=none, max_hidden=9
) -%}
    {%- set min_count = var('min_cell_count') if min_count is none else min_count -%}
    {#- points are rounded to 6 decimals; steps differ by 600 points or more -#}
    {%- set tolerance = 0.001 -%}
    {%- set step_cases = [] -%}
    {%- for j in range(1, max_hidden + 1) -%}
        {%- do step_cases.append('when ' ~ j ~ ' then m.step_' ~ j) -%}
    {%- endfor -%}
    {{ name }}_steps as (
        select
            steps.rbf_year,
            steps.attainment_from,
            steps.attainment_to,
            steps.payout_share,
            budget.total_points
        from {{ ref('ref_rbf_step_model') }} as steps
        inner join {{ ref('ref_rbf_budget') }} as budget
            on steps.rbf_year = budget.rbf_year
    ),

    -- raw_points minus the published points: the hidden rows' points together
    {{ name }}_groups as (
        select
            {{ rbf_points_keys('b', group_keys) }},
            max(a.raw_points) - sum(coalesce(b.points, 0)) as remaining,
            sum(case when b.is_suppressed then 1 else 0 end) as n_hidden
        from {{ bounds }} as b
        inner join {{ raw_points }} as a
            on
                b.rbf_year = a.rbf_year
                and b.calculation = a.calculation
                and b.rhf_code = a.rhf_code
        group by {{ rbf_points_keys('b', group_keys) }}
    ),

    {{ name }}_hidden as (
        select
            b.*,
            row_number() over (
                partition by {{ rbf_points_keys('b', group_keys) }}
                order by b.indicator_id, b.data_year, b.period
            ) as ord
        from {{ bounds }} as b
        where b.is_suppressed
    ),

    {{ rbf_points_step_intervals(name, group_keys) }},

    {{ name }}_combos_0 as (
        select
            {{ group_keys | join(', ') }},
            remaining,
            n_hidden,
            cast(0 as {{ type_double() }}) as total
        from {{ name }}_groups
        where n_hidden > 0
    ),
    {#- each step reads the one before once (a CTE read twice doubles the plan of every
        later step on engines that inline CTEs, as Spark does): a group with fewer than j
        hidden rows keeps its combination with a null step j -#}
    {% for j in range(1, max_hidden + 1) %}
    {{ name }}_combos_{{ j }} as (
        select
            {{ rbf_points_keys('a', group_keys) }},
            a.remaining,
            a.n_hidden,
            {% for i in range(1, j) %}a.step_{{ i }},{% endfor %}
            b.payout_share as step_{{ j }},
            a.total + coalesce(b.points, 0) as total
        from {{ name }}_combos_{{ j - 1 }} as a
        left join {{ name }}_feasible as b
            on {{ rbf_points_match('a', 'b', group_keys) }} and b.ord = {{ j }}
        where
            (a.n_hidden < {{ j }} and b.ord is null)
            or (a.n_hidden >= {{ j }} and a.total + b.points <= a.remaining + {{ tolerance }})
    ),
    {% endfor %}

    -- the combinations that add up, and the step each gives each hidden row
    {{ name }}_consistent as (
        select distinct
            {{ rbf_points_keys('h', group_keys) }},
            h.ord,
            case h.ord {{ step_cases | join(' ') }} end as payout_share
        from {{ name }}_combos_{{ max_hidden }} as m
        inner join {{ name }}_hidden as h
            on {{ rbf_points_match('m', 'h', group_keys) }}
        where abs(m.total - m.remaining) < {{ tolerance }}
    ),

    {{ name }}_rows as (
        select
            {{ rbf_points_keys('h', group_keys) }},
            h.indicator_id,
            h.data_year,
            h.period,
            g.n_hidden,
            h.lower_bound,
            h.upper_bound,
            count(f.payout_share) as n_consistent,
            min(f.lo) as lowest,
            max(f.hi) as highest
        from {{ name }}_hidden as h
        inner join {{ name }}_groups as g
            on {{ rbf_points_match('h', 'g', group_keys) }}
        left join {{ name }}_consistent as c
            on {{ rbf_points_match('h', 'c', group_keys) }} and h.ord = c.ord
        left join {{ name }}_feasible as f
            on
                {{ rbf_points_match('c', 'f', group_keys) }}
                and c.ord = f.ord
                and c.payout_share = f.payout_share
        group by
            {{ rbf_points_keys('h', group_keys) }}, h.indicator_id,
            h.data_year, h.period, g.n_hidden, h.lower_bound, h.upper_bound
    ),

    -- all consistent n within lower_bound + 1 .. + min_count - 1, or all within
    -- upper_bound - min_count + 1 .. - 1
    {{ name }} as (
        select
            case
                when n_consistent = 0 then 'inconsistent'
                when lowest >= lower_bound + 1 and highest <= lower_bound + {{ min_count }} - 1
                    then 'numerator'
                else 'complement'
            end as measure,
            {{ group_keys | join(', ') }},
            indicator_id,
            data_year,
            period,
            n_hidden,
            lower_bound,
            upper_bound
        from {{ name }}_rows
        where
            n_consistent = 0
            or (lowest >= lower_bound + 1 and highest <= lower_bound + {{ min_count }} - 1)
            or (highest <= upper_bound - 1 and lowest >= upper_bound - {{ min_count }} - 1)
    )
{%- endmacro %}
