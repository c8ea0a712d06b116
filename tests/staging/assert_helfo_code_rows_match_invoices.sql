-- Code-level conservation for HELFO imaging: every staged invoice has exactly as many rows in its
-- code model as its code list has items (n_codes), numbered from 1 to n_codes, and the code model
-- holds no other invoices. Returns the invoices whose counts or positions differ. (The
-- laboratory codes have no code-level model: tests/intermediate/
-- assert_lab_code_groups_conserve_codes_and_nok.sql checks their groups.)
with invoice_counts as (
    select
        source,
        invoice_id,
        n_codes
    from {{ ref('stg_helfo__imaging_invoices') }}
),

code_counts as (
    select
        source,
        invoice_id,
        count(*) as n_code_rows,
        min(code_position) as first_position,
        max(code_position) as last_position
    from {{ ref('stg_helfo__imaging_invoice_codes') }}
    group by source, invoice_id
)

select
    invoice_counts.n_codes,
    code_counts.n_code_rows,
    code_counts.first_position,
    code_counts.last_position,
    coalesce(invoice_counts.source, code_counts.source) as invoice_source,
    coalesce(invoice_counts.invoice_id, code_counts.invoice_id) as invoice_id
from invoice_counts
full outer join code_counts
    on
        invoice_counts.source = code_counts.source
        and invoice_counts.invoice_id = code_counts.invoice_id
where
    coalesce(invoice_counts.n_codes, 0) <> coalesce(code_counts.n_code_rows, 0)
    or code_counts.first_position <> 1
    or code_counts.last_position <> code_counts.n_code_rows
