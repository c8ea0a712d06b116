{#
    Complementary suppression across the RBF indicators of an RHF (docs/methods.md
    "Suppression", RBF points), for fct_rbf_indicators: CTEs for the caller's WITH clause;
    the last, `name`, lists the cells to hide as well (rbf_year, calculation, indicator_id,
    area_level, area_code). scenarios: int_rbf__points_scenarios (rbf_points_scenarios());
    raw_points: fct_rbf_points' raw_points (rbf_year, calculation, rhf_code, raw_points).

    All scenarios are one rbf_points_findings() search. Where it finds that the points give
    away a hidden RHF row's small count in scenario `none`, the first other scenario (fewest
    partners, then by indicator_number) under which it finds nothing in the RHF is chosen,
    and its partners' RHF rows and HF areas are hidden; when none is, tests/privacy/
    assert_rbf_points_reveal_no_small_count.sql fails. The scenarios are a table of their
    own, and no search reads another's result: an engine that inlines CTEs, as Spark does,
    would otherwise plan them again in every step of the search.
#}
{% macro rbf_points_complementary(name, scenarios, raw_points) -%}
    {{ rbf_points_findings(
        name ~ '_tried', scenarios, raw_points,
        group_keys=['scenario', 'rbf_year', 'calculation', 'rhf_code']
    ) }},

    -- the RHFs where nothing more hidden gives a count away
    {{ name }}_leaking as (
        select distinct
            rbf_year,
            calculation,
            rhf_code
        from {{ name }}_tried
        where scenario = 'none'
    ),

    {{ name }}_chosen as (
        select
            scenarios.rbf_year,
            scenarios.calculation,
            scenarios.rhf_code,
            scenarios.scenario,
            row_number() over (
                partition by scenarios.rbf_year, scenarios.calculation, scenarios.rhf_code
                order by scenarios.n_members, scenarios.scenario_order
            ) as choice
        from (
            select distinct rbf_year, calculation, rhf_code, scenario, n_members, scenario_order
            from {{ scenarios }}
        ) as scenarios
        inner join {{ name }}_leaking as leaking
            on
                scenarios.rbf_year = leaking.rbf_year
                and scenarios.calculation = leaking.calculation
                and scenarios.rhf_code = leaking.rhf_code
        where
            scenarios.n_members > 0
            and not exists (
                select 1
                from {{ name }}_tried as tried
                where
                    tried.scenario = scenarios.scenario
                    and tried.rbf_year = scenarios.rbf_year
                    and tried.calculation = scenarios.calculation
                    and tried.rhf_code = scenarios.rhf_code
            )
    ),

    {{ name }}_partners as (
        select
            partners.rbf_year,
            partners.calculation,
            partners.indicator_id,
            partners.rhf_code,
            partners.partner_hf_code
        from {{ scenarios }} as partners
        inner join {{ name }}_chosen as chosen
            on
                partners.rbf_year = chosen.rbf_year
                and partners.calculation = chosen.calculation
                and partners.rhf_code = chosen.rhf_code
                and partners.scenario = chosen.scenario
        where chosen.choice = 1 and partners.is_partner
    ),

    {{ name }} as (
        select
            rbf_year,
            calculation,
            indicator_id,
            'rhf' as area_level,
            rhf_code as area_code
        from {{ name }}_partners
        union all
        select
            rbf_year,
            calculation,
            indicator_id,
            'hf' as area_level,
            partner_hf_code as area_code
        from {{ name }}_partners
        where partner_hf_code is not null
    )
{%- endmacro %}
