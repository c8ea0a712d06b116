"""Writing extracts as delivered: ``;``-separated UTF-8 CSV with a header row.

Text is written unquoted (a value that would need quotes makes the writer fall back to
quoting where needed), empty fields are missing values, dates are ISO ``YYYY-MM-DD`` and
decimals use a point. File-level defects for the loader's tests are applied afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

DELIMITER = ";"


def write_extract(table: pa.Table, path: Path) -> int:
    """Write ``table`` to ``path``; returns the number of bytes written."""
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
