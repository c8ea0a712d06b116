{#
    The procedure codes of the NPR-SOM and NPR-AvtaleSOM contacts of the newest complete years
    the rankings use (the median window, procedure_ranking_years().median = 5): one row per
    contact and distinct procedure code (a code in two of the five positions counts once),
    with the contact's year, the year's rank among the complete years and its ISF points.
    Person-level (contact ids); never leaves the intermediate layer.
#}
{%- set code_columns = [
    'procedure_code_1', 'procedure_code_2', 'procedure_code_3', 'procedure_code_4',
    'procedure_code_5',
] %}
with years as (
    select
        year,
        complete_year_rank
    from {{ ref('int_procedure_complete_years') }}
    where complete_year_rank <= {{ procedure_ranking_years().median }}
),

contacts as (
    select
        contacts.contact_id,
        contacts.year,
        years.complete_year_rank,
        cast(contacts.isf_points as {{ type_double() }}) as isf_points,
        {{ code_columns | join(',\n        ') }}
    from {{ ref('int_npr__contacts') }} as contacts
    inner join years
        on contacts.year = years.year
    where contacts.source in {{ procedure_ranking_source_list() }}
),

contact_codes as (
    {% for column in code_columns %}
        select
            contact_id,
            year,
            complete_year_rank,
            isf_points,
            {{ column }} as procedure_code
        from contacts
        where {{ column }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select distinct
    contact_id,
    year,
    complete_year_rank,
    isf_points,
    procedure_code
from contact_codes
