"""Lint-only stand-in for dbt's cross-database macros (the `dbt.` namespace) under sqlfluff's
jinja templater (root .sqlfluff, `library_path = sqlfluff_libs`): each function returns the DuckDB
rendering. dbt itself never imports this module."""


def concat(fields):
    return " || ".join(fields)


def type_string():
    return "varchar"


def type_int():
    return "integer"


def type_bigint():
    return "bigint"


def type_numeric():
    return "numeric(28, 6)"


def type_timestamp():
    return "timestamp"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def safe_cast(field, type):  # noqa: A002 - dbt's signature
    return f"try_cast({field} as {type})"


def hash(field):  # noqa: A001 - dbt's name
    return f"md5(cast({field} as varchar))"


def cast_bool_to_text(field):
    return f"cast({field} as varchar)"


def current_timestamp():
    return "now()"


def split_part(string_text, delimiter_text, part_number):
    return f"split_part({string_text}, {delimiter_text}, {part_number})"
