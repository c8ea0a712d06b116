{#
    The project's not_null_columns test (macros/generic_tests/not_null_columns.sql) run on a
    fixture: it must report exactly the columns holding NULLs, each with its number of NULL
    rows, and nothing for a column without NULLs. Fails with the rows where the test's
    findings and the expected findings differ.
#}
with fixture as (
    select
        1 as complete_column,
        cast(null as integer) as one_null,
        cast(null as integer) as two_nulls
    union all
    select
        2 as complete_column,
        3 as one_null,
        cast(null as integer) as two_nulls
),

findings as (
    {{ test_not_null_columns('fixture', ['complete_column', 'one_null', 'two_nulls']) }}
),

expected as (
    select
        'one_null' as column_name,
        1 as null_rows
    union all
    select
        'two_nulls' as column_name,
        2 as null_rows
),

missing as (
    select
        column_name,
        null_rows
    from expected
    except
    select
        column_name,
        null_rows
    from findings
),

unexpected as (
    select
        column_name,
        null_rows
    from findings
    except
    select
        column_name,
        null_rows
    from expected
)

select
    'missing' as problem,
    column_name,
    null_rows
from missing
union all
select
    'unexpected' as problem,
    column_name,
    null_rows
from unexpected
