{#
    open_age_limit(): the age_to of a sample without an upper age limit in ref_samples, and the
    upper bound given to an open age group such as the waiting lists' '80+': 110, the highest
    age staging accepts (older ages are quarantined as impossible_age).
#}
{% macro open_age_limit() -%}
    110
{%- endmacro %}
