select
    {{ npr_activity_columns() | join(',\n    ') }}
from {{ ref('base_npr__som') }}
where outcome = 'staged'
