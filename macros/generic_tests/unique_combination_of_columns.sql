{#
    Fails for every combination of the given columns that occurs more than once: a composite
    primary-key test (dbt's `unique` takes one column; no external packages in this project).
    NULLs count as a value (they group together), as a natural key with an optional part such
    as (municipality_code, district_code) needs.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns_csv = combination_of_columns | join(', ') %}

select
    {{ columns_csv }},
    count(*) as n_rows
from {{ model }}
group by {{ columns_csv }}
having count(*) > 1

{% endtest %}
