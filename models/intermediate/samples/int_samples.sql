{#
    Every sample of the dashboard: the codebook samples (seeds/codebooks/ref_samples) and the
    ranked procedure branches (SPEC section 8: "Rates per 100,000 for the ranked branches").
    The samples layer (membership, periods, strata, rate engine) and dim_samples read this
    model, so a ranked branch gets rates like any other sample.

    A branch is a sample when it is among the top procedure_ranking_size() (30) of either
    ranking of int_procedure_branch_rankings (at most 60; a branch in both rankings is one
    sample): sample id `som_procedure_<branch_id>`, sub-area procedure_related, NPR-SOM and
    NPR-AvtaleSOM contacts of every care type with at least one code of the branch
    (int_sample_codes), measure procedures, everyone (no age or sex scope, no provider
    choice). The ranking reads contacts and codes only, never the samples: no cycle. Which
    branches are samples changes only with a new complete year, like the rankings.
#}
with codebook_samples as (
    select
        sample_id,
        area,
        sub_area,
        name_nb,
        name_en,
        sources,
        event_type,
        care_types,
        measures,
        age_from,
        age_to,
        sex_scope,
        provider_options,
        exclusive_provider_types,
        stratification,
        scope_label_nb,
        scope_label_en,
        population_label_nb,
        population_label_en,
        sort_order,
        note
    from {{ ref('ref_samples') }}
),

ranked_branches as (
    select
        rankings.branch_id,
        rankings.ranking_year,
        rankings.volume_rank,
        rankings.cost_rank,
        branches.name_nb,
        branches.name_en,
        branches.definition,
        branches.sort_order
    from {{ ref('int_procedure_branch_rankings') }} as rankings
    inner join {{ ref('ref_procedure_branches') }} as branches
        on rankings.branch_id = branches.branch_id
    where
        rankings.volume_rank <= {{ procedure_ranking_size() }}
        or rankings.cost_rank <= {{ procedure_ranking_size() }}
),

branch_samples as (
    select
        {{ procedure_sample_id('branch_id') }} as sample_id,
        'somatics' as area,
        'procedure_related' as sub_area,
        name_nb,
        name_en,
        '{{ procedure_ranking_sources() | join("|") }}' as sources,
        'npr_contact' as event_type,
        'inpatient|day_treatment|outpatient' as care_types,
        'procedures' as measures,
        0 as age_from,
        {{ open_age_limit() }} as age_to,
        'all' as sex_scope,
        'all' as provider_options,
        cast(null as {{ dbt.type_string() }}) as exclusive_provider_types,
        'sex_age' as stratification,
        'Alle' as scope_label_nb,
        'Everyone' as scope_label_en,
        'per 100 000 innbyggere' as population_label_nb,
        'per 100,000 inhabitants' as population_label_en,
        5000 + sort_order as sort_order,
        {{ dbt.concat([
            "'seed 000 (Somatics, procedure-related): procedure branch '",
            'branch_id',
            "' ('",
            'definition',
            "'), among the top " ~ procedure_ranking_size() ~ " by volume or cost in '",
            dbt.safe_cast('ranking_year', dbt.type_string()),
            "' (fct_procedure_rankings); NPR-SOM and NPR-AvtaleSOM, all care types'",
        ]) }} as note
    from ranked_branches
)

select * from codebook_samples
union all
select * from branch_samples
