"""Writing extracts as delivered: ``;``-separated UTF-8 CSV with a header row.

Text is written unquoted (a value that would need quotes makes the writer fall back to
quoting where needed), empty fields are missing values, dates are ISO ``YYYY-MM-DD`` and
decimals use a point. Columns come in the order of the source's contract
(``contracts/<source>.yml``). File-level defects for the loader's tests are applied afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from ..contracts import source_columns

DELIMITER = ";"


def _same_columns(source: str, found: list[str]) -> tuple[str, ...]:
    order = source_columns(source)
    if sorted(found) != sorted(order):
        missing = [c for c in order if c not in found]
        extra = [c for c in found if c not in order]
        raise ValueError(f"the generator of {source} makes columns that differ from contracts/{source}.yml: "
                         f"missing {missing}, not in the contract {extra}")
    return order


def contract_table(source: str, columns: Mapping[str, pa.Array | pa.ChunkedArray]) -> pa.Table:
    """The generated ``columns`` of ``source`` as a table in the contract's column order."""
    return pa.table({name: columns[name] for name in _same_columns(source, list(columns))})


def write_extract(table: pa.Table, path: Path, source: str) -> int:
    """Write ``table`` of ``source`` to ``path`` with the columns in contract order; returns the number
    of bytes written."""
    table = table.select(list(_same_columns(source, table.column_names)))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as handle:
        handle.write((DELIMITER.join(table.column_names) + "\n").encode("utf-8"))
        try:
            pacsv.write_csv(table, handle, pacsv.WriteOptions(
                include_header=False, delimiter=DELIMITER, quoting_style="none"))
        except pa.ArrowInvalid:
            handle.seek(0)
            handle.truncate()
            handle.write((DELIMITER.join(table.column_names) + "\n").encode("utf-8"))
            pacsv.write_csv(table, handle, pacsv.WriteOptions(
                include_header=False, delimiter=DELIMITER, quoting_style="needed"))
    tmp.replace(path)
    return path.stat().st_size


def apply_file_defect(path: Path, defect: str) -> str:
    """Damage a written file the way broken deliveries are damaged; returns a description."""
    data = path.read_bytes()
    if defect == "latin1":
        path.write_bytes(data.decode("utf-8").encode("latin-1"))
        return "re-encoded from UTF-8 to latin-1 (ISO-8859-1)"
    lines = data.decode("utf-8").split("\n")
    if defect == "extra_column":
        lines = [line + DELIMITER + ("ekstra" if i == 0 else "x") if line else line for i, line in enumerate(lines)]
        path.write_text("\n".join(lines), encoding="utf-8")
        return "a stray extra column 'ekstra' appended to every line"
    if defect == "truncated_last_line":
        body = data.rstrip(b"\n")
        last = body.rfind(b"\n")
        cut = last + 1 + max(1, (len(body) - last - 1) // 2)
        path.write_bytes(body[:cut])
        return f"file cut in the middle of line {len(lines) - 1 if lines[-1] == '' else len(lines)}"
    if defect == "wrong_delimiter":
        path.write_text(data.decode("utf-8").replace(DELIMITER, ","), encoding="utf-8")
        return "',' used as the delimiter instead of ';'"
    raise ValueError(f"unknown file defect {defect!r}")
