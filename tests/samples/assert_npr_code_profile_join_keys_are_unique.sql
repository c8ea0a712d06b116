-- Every NPR code profile has a join key of its own (macro npr_code_profile_join_key: a hash of
-- the profile's columns on DuckDB): a contact joins its profile on this key, so two profiles
-- sharing one would give their contacts both profiles' samples. Returns the shared keys.
with profiles as (
    select * from {{ ref('int_npr__code_profiles') }}
)

select
    {{ npr_code_profile_join_key('profiles') }} as join_key,
    count(*) as n_profiles
from profiles
group by {{ npr_code_profile_join_key('profiles') }}
having count(*) > 1
