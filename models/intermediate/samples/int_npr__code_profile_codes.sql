{#
    The codes of every NPR code profile (int_npr__code_profiles) in long form, one row per
    profile, code field and code, with the profile's source and care type (they key the
    membership's pattern matching): the input of the sample membership. Code fields
    (ref_sample_codes.code_field):
      main_diagnosis     main diagnosis (ICD-10, normalised: upper case, no dots)
      procedure          any of the five procedure codes (NCSP/NCMP/NCRP)
      specialty          specialty code (fagområde, 3 digits)
      urgency            urgency (innmåtehastighet: 1-3 emergency, 4 planned, 5 returned)
      activity_category  NPR activity category (4 day surgery, 9 dialysis ...)
      drg_type           K surgical / M medical DRG
    A code in two procedure positions gives two rows. A view.
#}
{%- set code_columns = [
    ('main_diagnosis', 'main_diagnosis_code'),
    ('procedure', 'procedure_code_1'),
    ('procedure', 'procedure_code_2'),
    ('procedure', 'procedure_code_3'),
    ('procedure', 'procedure_code_4'),
    ('procedure', 'procedure_code_5'),
    ('specialty', 'specialty_code'),
    ('urgency', 'urgency_code'),
    ('activity_category', 'activity_category'),
    ('drg_type', 'drg_type'),
] %}
with profiles as (
    select * from {{ ref('int_npr__code_profiles') }}
),

codes as (
    {% for code_field, column in code_columns %}
        select
            code_profile_id,
            source,
            care_type,
            '{{ code_field }}' as code_field,
            {{ column }} as code
        from profiles
        where {{ column }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    code_profile_id,
    source,
    care_type,
    code_field,
    code
from codes
