{#
    The scenarios of the RBF points' complementary suppression (docs/methods.md
    "Suppression", RBF points), for int_rbf__points_scenarios: CTEs for the caller's WITH
    clause; the last, `name`, has one row per scenario and RHF row, shaped like
    rbf_points_bounds() output with the scenario (scenario, n_members, scenario_order,
    is_partner, partner_hf_code). published: the mart as it would be published (the input
    of rbf_points_bounds(), with indicator_number).

    For each RHF, RBF year and calculation with a hidden RHF row: scenario `none` (nothing
    more hidden), and each set of partners, one or two of the RHF's published NPR
    indicators (the NKI indicator's cells are published in fct_nki_indicators too; a pair
    can make sums ambiguous where no single indicator's points can: 1,400 = 800 + 600). A
    partner's RHF row alone would not do (its published HF areas add up to it), so its HF
    area with the largest denominator (partner_hf_code) is hidden with it: its numerator is
    then anything from the other HF areas' sum to that plus the HF area's denominator.
#}
{% macro rbf_points_scenarios(name, published) -%}
    {{ rbf_points_bounds(name ~ '_bounds', published) }},

    -- per RHF and indicator, its published HF area with the largest denominator
    {{ name }}_largest_hf as (
        select
            parts.rbf_year,
            parts.calculation,
            parts.indicator_id,
            areas.parent_area_code as rhf_code,
            parts.area_code,
            parts.numerator,
            parts.denominator,
            row_number() over (
                partition by
                    parts.rbf_year, parts.calculation, parts.indicator_id,
                    areas.parent_area_code
                order by parts.denominator desc, parts.area_code
            ) as size_rank
        from {{ published }} as parts
        inner join {{ ref('dim_areas') }} as areas
            on
                parts.area_level = areas.area_level
                and parts.area_code = areas.area_code
        where parts.area_level = 'hf' and not parts.is_suppressed
    ),

    -- the RHFs with a hidden row (only there can the points give a count away)
    {{ name }}_hiding as (
        select distinct rbf_year, calculation, rhf_code
        from {{ name }}_bounds
        where is_suppressed
    ),

    {{ name }}_candidates as (
        select
            rhf.rbf_year,
            rhf.calculation,
            rhf.area_code as rhf_code,
            rhf.indicator_id as candidate,
            rhf.indicator_number
        from {{ published }} as rhf
        inner join {{ name }}_hiding as hiding
            on
                rhf.rbf_year = hiding.rbf_year
                and rhf.calculation = hiding.calculation
                and rhf.area_code = hiding.rhf_code
        where rhf.area_level = 'rhf' and not rhf.is_suppressed and rhf.data_source = 'npr'
    ),

    -- the partners tried: one candidate, or two
    {{ name }}_members as (
        select
            a.rbf_year,
            a.calculation,
            a.rhf_code,
            {{ dbt.concat(["a.candidate", "'+'", "b.candidate"]) }} as scenario,
            case when a.candidate = b.candidate then 1 else 2 end as n_members,
            a.indicator_number * 100 + b.indicator_number as scenario_order,
            member.candidate as member
        from {{ name }}_candidates as a
        inner join {{ name }}_candidates as b
            on
                a.rbf_year = b.rbf_year
                and a.calculation = b.calculation
                and a.rhf_code = b.rhf_code
                and a.indicator_number <= b.indicator_number
        inner join {{ name }}_candidates as member
            on
                a.rbf_year = member.rbf_year
                and a.calculation = member.calculation
                and a.rhf_code = member.rhf_code
                and member.candidate in (a.candidate, b.candidate)
    ),

    -- the scenarios of each RHF: `none` and each set of partners (one search for all)
    {{ name }}_scenario_list as (
        select distinct
            rbf_year,
            calculation,
            rhf_code,
            scenario,
            n_members,
            scenario_order
        from {{ name }}_members
        union all
        select
            rbf_year,
            calculation,
            rhf_code,
            'none' as scenario,
            0 as n_members,
            0 as scenario_order
        from {{ name }}_hiding
    ),

    -- every RHF as it would be with a scenario's partners hidden
    {{ name }} as (
        select
            scenarios.scenario,
            scenarios.n_members,
            scenarios.scenario_order,
            bounds.rbf_year,
            bounds.calculation,
            bounds.rhf_code,
            bounds.indicator_id,
            bounds.data_year,
            bounds.period,
            bounds.denominator,
            bounds.target,
            bounds.weight,
            case when members.member is null then bounds.points end as points,
            bounds.is_suppressed or members.member is not null as is_suppressed,
            members.member is not null as is_partner,
            largest.area_code as partner_hf_code,
            bounds.lower_bound - case
                when members.member is not null then coalesce(largest.numerator, 0) else 0
            end as lower_bound,
            bounds.upper_bound + case
                when members.member is not null
                    then coalesce(largest.denominator - largest.numerator, 0)
                else 0
            end as upper_bound
        from {{ name }}_scenario_list as scenarios
        inner join {{ name }}_bounds as bounds
            on
                scenarios.rbf_year = bounds.rbf_year
                and scenarios.calculation = bounds.calculation
                and scenarios.rhf_code = bounds.rhf_code
        left join {{ name }}_members as members
            on
                scenarios.rbf_year = members.rbf_year
                and scenarios.calculation = members.calculation
                and scenarios.rhf_code = members.rhf_code
                and scenarios.scenario = members.scenario
                and bounds.indicator_id = members.member
        left join {{ name }}_largest_hf as largest
            on
                bounds.rbf_year = largest.rbf_year
                and bounds.calculation = largest.calculation
                and bounds.indicator_id = largest.indicator_id
                and bounds.rhf_code = largest.rhf_code
                and largest.size_rank = 1
                and members.member is not null
    )
{%- endmacro %}
