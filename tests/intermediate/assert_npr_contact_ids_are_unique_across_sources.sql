-- NPR contact ids are unique across the six activity extracts, not only within each (staging's
-- unique record ids): int_npr__contacts, the membership and the RBF contacts join and count by
-- contact_id alone, so an id two extracts share would count its contacts twice. Read from the
-- staged rows' ids only, not through the person-level view and its lookups. Returns each id
-- that repeats.
with contact_ids as (
    {%- for table in npr_activity_tables() %}
        select contact_id from {{ ref('stg_npr__' ~ table) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select
    contact_id,
    count(*) as n_rows
from contact_ids
group by contact_id
having count(*) > 1
