{#
    The project's column_checks test (macros/generic_tests/column_checks.sql) run on a fixture:
    it must report exactly the failing (column, check) pairs, each with its number of failing
    rows, and nothing for a clean column: NULLs, duplicates (a value twice, a value three
    times; NULLs present twice pass), values outside a list (quoted, with a quote in a value,
    and a quote: false integer list; NULL passes) and values outside ranges (inclusive and
    exclusive bounds, one-sided bounds; NULL passes) and keys over several columns (a
    combination twice, one three times, NULLs grouping together; clean keys with a NULL part).
    Fails with the rows where the test's findings and the expected findings differ.
#}
with fixture as (
    select
        1 as complete_column,
        cast(null as integer) as one_null,
        cast(null as integer) as two_nulls,
        'a' as letter,
        'x' as clean_letter,
        'o''k' as with_quote,
        0 as code,
        1 as inclusive_range,
        1 as exclusive_range,
        -1 as min_only,
        10 as max_only,
        5 as clean_range,
        1 as duplicated_once,
        cast(null as integer) as duplicated_nulls,
        'a' as tripled
    union all
    select
        2 as complete_column,
        3 as one_null,
        cast(null as integer) as two_nulls,
        'b' as letter,
        cast(null as {{ dbt.type_string() }}) as clean_letter,
        'o''k' as with_quote,
        1 as code,
        3 as inclusive_range,
        2 as exclusive_range,
        0 as min_only,
        9 as max_only,
        cast(null as integer) as clean_range,
        1 as duplicated_once,
        cast(null as integer) as duplicated_nulls,
        'a' as tripled
    union all
    select
        3 as complete_column,
        4 as one_null,
        5 as two_nulls,
        'c' as letter,
        'y' as clean_letter,
        cast(null as {{ dbt.type_string() }}) as with_quote,
        2 as code,
        4 as inclusive_range,
        3 as exclusive_range,
        cast(null as integer) as min_only,
        11 as max_only,
        100 as clean_range,
        2 as duplicated_once,
        1 as duplicated_nulls,
        'a' as tripled
    union all
    select
        4 as complete_column,
        5 as one_null,
        6 as two_nulls,
        cast(null as {{ dbt.type_string() }}) as letter,
        'x' as clean_letter,
        'o''k' as with_quote,
        2 as code,
        cast(null as integer) as inclusive_range,
        2 as exclusive_range,
        0 as min_only,
        cast(null as integer) as max_only,
        0 as clean_range,
        3 as duplicated_once,
        2 as duplicated_nulls,
        'b' as tripled
),

findings as (
    {{ test_column_checks(
        'fixture',
        not_null=['complete_column', 'one_null', 'two_nulls', 'letter'],
        unique=['complete_column', 'duplicated_once', 'duplicated_nulls', 'tripled'],
        accepted_values={
            'letter': ['a', 'b'],
            'clean_letter': ['x', 'y'],
            'with_quote': ["o'k"],
            'code': {'values': [0, 1], 'quote': false},
        },
        accepted_range={
            'inclusive_range': {'min_value': 1, 'max_value': 3},
            'exclusive_range': {'min_value': 1, 'max_value': 3, 'inclusive': false},
            'min_only': {'min_value': 0},
            'max_only': {'max_value': 10, 'inclusive': false},
            'clean_range': {'min_value': 0, 'max_value': 100, 'inclusive': true},
        },
        unique_keys=[
            ['letter', 'tripled'],
            ['tripled', 'duplicated_once'],
            ['two_nulls', 'duplicated_nulls'],
            ['tripled'],
            ['complete_column'],
        ],
    ) }}
),

expected as (
    select
        'one_null' as column_name,
        'not_null' as check_name,
        1 as failing_rows
    union all
    select
        'two_nulls' as column_name,
        'not_null' as check_name,
        2 as failing_rows
    union all
    select
        'letter' as column_name,
        'not_null' as check_name,
        1 as failing_rows
    union all
    select
        'duplicated_once' as column_name,
        'unique' as check_name,
        1 as failing_rows
    union all
    select
        'tripled' as column_name,
        'unique' as check_name,
        2 as failing_rows
    union all
    select
        'letter' as column_name,
        'accepted_values' as check_name,
        1 as failing_rows
    union all
    select
        'code' as column_name,
        'accepted_values' as check_name,
        2 as failing_rows
    union all
    select
        'inclusive_range' as column_name,
        'accepted_range' as check_name,
        1 as failing_rows
    union all
    select
        'exclusive_range' as column_name,
        'accepted_range' as check_name,
        2 as failing_rows
    union all
    select
        'min_only' as column_name,
        'accepted_range' as check_name,
        1 as failing_rows
    union all
    select
        'max_only' as column_name,
        'accepted_range' as check_name,
        2 as failing_rows
    union all
    select
        'tripled, duplicated_once' as column_name,
        'unique_key' as check_name,
        1 as failing_rows
    union all
    select
        'two_nulls, duplicated_nulls' as column_name,
        'unique_key' as check_name,
        1 as failing_rows
    union all
    select
        'tripled' as column_name,
        'unique_key' as check_name,
        2 as failing_rows
),

missing as (
    select
        column_name,
        check_name,
        failing_rows
    from expected
    except
    select
        column_name,
        check_name,
        failing_rows
    from findings
),

unexpected as (
    select
        column_name,
        check_name,
        failing_rows
    from findings
    except
    select
        column_name,
        check_name,
        failing_rows
    from expected
)

select
    'missing' as problem,
    column_name,
    check_name,
    failing_rows
from missing
union all
select
    'unexpected' as problem,
    column_name,
    check_name,
    failing_rows
from unexpected
