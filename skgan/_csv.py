"""CSV tables for the command line: numeric tables without pandas, mixed-type tables with it.

The reader never guesses silently. A first row that reads as numbers is data
and a first row of names is a header; anything in between (names mixed with
numbers, or ``0,1,2,...`` as pandas writes for unnamed columns) is an error
that asks for ``--header`` or ``--no-header``. A row of another width, or a
cell whose parts are numbers joined by another separator than the delimiter
(a ``;`` file read with ``,``) are errors that name the line and the column.

A file whose cells are all numbers is read by skgan's own reader into a
float64 array, the same way with or without pandas; an infinite number
(``inf``, ``1e999``) is an error in any file. A file with text,
``true``/``false`` or missing cells (empty, or a marker such as ``NA`` or
``nan``: ``nan`` is a missing value, not a number) is a table: it is read into a pandas
DataFrame (pandas is then needed) with one dtype per column, inferred from its
cells: whole numbers are ``int64`` (``Int64`` with missing cells), other
numbers ``float64`` (NaN for missing cells), ``true``/``false`` (any case)
``bool`` (``boolean`` with missing cells), and anything else text, a
``category`` column of the values seen. The columns named in
``parse_dates`` hold ISO 8601 dates and times (``2024-03-01``,
``2024-03-01T09:30:00+01:00``): ``datetime64``, timezone-aware when the
cells give an offset (read in UTC when their offsets differ), and a cell
that is not such a date is an error naming its line and column.
:func:`write_csv` writes dates back in ISO 8601.
"""

import csv
import datetime
import math
import re
import warnings
from typing import NamedTuple

import numpy as np

from ._files import atomic_write
from ._frames import is_frame

__all__ = ["MISSING", "CSVTable", "as_frames", "match_value", "parse_separator", "read_csv", "write_csv"]

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_INTEGER = re.compile(r"\d+")
# separators that a cell never holds in a numeric table: finding one means the delimiter is wrong
_SEPARATORS = (",", ";", "\t", "|")
_NAMES = {",": "','", ";": "';'", "\t": "a tab", "|": "'|'", " ": "spaces", ".": "'.'"}
#: The cells read as missing values: empty ones and the markers pandas.read_csv reads as missing by default.
MISSING = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
    "NULL", "NaN", "None", "n/a", "nan", "null",
})
_BOOLEANS = {"true": True, "false": False}
_ALIASES = {"tab": "\t", "\\t": "\t", "space": " ", "comma": ",", "semicolon": ";"}


class CSVTable(NamedTuple):
    """The rows of a CSV file, the header's names (None without one) and how the file was read.

    ``X`` is a float64 array for a numeric table, a pandas DataFrame for a
    table with text, true/false or missing cells.
    """

    X: object
    feature_names: list | None
    description: str


def parse_separator(text):
    """A delimiter or decimal mark from the command line: one character, ``tab``, ``\\t`` or ``space``.

    Examples
    --------
    >>> parse_separator(";"), parse_separator("tab"), parse_separator("space")
    (';', '\\t', ' ')
    """
    value = _ALIASES.get(text.lower(), text)
    if len(value) != 1 or value in "\r\n\"'" or value.isalnum():
        raise ValueError(f"expected one separator character (or tab, space), got {text!r}")
    return value


