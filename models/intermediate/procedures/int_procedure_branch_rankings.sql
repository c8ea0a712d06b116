{#
    The two rankings of the procedure branches (SPEC section 8, seed 000), one row per branch
    of ref_procedure_branches:
      volume           contacts of the newest complete year (NPR-SOM and NPR-AvtaleSOM, all
                       residents, national) with at least one code of the branch: "procedures"
                       as the rates count them (a contact with two codes of the branch = 1).
      total_cost_nok   step 4: the sum of the indexed max medians (int_procedure_contact_costs)
                       over the contacts of the newest 2 complete years having a code of the
                       branch (a contact in two branches counts in both).
      annual_cost_nok  total_cost_nok divided by the number of those years (2).
      volume_rank, cost_rank  1 = highest; only branches with volume (cost) above 0 are ranked.
                       Ties are broken by the other measure (higher first), then by branch_id:
                       deterministic, so a rebuild on the same data gives the same ranks.
#}
with branches as (
    select branch_id
    from {{ ref('ref_procedure_branches') }}
),

years as (
    select
        year,
        complete_year_rank
    from {{ ref('int_procedure_complete_years') }}
),

ranking_year as (
    select year as ranking_year
    from years
    where complete_year_rank = 1
),

cost_years as (
    select count(*) as n_cost_years
    from years
    where complete_year_rank <= {{ procedure_ranking_years().cost }}
),

branch_contacts as (
    select
        branch_contacts.branch_id,
        branch_contacts.contact_id,
        branch_contacts.complete_year_rank,
        coalesce(contact_costs.cost_nok, 0) as cost_nok
    from {{ ref('int_procedure_branch_contacts') }} as branch_contacts
    left join {{ ref('int_procedure_contact_costs') }} as contact_costs
        on branch_contacts.contact_id = contact_costs.contact_id
),

branch_sums as (
    select
        branch_id,
        count(
            case when complete_year_rank <= {{ procedure_ranking_years().volume }} then 1 end
        ) as volume,
        count(*) as cost_contacts,
        -- doubles added in a fixed order: the same bits in every build, so the same ranks
        -- and the same rounded annual cost (a contact is once in its branch)
        {{ ordered_sum('cost_nok', 'contact_id') }} as total_cost_nok
    from branch_contacts
    group by branch_id
),

measured as (
    select
        branches.branch_id,
        ranking_year.ranking_year,
        cost_years.n_cost_years,
        coalesce(branch_sums.volume, 0) as volume,
        coalesce(branch_sums.cost_contacts, 0) as cost_contacts,
        cast(coalesce(branch_sums.total_cost_nok, 0) as {{ type_double() }}) as total_cost_nok,
        cast(coalesce(branch_sums.total_cost_nok, 0) as {{ type_double() }})
        / cost_years.n_cost_years as annual_cost_nok
    from branches
    cross join ranking_year
    cross join cost_years
    left join branch_sums
        on branches.branch_id = branch_sums.branch_id
),

ranked as (
    select
        *,
        row_number() over (
            order by volume desc, annual_cost_nok desc, branch_id asc
        ) as volume_order,
        row_number() over (
            order by annual_cost_nok desc, volume desc, branch_id asc
        ) as cost_order
    from measured
)

select
    branch_id,
    ranking_year,
    n_cost_years,
    volume,
    cost_contacts,
    total_cost_nok,
    annual_cost_nok,
    case when volume > 0 then volume_order end as volume_rank,
    case when annual_cost_nok > 0 then cost_order end as cost_rank
from ranked
