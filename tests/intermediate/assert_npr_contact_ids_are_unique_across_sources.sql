-- NPR contact ids are unique across the six activity extracts, not only within each (staging's
-- unique record ids): int_npr__contacts, the membership and the RBF contacts join and count by
-- contact_id alone, so an id two extracts share would count its contacts twice. Read from the
-- table of the staged contacts of all six. Returns each id that repeats.
with contact_ids as (
    select contact_id from {{ ref('int_npr__contacts') }}
)

select
    contact_id,
    count(*) as n_rows
from contact_ids
group by contact_id
having count(*) > 1