def read_csv(path, *, header=None, delimiter=",", decimal=".", frame=False, parse_dates=()):
    """Read a numeric table, or with pandas a mixed-type one, from a CSV file.

    Parameters
    ----------
    path : str or path-like
        The file, UTF-8 text (a byte-order mark is allowed).
    header : bool or None, default=None
        Whether the first row names the columns; None decides from the row:
        numbers (and missing cells) are data, names are a header, anything
        else is an error.
    delimiter : str, default=","
        The character between cells; ``" "`` splits on runs of whitespace.
    decimal : str, default="."
        The decimal mark of the numbers (``","`` for ``1,5``).
    frame : bool, default=False
        Return a numeric table as a DataFrame too (columns ``x0``, ``x1``,
        ... without a header row).
    parse_dates : sequence of str, default=()
        Columns of ISO 8601 dates and times (the header's names, or ``x0``,
        ``x1``, ... without a header row): read as ``datetime64`` columns
        of a table.

    Returns
    -------
    table : CSVTable
        ``X`` (float64, one row per data line; a DataFrame for a table with
        text, true/false or missing cells, or with ``frame=True``),
        ``feature_names`` (the header's, or None) and a one-line
        ``description`` of what was assumed.

    Raises
    ------
    ValueError
        For anything but a complete table, with the line and column at
        fault: a numeric table needs finite numbers in every cell, a table
        with text or missing cells needs every row as wide as the first,
        finite numbers in its numeric columns, and a value in every column.
    ImportError
        For a table with text, true/false or missing cells when pandas is
        not installed.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "rows.csv")
    >>> _ = open(path, "w").write("1.5,2\\n3,4e-1\\n")
    >>> table = read_csv(path)
    >>> table.X, table.feature_names
    (array([[1.5, 2. ],
           [3. , 0.4]]), None)
    >>> _ = open(path, "w").write("a;b\\n1,5;2\\n")
    >>> read_csv(path, delimiter=";", decimal=",").X
    array([[1.5, 2. ]])
    >>> read_csv(path)
    Traceback (most recent call last):
    ...
    ValueError: ...line 2, column 2: '5;2' holds ';' although the delimiter is ','; ... --delimiter ';' ...
    >>> _ = open(path, "w").write("island,mass,year,male\\nDream,3.5,2007,true\\nBiscoe,,2008,False\\n")
    >>> read_csv(path).X.dtypes.astype(str).to_dict()
    {'island': 'category', 'mass': 'float64', 'year': 'int64', 'male': 'bool'}
    >>> folder.cleanup()
    """
    if decimal == delimiter:
        raise ValueError(f"the decimal mark and the delimiter are both {_name(delimiter)}")
    rows = _split(path, delimiter)
    if not rows:
        raise ValueError(f"{path} is empty")
    first_line, first = rows[0]
    has_header, assumed = _decide_header(path, first, decimal, header)
    data = rows[1:] if has_header else rows
    if parse_dates or not all(_is_number(cell, decimal) for _, cells in data for cell in cells):
        return _read_table(path, rows, has_header, header is None, assumed, delimiter, decimal, tuple(parse_dates))
    for line, cells in data:
        for column, cell in enumerate(cells, start=1):
            _check_separators(path, line, column, cell, delimiter, decimal)
    names = _check_names(path, first_line, first, delimiter) if has_header else None
    _check_widths(path, first_line, len(first), data, delimiter)
    if not data:
        raise ValueError(f"{path} has no rows of data")
    width = len(first)
    X = np.empty((len(data), width))
    for i, (line, cells) in enumerate(data):
        for j, cell in enumerate(cells):
            X[i, j] = _number(path, line, j, cell, decimal, names)
    description = (
        f"read {path}: {X.shape[0]} rows of {X.shape[1]} columns, delimiter {_name(delimiter)}, "
        f"decimal mark {_name(decimal)}, {assumed}"
    )
    if frame:
        pd = _pandas(f"reading {path} as a table")
        X = pd.DataFrame(X, columns=names if names is not None else [f"x{j}" for j in range(width)])
    return CSVTable(X, names, description)


def write_csv(path, X, feature_names):
    """Write rows to a .csv file with a header row, atomically (an interrupt leaves the old file).

    A DataFrame (a table model's rows) is written with its columns: integers
    as integers, booleans as True and False, categories as their labels and
    missing values as empty cells; :func:`read_csv` reads it back with the
    same dtypes (but for a column's missing cells that were all filled in).

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "rows.csv")
    >>> frame = pd.DataFrame({"island": pd.Categorical(["Dream", None]), "year": pd.array([2007, None], "Int64"),
    ...                       "male": [True, False], "mass": [3750.5, float("nan")]})
    >>> write_csv(path, frame, list(frame.columns))
    >>> print(open(path).read())
    island,year,male,mass
    Dream,2007,True,3750.5
    ,,False,
    >>> folder.cleanup()
    """
    with atomic_write(path, text=True) as file:  # the old file, or the whole new one
        writer = csv.writer(file)
        writer.writerow([str(name) for name in feature_names])
        for start in range(0, len(X), _WRITE_ROWS):  # a chunk of rows as Python values at a time
            rows = X.iloc[start : start + _WRITE_ROWS] if is_frame(X) else X[start : start + _WRITE_ROWS]
            if not is_frame(X):
                writer.writerows(rows.tolist())
                continue
            cells = [(rows.iloc[:, j].astype(object).tolist(), rows.iloc[:, j].isna().to_numpy())
                     for j in range(rows.shape[1])]
            for i in range(len(rows)):
                writer.writerow(["" if gaps[i] else _cell(values[i]) for values, gaps in cells])


#: Rows that :func:`write_csv` turns into Python values at a time: memory stays bounded for any table.
_WRITE_ROWS = 8192


