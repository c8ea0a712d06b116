{#
    Complementary suppression across the RBF indicators of an RHF (docs/methods.md
    "Suppression", RBF points), for fct_rbf_indicators. Emits CTEs for the caller's WITH
    clause; the last, `name`, lists the cells to hide as well: rbf_year, calculation,
    indicator_id, area_level, area_code.

    published: the mart as it would be published (rbf_points_bounds() input), with
        indicator_number.
    raw_points: the RHFs' raw_points as fct_rbf_points publishes them.

    Where rbf_points_findings() finds that the points give away a hidden RHF row's small
    count, more indicators of the same RHF, RBF year and calculation are hidden, so that the
    points of the hidden rows can only be read as a sum with more than one solution. Hiding
    a partner's RHF row alone would not do: its published HF areas add up to it. So each
    partner's RHF row and its HF area with the largest denominator (published, in that RHF)
    are hidden together: the partner's numerator can then be anything from the other HF
    areas' sum to that plus the HF area's denominator. Candidates: the published NPR
    indicators of the RHF (the NKI indicator's cells are published in fct_nki_indicators
    too). Tried: each candidate alone, then each pair (the weights differ, so one
    indicator's points may never equal a difference of another's: 1,400 = 800 + 600 needs
    two); the first (fewest partners, then by indicator_number) under which
    rbf_points_findings() finds nothing in the RHF is chosen. When none does, nothing more
    is hidden and tests/privacy/assert_rbf_points_reveal_no_small_count.sql fails.
#}
{% macro rbf_points_complementary(name, published, raw_points) -%}
    {{ rbf_points_bounds(name ~ '_bounds', published) }},

    {{ rbf_points_findings(name ~ '_leaks', name ~ '_bounds', raw_points) }},

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

    {{ name }}_candidates as (
        select distinct
            rhf.rbf_year,
            rhf.calculation,
            rhf.area_code as rhf_code,
            rhf.indicator_id as candidate,
            rhf.indicator_number
        from {{ published }} as rhf
        inner join {{ name }}_leaks as leaks
            on
                rhf.rbf_year = leaks.rbf_year
                and rhf.calculation = leaks.calculation
                and rhf.area_code = leaks.rhf_code
        where rhf.area_level = 'rhf' and not rhf.is_suppressed and rhf.data_source = 'npr'
    ),

    -- the partners tried: one candidate, or two (a pair can make sums ambiguous where
    -- no single indicator's points can: 1,400 = 800 + 600)
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

    -- every RHF as it would be with a scenario's partners hidden
    {{ name }}_scenarios as (
        select
            scenarios.scenario,
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
            bounds.lower_bound - case
                when members.member is not null then coalesce(largest.numerator, 0) else 0
            end as lower_bound,
            bounds.upper_bound + case
                when members.member is not null
                    then coalesce(largest.denominator - largest.numerator, 0)
                else 0
            end as upper_bound
        from (
            select distinct rbf_year, calculation, rhf_code, scenario
            from {{ name }}_members
        ) as scenarios
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
    ),

    {{ rbf_points_findings(
        name ~ '_tried', name ~ '_scenarios', raw_points,
        group_keys=['scenario', 'rbf_year', 'calculation', 'rhf_code']
    ) }},

    {{ name }}_chosen as (
        select
            rbf_year,
            calculation,
            rhf_code,
            scenario,
            row_number() over (
                partition by rbf_year, calculation, rhf_code
                order by n_members, scenario_order
            ) as choice
        from (
            select distinct rbf_year, calculation, rhf_code, scenario, n_members, scenario_order
            from {{ name }}_members
        ) as scenarios
        where not exists (
            select 1
            from {{ name }}_tried as tried
            where
                tried.scenario = scenarios.scenario
                and tried.rbf_year = scenarios.rbf_year
                and tried.calculation = scenarios.calculation
                and tried.rhf_code = scenarios.rhf_code
        )
    ),

    {{ name }}_hidden_members as (
        select
            members.rbf_year,
            members.calculation,
            members.rhf_code,
            members.member as indicator_id
        from {{ name }}_members as members
        inner join {{ name }}_chosen as chosen
            on
                members.rbf_year = chosen.rbf_year
                and members.calculation = chosen.calculation
                and members.rhf_code = chosen.rhf_code
                and members.scenario = chosen.scenario
        where chosen.choice = 1
    ),

    {{ name }} as (
        select
            rbf_year,
            calculation,
            indicator_id,
            'rhf' as area_level,
            rhf_code as area_code
        from {{ name }}_hidden_members
        union all
        select
            hidden.rbf_year,
            hidden.calculation,
            hidden.indicator_id,
            'hf' as area_level,
            largest.area_code
        from {{ name }}_hidden_members as hidden
        inner join {{ name }}_largest_hf as largest
            on
                hidden.rbf_year = largest.rbf_year
                and hidden.calculation = largest.calculation
                and hidden.indicator_id = largest.indicator_id
                and hidden.rhf_code = largest.rhf_code
                and largest.size_rank = 1
    )
{%- endmacro %}
