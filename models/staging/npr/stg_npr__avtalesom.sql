select
    {{ npr_activity_columns() | join(',\n    ') }}
from {{ ref('base_npr__avtalesom') }}
where outcome = 'staged'