def _cell(value):
    """One value of a table as its .csv cell: Python's own text of it (numpy scalars as Python ones), ISO dates."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, datetime.datetime):  # a pandas Timestamp too: 2024-03-01T09:30:00+01:00
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def match_value(text, values):
    """The one of ``values`` (a discrete column's) that the cell ``text`` writes, as :func:`read_csv` would read it.

    A text value matches as written; else ``""`` and the missing-value
    markers match None, ``true``/``false`` (any case) the booleans, and a
    number an equal number. A ValueError when none matches.

    Examples
    --------
    >>> match_value("3", [0, 3, None]), match_value("TRUE", [False, True]), match_value("NA", ["x", None])
    (3, True, None)
    """
    for value in values:
        if isinstance(value, str) and value == text:
            return value
    for value in values:
        if value is None:
            if text.strip() in MISSING:
                return None
        elif isinstance(value, (bool, np.bool_)):
            if text.strip().lower() == str(bool(value)).lower():
                return value
        elif isinstance(value, (int, float, np.number)):
            try:
                if float(text) == value:
                    return value
            except ValueError:
                pass
    raise ValueError(f"{text!r} is none of the values {values}")


def as_frames(rows, columns, paths):
    """The rows of several files as DataFrames with ``columns``, the text columns of the first text in all.

    Parameters
    ----------
    rows : list of ndarray or DataFrame
        The first is the reference (the real rows).
    columns : list
        The column names.
    paths : list of str
        The files, for errors.

    Returns
    -------
    frames : list of DataFrame
    """
    import pandas as pd

    frames = [X.set_axis(columns, axis=1) if is_frame(X) else pd.DataFrame(X, columns=columns) for X in rows]
    for frame, path in zip(frames, paths, strict=True):
        for column in columns:
            text_in_first, text_here = (str(f[column].dtype) == "category" for f in (frames[0], frame))
            if text_in_first and not text_here:
                values = frame[column].astype(object)
                frame[column] = pd.Categorical(values.map(_cell).where(values.notna()))
            elif text_here and not text_in_first:
                raise ValueError(f"column {column!r} holds text in {path} but not in {paths[0]}")
    return frames


def _check_widths(path, first_line, width, data, delimiter):
    for line, cells in data:
        if len(cells) != width:
            raise ValueError(
                f"{path}, line {line}: {len(cells)} cells where line {first_line} has {width} "
                f"(delimiter {_name(delimiter)}); every row of the table needs the same columns"
            )


def _pandas(what):
    """pandas, or an ImportError that says how to install it."""
    try:
        import pandas
    except ImportError:
        raise ImportError(f'{what} needs pandas: pip install "skgan[pandas]" (or pip install pandas)') from None
    return pandas


# --------------------------------------------------------------------------
# tables with text, true/false or missing cells (pandas)
# --------------------------------------------------------------------------


def _read_table(path, rows, has_header, header_assumed, assumed, delimiter, decimal, parse_dates=()):
    """A DataFrame of the data rows, a dtype per column inferred from its cells (see the module docstring)."""
    first_line, first = rows[0]
    data = rows[1:] if has_header else rows
    for line, cells in data:
        for column, cell in enumerate(cells, start=1):
            _check_separators(path, line, column, cell, delimiter, decimal, numbers_only=True)
    names = _check_names(path, first_line, first, delimiter) if has_header else None
    _check_widths(path, first_line, len(first), data, delimiter)
    if not data:
        raise ValueError(f"{path} has no rows of data")
    if header_assumed and has_header:
        _check_header_is_not_data(path, first, data)
    labels = names if names is not None else [f"x{j}" for j in range(len(first))]
    unknown = [name for name in parse_dates if name not in labels]
    if unknown:
        raise ValueError(f"{path} has no column {unknown[0]!r} to read dates from; its columns are "
                         f"{', '.join(labels)}")
    if parse_dates:
        pd = _pandas(f"reading dates from {path}")
    else:
        line, j, cell = next((line, j, cell) for line, cells in data for j, cell in enumerate(cells)
                             if not _is_number(cell, decimal))
        what = "an empty cell" if not cell.strip() else f"{cell.strip()!r}, which is not a number"
        pd = _pandas(f"{_where(path, line, j, names)} holds {what}; reading a table with text, true/false or "
                     "missing cells")
    columns, kinds = {}, []
    for j, label in enumerate(labels):
        cells = [(line, cells[j].strip()) for line, cells in data]
        reader = _date_column if label in parse_dates else _column
        columns[label], kind = reader(pd, path, j, cells, decimal, names)
        kinds.append(f"{label} {kind}")
    X = pd.DataFrame(columns)
    shown = ", ".join(kinds[:12]) + (f", ... ({len(kinds) - 12} more)" if len(kinds) > 12 else "")
    description = (
        f"read {path}: {len(X)} rows of {X.shape[1]} columns, delimiter {_name(delimiter)}, "
        f"decimal mark {_name(decimal)}, {assumed}; a table: {shown}"
    )
    return CSVTable(X, names, description)


def _where(path, line, j, names):
    return f"{path}, line {line}, column {j + 1}" + (f" ({names[j]!r})" if names else "")


def _check_header_is_not_data(path, first, data):
    """An assumed header row whose name recurs as a value of its column may be data: an error."""
    for j, cell in enumerate(first):
        name = cell.strip()
        if any(cells[j].strip() == name for _, cells in data):
            raise ValueError(
                f"{path}: the first row may be a header or data: {name!r}, in column {j + 1}, is also a value of "
                "that column below; pass --header if the first row names the columns, --no-header if it is data"
            )


def _column(pd, path, j, cells, decimal, names):
    """A column of the table and a few words on it: its values (a numpy or pandas array) and its kind."""
    present = [(line, text) for line, text in cells if text not in MISSING]
    n_missing = len(cells) - len(present)
    if not present:
        label = f"column {j + 1}" + (f" ({names[j]!r})" if names else "")
        raise ValueError(
            f"{path}: {label} has no values: every cell is empty or a missing-value marker such as NA; "
            "drop the column"
        )
    missing = [text in MISSING for _, text in cells]
    texts = [text for _, text in present]
    note = f" ({n_missing} missing)" if n_missing else ""
    if all(_is_number(text, decimal) or _NON_FINITE.fullmatch(text) for text in texts):
        numbers = [_number(path, line, j, text, decimal, names) for line, text in present]
        if all(_INTEGER.fullmatch(text.lstrip("+-")) for text in texts) and all(
                abs(int(text)) < 2**63 for text in texts):
            whole = iter(int(text) for text in texts)
            if n_missing:
                return pd.array([None if m else next(whole) for m in missing], dtype="Int64"), f"integer{note}"
            return np.fromiter(whole, dtype=np.int64, count=len(texts)), "integer"
        values = np.full(len(cells), np.nan)
        values[~np.asarray(missing)] = numbers
        return values, f"float{note}"
    if all(text.lower() in _BOOLEANS for text in texts):
        flags = iter(_BOOLEANS[text.lower()] for text in texts)
        if n_missing:
            return pd.array([None if m else next(flags) for m in missing], dtype="boolean"), f"true/false{note}"
        return np.fromiter(flags, dtype=bool, count=len(texts)), "true/false"
    numeric = [_is_number(text, decimal) for text in texts]
    if any(numeric):
        line, text = next(item for item, is_number in zip(present, numeric, strict=True) if not is_number)
        warnings.warn(
            f"{_where(path, line, j, names)}: {text!r} is not a number, so the column, {sum(numeric)} of whose "
            f"{len(texts)} values are numbers, is read as text: one category per value",
            UserWarning, stacklevel=2,
        )
    iterator = iter(texts)
    values = pd.Categorical([None if m else next(iterator) for m in missing], categories=sorted(set(texts)))
    n_values = len(values.categories)
    missing_note = f", {n_missing} missing" if n_missing else ""
    return values, f"text ({n_values} value{'s' if n_values != 1 else ''}{missing_note})"


def _date_column(pd, path, j, cells, decimal, names):
    """A column of ISO 8601 dates (``--parse-dates``): ``datetime64``, NaT for missing cells; else an error."""
    texts = pd.Series([None if text in MISSING else text for _, text in cells], dtype=object)
    if texts.isna().all():
        raise ValueError(f"{_where(path, cells[0][0], j, names)}: the date column has no values: every cell is empty "
                         "or a missing-value marker such as NA; drop the column")
    try:
        values = pd.to_datetime(texts, format="ISO8601", errors="coerce")
    except ValueError:  # offsets that differ (summer time): one instant each, in UTC
        values = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True)
    bad = values.isna().to_numpy() & texts.notna().to_numpy()
    if bad.any():
        line, text = cells[int(np.flatnonzero(bad)[0])]
        raise ValueError(f"{_where(path, line, j, names)}: {text!r} is not an ISO 8601 date or time "
                         "(such as 2024-03-01 or 2024-03-01T09:30:00+01:00), in a column of --parse-dates")
    n_missing = int(texts.isna().sum())
    return values.array, f"dates{f' ({n_missing} missing)' if n_missing else ''}"


def _name(separator):
    return _NAMES.get(separator, repr(separator))


def _split(path, delimiter):
    """``(line number, cells)`` of each line that is not blank."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            text = file.read()
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot read {path} as UTF-8 text: {exc.reason} at byte {exc.start}") from None
    if delimiter == " ":
        lines = enumerate(text.splitlines(), start=1)
        return [(line, cells) for line, cells in ((n, s.split()) for n, s in lines) if cells]
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ValueError(f"cannot read {path} as CSV, line {reader.line_num}: {exc}") from None
    return rows


def _is_number(cell, decimal):
    return _NUMBER.fullmatch(cell.strip().replace(decimal, ".") if decimal != "." else cell.strip()) is not None


def _decide_header(path, first, decimal, header):
    if header is not None:
        return header, "header row given (--header)" if header else "no header row (--no-header)"
    numeric = [_is_number(cell, decimal) for cell in first]
    cells = ", ".join(repr(cell.strip()) for cell in first[:6]) + (", ..." if len(first) > 6 else "")
    advice = "pass --header if the first row names the columns, --no-header if it is data"
    if all(numeric) and len(first) > 1 and all(_INTEGER.fullmatch(cell.strip()) for cell in first):
        start = int(first[0].strip())
        if start in (0, 1) and [int(cell) for cell in first] == list(range(start, start + len(first))):
            raise ValueError(
                f"{path}: the first row ({cells}) counts the columns, as pandas writes for unnamed columns, "
                f"and may be a header or data: {advice}"
            )
    if all(numeric):
        return False, "no header row (the first row reads as numbers)"
    if not any(numeric):
        return True, "header row assumed (the first row reads as names)"
    if all(is_number or cell.strip() in MISSING for is_number, cell in zip(numeric, first, strict=True)):
        return False, "no header row (the first row reads as numbers and missing values)"
    raise ValueError(f"{path}: the first row ({cells}) mixes names and numbers: {advice}")


def _check_names(path, line, cells, delimiter):
    names = [cell.strip() for cell in cells]
    if len(names) == 1:
        _check_separators(path, line, 1, names[0], delimiter, None)
    for column, name in enumerate(names, start=1):
        if not name:
            raise ValueError(
                f"{path}, line {line}: column {column} has no name in the header; a column without a name is "
                "often a row index (pandas writes one unless to_csv(index=False)): remove it, or pass --no-header"
            )
    seen = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{path}, line {line}: the header names the column {name!r} twice")
        seen.add(name)
    return names


def _check_separators(path, line, column, cell, delimiter, decimal, numbers_only=False):
    """An error for a cell that holds another separator; ``numbers_only``: only when it joins numbers (text cells)."""
    for separator in _SEPARATORS:
        if separator in (delimiter, decimal) or separator not in cell:
            continue
        if numbers_only and not all(_is_number(part, decimal or ".") for part in cell.split(separator)):
            continue
        advice = f"if {_name(separator)} separates the columns, pass --delimiter '{separator}'"
        if separator == "\t":
            advice = "if tabs separate the columns, pass --delimiter tab"
        if separator == ",":
            advice = "if ',' is the decimal mark (1,5), pass --decimal ','; if it separates columns, --delimiter ','"
        if separator == ";" and ("," in cell or delimiter == ",") and decimal != ",":
            advice += " (and --decimal ',' for numbers written as 1,5)"
        raise ValueError(
            f"{path}, line {line}, column {column}: {cell.strip()!r} holds {_name(separator)} "
            f"although the delimiter is {_name(delimiter)}; {advice}"
        )
    parts = cell.split()
    if delimiter != " " and decimal is not None and len(parts) > 1 and all(_is_number(p, decimal) for p in parts):
        raise ValueError(
            f"{path}, line {line}, column {column}: {cell.strip()!r} holds numbers separated by spaces although "
            f"the delimiter is {_name(delimiter)}; if spaces separate the columns, pass --delimiter space"
        )


def _number(path, line, j, cell, decimal, names):
    text = cell.strip()
    where = _where(path, line, j, names)
    if decimal != "." and "." in text and _NUMBER.fullmatch(text):
        raise ValueError(f"{where}: {text!r} has a '.' although the decimal mark is {_name(decimal)}")
    if _NUMBER.fullmatch(text.replace(decimal, ".") if decimal != "." else text):
        value = float(text.replace(decimal, "."))
        if math.isfinite(value):
            return value
    if _NON_FINITE.fullmatch(text) or _NUMBER.fullmatch(text.replace(decimal, ".")):
        raise ValueError(f"{where}: {text!r} is not a finite number; skgan's command line reads finite numbers only")
    raise ValueError(f"{where}: {text!r} is not a number")
