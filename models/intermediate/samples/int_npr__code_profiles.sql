{#
    The distinct code profiles of the NPR contacts: every combination of source, care type and
    the code columns a sample may test (specialty, activity category, urgency, DRG type, main
    diagnosis, the five procedure codes) that occurs, with a number. Which samples a contact
    belongs to by its codes depends on its profile only, so the code matching runs once per
    profile instead of once per contact (43,510 profiles for 5.6 million contacts at scale
    0.05). code_profile_key (macro npr_code_profile_key) is the profile as one text key, the
    key contacts join their profile on (npr_code_profile_join: a hash of the columns on
    DuckDB). A new code column for the samples is one more column in
    npr_code_profile_columns() and in int_npr__code_profile_codes.
#}
{%- set profile_columns = npr_code_profile_columns() %}
with profiles as (
    select distinct
        {{ profile_columns | join(',\n        ') }}
    from {{ ref('int_npr__contacts') }}
)

select
    {{ profile_columns | join(',\n    ') }},
    {{ npr_code_profile_key('profiles') }} as code_profile_key,
    row_number() over (
        order by {{ profile_columns | join(', ') }}
    ) as code_profile_id
from profiles
