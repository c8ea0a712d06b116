select
    {{ helfo_invoice_columns('lab_codes') | join(',\n    ') }}
from {{ ref('base_helfo__lab_invoices') }}
where outcome = 'staged'
