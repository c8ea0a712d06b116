-- A construction test (make test runs it on every engine, the production build leaves it out):
-- conservation follows from the model's SQL, which splits every staged list, keeps every code
-- through left joins and shares each invoice's NOK by fractions that add up to one (its unit
-- tests), and this test reads every invoice again.
{{ config(tags=['construction']) }}
-- The laboratory code groups hold every non-empty code of the staged invoices and all their
-- reimbursement: per source and year, the groups' codes equal the invoices' non-empty codes, and
-- their NOK the reimbursement of the invoices with at least one code. Counted on the invoices
-- (a list has n_codes items), not by splitting every list again: only the rare lists with an
-- empty item ('a||b', or a '|' first or last) are split, to count their empty items. Returns
-- the source-years that disagree.
with invoices as (
    select
        source,
        service_year as year,
        invoice_id,
        n_codes,
        lab_codes,
        coalesce(reimbursement_nok, 0) as reimbursement_nok
    from {{ ref('stg_helfo__lab_invoices') }}
),

with_empty_items as (
    select
        invoice_id,
        lab_codes
    from invoices
    where lab_codes like '%||%' or lab_codes like '|%' or lab_codes like '%|'
),

items as (
    {{ split_to_rows(
        'with_empty_items', ['invoice_id'], 'lab_codes', '|', 'code_value', 'code_position') }}
),

empty_items as (
    select
        invoice_id,
        sum(case when code_value = '' then 1 else 0 end) as n_empty
    from items
    group by invoice_id
),

expected as (
    select
        invoices.source,
        invoices.year,
        sum(invoices.n_codes - coalesce(empty_items.n_empty, 0)) as n_codes,
        sum(
            case
                when invoices.n_codes - coalesce(empty_items.n_empty, 0) > 0
                    then invoices.reimbursement_nok
                else 0
            end
        ) as nok
    from invoices
    left join empty_items
        on invoices.invoice_id = empty_items.invoice_id
    group by
        invoices.source,
        invoices.year
),

grouped as (
    select
        source,
        year,
        sum(n_codes) as n_codes,
        sum(nok) as nok
    from {{ ref('int_helfo__lab_code_groups') }}
    group by
        source,
        year
)

select
    expected.n_codes as expected_codes,
    grouped.n_codes as grouped_codes,
    expected.nok as expected_nok,
    grouped.nok as grouped_nok,
    coalesce(expected.source, grouped.source) as source_name,
    coalesce(expected.year, grouped.year) as service_year
from expected
full outer join grouped
    on
        expected.source = grouped.source
        and expected.year = grouped.year
where
    coalesce(expected.n_codes, 0) <> coalesce(grouped.n_codes, 0)
    or abs(coalesce(expected.nok, 0) - coalesce(grouped.nok, 0))
    > 1e-6 * (1 + abs(coalesce(expected.nok, 0)))
