{#
    Public mart of the procedure rankings (SPEC section 8; seed 000, Somatics,
    procedure-related): the top procedure_ranking_size() (30) procedure branches by volume and
    by cost in the newest complete year, one row per ranking and rank (int_procedure_branch_rankings
    holds the method). sample_id is the branch's sample in fct_utilisation_rates and
    dim_samples (procedures per 100,000, every period and area level).

    Suppression (SPEC section 12): a volume of 1 to var('min_cell_count') - 1 procedures is
    null, and so is the annual cost when the contacts it sums (cost_contacts, two years) are
    that few; is_suppressed says either happened. The rank itself is published.
#}
with rankings as (
    select * from {{ ref('int_procedure_branch_rankings') }}
),

branches as (
    select
        branch_id,
        name_nb,
        name_en
    from {{ ref('ref_procedure_branches') }}
),

ranked as (
    select
        'volume' as ranking,
        volume_rank as rank_number,
        branch_id,
        ranking_year,
        n_cost_years,
        volume,
        cost_contacts,
        annual_cost_nok
    from rankings
    where volume_rank <= {{ procedure_ranking_size() }}
    union all
    select
        'cost' as ranking,
        cost_rank as rank_number,
        branch_id,
        ranking_year,
        n_cost_years,
        volume,
        cost_contacts,
        annual_cost_nok
    from rankings
    where cost_rank <= {{ procedure_ranking_size() }}
),

flagged as (
    select
        *,
        volume > 0 and volume < {{ var('min_cell_count') }} as is_volume_suppressed,
        cost_contacts > 0
        and cost_contacts < {{ var('min_cell_count') }} as is_cost_suppressed
    from ranked
)

select
    flagged.ranking,
    cast(flagged.rank_number as {{ dbt.type_int() }}) as rank,
    flagged.branch_id,
    branches.name_nb as branch_name,
    branches.name_en as branch_name_en,
    {{ procedure_sample_id('flagged.branch_id') }} as sample_id,
    flagged.ranking_year as year,
    case
        when not flagged.is_volume_suppressed then cast(flagged.volume as {{ dbt.type_int() }})
    end as volume,
    case
        when not flagged.is_cost_suppressed
            then cast(flagged.cost_contacts as {{ dbt.type_int() }})
    end as cost_contacts,
    cast(flagged.n_cost_years as {{ dbt.type_int() }}) as cost_years,
    case
        when not flagged.is_cost_suppressed then {{ round_to('flagged.annual_cost_nok', 0) }}
    end as annual_cost_nok,
    flagged.is_volume_suppressed or flagged.is_cost_suppressed as is_suppressed
from flagged
inner join branches
    on flagged.branch_id = branches.branch_id
