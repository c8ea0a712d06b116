{#
    Step 1 of the cost ranking (seed 000, "Technically, Cost is calculated ..."): per
    procedure code, the median ISF points (DRG weight) of the contacts carrying the code in the
    newest procedure_ranking_years().median (5) complete years. A contact counts once per code
    whatever the position; contacts without ISF points are left out of the median.
#}
with contact_codes as (
    select
        procedure_code,
        isf_points
    from {{ ref('int_procedure_contact_codes') }}
    where
        complete_year_rank <= {{ procedure_ranking_years().median }}
        and isf_points is not null
)

select
    procedure_code,
    count(*) as n_contacts,
    cast({{ median('isf_points') }} as {{ type_double() }}) as median_isf_points
from contact_codes
group by procedure_code
