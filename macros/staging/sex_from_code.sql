{#
    sex_from_code(expression): `male` or `female` from the registries' sex code (kjonn: 1 male,
    2 female; NPR, HELFO and the referrals alike); any other code (0 unknown, 9 unspecified,
    or anything else) gives NULL, the unknown sex that rates leave out and the data-quality
    marts count (SPEC section 5). The seeds spell sex the same way.
#}
{% macro sex_from_code(expression) -%}
    case trim({{ expression }})
        when '1' then 'male'
        when '2' then 'female'
    end
{%- endmacro %}
