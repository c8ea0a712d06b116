-- Each ranking of fct_procedure_rankings holds ranks 1, 2, ... n without gaps or repeats,
-- n = 30 or the number of branches with procedures (volume) / cost when fewer, all for the
-- same year, and a rank never orders a branch above one with a higher measure.
with rankings as (
    select * from {{ ref('fct_procedure_rankings') }}
),

branch_measures as (
    select
        branch_id,
        volume,
        annual_cost_nok
    from {{ ref('int_procedure_branch_rankings') }}
),

expected_counts as (
    select
        'volume' as ranking,
        least(count(case when volume > 0 then 1 end), {{ procedure_ranking_size() }}) as n_expected
    from branch_measures
    union all
    select
        'cost' as ranking,
        least(
            count(case when annual_cost_nok > 0 then 1 end), {{ procedure_ranking_size() }}
        ) as n_expected
    from branch_measures
),

ranking_summary as (
    select
        ranking,
        count(*) as n_rows,
        count(distinct rank) as n_ranks,
        min(rank) as min_rank,
        max(rank) as max_rank,
        count(distinct year) as n_years
    from rankings
    group by ranking
),

inversions as (
    select
        higher.ranking,
        higher.rank
    from rankings as higher
    inner join rankings as lower
        on
            higher.ranking = lower.ranking
            and higher.rank < lower.rank
    inner join branch_measures as higher_measures
        on higher.branch_id = higher_measures.branch_id
    inner join branch_measures as lower_measures
        on lower.branch_id = lower_measures.branch_id
    where
        (higher.ranking = 'volume' and higher_measures.volume < lower_measures.volume)
        or (
            higher.ranking = 'cost'
            and higher_measures.annual_cost_nok < lower_measures.annual_cost_nok
        )
)

select
    expected_counts.ranking,
    'ranks are not 1..n once each' as problem
from expected_counts
left join ranking_summary
    on expected_counts.ranking = ranking_summary.ranking
where
    coalesce(ranking_summary.n_rows, 0) <> expected_counts.n_expected
    or coalesce(ranking_summary.n_ranks, 0) <> expected_counts.n_expected
    or (expected_counts.n_expected > 0 and ranking_summary.min_rank <> 1)
    or (
        expected_counts.n_expected > 0
        and ranking_summary.max_rank <> expected_counts.n_expected
    )
    or ranking_summary.n_years > 1
union all
select
    ranking,
    'a branch is ranked above one with a higher measure' as problem
from inversions
