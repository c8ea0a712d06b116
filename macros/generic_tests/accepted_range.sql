{#
    Fails for every non-null value outside the range [min_value, max_value] (either bound may
    be left out; inclusive=false makes both bounds exclusive). Same arguments as the
    dbt_utils test of this name, which this project cannot install.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
{% set comparison = ">=" if inclusive else ">" %}
{% set above_min = column_name ~ " " ~ comparison ~ " " ~ min_value %}
{% set below_max = max_value ~ " " ~ comparison ~ " " ~ column_name %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and not (
        {{ "1 = 1" if min_value is none else above_min }}
        and {{ "1 = 1" if max_value is none else below_max }}
    )

{% endtest %}
