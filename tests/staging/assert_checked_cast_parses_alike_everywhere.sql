-- checked_cast (macros/cross_db/checked_cast.sql) accepts exactly the documented forms and
-- gives the same result on every adapter: each case lists the text, the type and the
-- expected value as text (NULL = must not parse). Returns the cases that come out differently.
with cases as (
    select
        test_cases.raw_text,
        test_cases.data_type,
        test_cases.expected
    from (
        values
        ('42', 'integer', '42'),
        (' -7 ', 'integer', '-7'),
        ('+5', 'integer', '5'),
        ('007', 'integer', '7'),
        ('12.5', 'integer', null),
        ('1e3', 'integer', null),
        ('0x1F', 'integer', null),
        ('1_000', 'integer', null),
        ('1+2', 'integer', null),
        ('+', 'integer', null),
        ('', 'integer', null),
        ('1234567890', 'integer', null),
        ('12023000000001', 'bigint', '12023000000001'),
        ('1234567890123456789', 'bigint', null),
        ('0.057', 'numeric', '0.057'),
        ('-1.5', 'numeric', '-1.5'),
        ('.5', 'numeric', '0.5'),
        ('5.', 'numeric', '5'),
        ('1,5', 'numeric', null),
        ('1.2.3', 'numeric', null),
        ('.', 'numeric', null),
        ('-', 'numeric', null),
        ('2023-01-31', 'date', '2023-01-31'),
        (' 2024-02-29 ', 'date', '2024-02-29'),
        ('2023-02-29', 'date', null),
        ('1900-02-29', 'date', null),
        ('2000-02-29', 'date', '2000-02-29'),
        ('2023-04-31', 'date', null),
        ('2023-13-01', 'date', null),
        ('2023-00-10', 'date', null),
        ('2023-1-5', 'date', null),
        ('2023-01-05 10:00', 'date', null),
        ('05.01.2023', 'date', null)
    ) as test_cases (raw_text, data_type, expected)
),

checked as (
    select
        raw_text,
        data_type,
        expected,
        case data_type
            when 'integer'
                then
                    coalesce(
                        {{ checked_cast('raw_text', 'integer') }} = cast(expected as integer),
                        {{ checked_cast('raw_text', 'integer') }} is null and expected is null
                    )
            when 'bigint'
                then
                    coalesce(
                        {{ checked_cast('raw_text', 'bigint') }} = cast(expected as bigint),
                        {{ checked_cast('raw_text', 'bigint') }} is null and expected is null
                    )
            when 'numeric'
                then
                    coalesce(
                        {{ checked_cast('raw_text', 'numeric') }}
                        = cast(expected as decimal(28, 6)),
                        {{ checked_cast('raw_text', 'numeric') }} is null and expected is null
                    )
            when 'date'
                then
                    coalesce(
                        {{ checked_cast('raw_text', 'date') }} = cast(expected as date),
                        {{ checked_cast('raw_text', 'date') }} is null and expected is null
                    )
        end as is_as_expected
    from cases
)

select
    raw_text,
    data_type,
    expected
from checked
where not is_as_expected
