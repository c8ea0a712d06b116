select
    {{ helfo_invoice_columns('procedure_codes') | join(',\n    ') }}
from {{ ref('base_helfo__imaging_invoices') }}
where outcome = 'staged'
