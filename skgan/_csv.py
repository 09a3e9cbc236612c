"""Numeric CSV tables for the command line: one reader, with or without pandas.

The reader never guesses silently. A first row that reads as numbers is data
and a first row of names is a header; anything in between (names mixed with
numbers, or ``0,1,2,...`` as pandas writes for unnamed columns) is an error
that asks for ``--header`` or ``--no-header``. A cell that holds another
separator than the delimiter (a ``;`` file read with ``,``), a row of another
width, an empty, non-finite or text cell are errors that name the line and the
column. pandas is never used, so that the command line reads a file the same
way in every environment.
"""

import csv
import math
import re
from typing import NamedTuple

import numpy as np

__all__ = ["CSVTable", "parse_separator", "read_csv"]

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_INTEGER = re.compile(r"\d+")
# separators that a cell never holds in a numeric table: finding one means the delimiter is wrong
_SEPARATORS = (",", ";", "\t", "|")
_NAMES = {",": "','", ";": "';'", "\t": "a tab", "|": "'|'", " ": "spaces", ".": "'.'"}
_ALIASES = {"tab": "\t", "\\t": "\t", "space": " ", "comma": ",", "semicolon": ";"}


class CSVTable(NamedTuple):
    """The rows of a CSV file, the header's names (None without one) and how the file was read."""

    X: np.ndarray
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


def read_csv(path, *, header=None, delimiter=",", decimal="."):
    """Read a numeric table from a CSV file.

    Parameters
    ----------
    path : str or path-like
        The file, UTF-8 text (a byte-order mark is allowed).
    header : bool or None, default=None
        Whether the first row names the columns; None decides from the row:
        numbers are data, names are a header, anything else is an error.
    delimiter : str, default=","
        The character between cells; ``" "`` splits on runs of whitespace.
    decimal : str, default="."
        The decimal mark of the numbers (``","`` for ``1,5``).

    Returns
    -------
    table : CSVTable
        ``X`` (float64, one row per data line), ``feature_names`` and a
        one-line ``description`` of what was assumed.

    Raises
    ------
    ValueError
        For anything but a complete table of finite numbers, with the line and
        column at fault.

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
    for line, cells in data:
        for column, cell in enumerate(cells, start=1):
            _check_separators(path, line, column, cell, delimiter, decimal)
    names = _check_names(path, first_line, first, delimiter) if has_header else None
    width = len(first)
    for line, cells in data:
        if len(cells) != width:
            raise ValueError(
                f"{path}, line {line}: {len(cells)} cells where line {first_line} has {width} "
                f"(delimiter {_name(delimiter)}); every row of the table needs the same columns"
            )
    if not data:
        raise ValueError(f"{path} has no rows of data")
    X = np.empty((len(data), width))
    for i, (line, cells) in enumerate(data):
        for j, cell in enumerate(cells):
            X[i, j] = _number(path, line, j, cell, decimal, names)
    description = (
        f"read {path}: {X.shape[0]} rows of {X.shape[1]} columns, delimiter {_name(delimiter)}, "
        f"decimal mark {_name(decimal)}, {assumed}"
    )
    return CSVTable(X, names, description)


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


def _check_separators(path, line, column, cell, delimiter, decimal):
    for separator in _SEPARATORS:
        if separator in (delimiter, decimal) or separator not in cell:
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
    where = f"{path}, line {line}, column {j + 1}" + (f" ({names[j]!r})" if names else "")
    if decimal != "." and "." in text and _NUMBER.fullmatch(text):
        raise ValueError(f"{where}: {text!r} has a '.' although the decimal mark is {_name(decimal)}")
    if _NUMBER.fullmatch(text.replace(decimal, ".") if decimal != "." else text):
        value = float(text.replace(decimal, "."))
        if math.isfinite(value):
            return value
    if not text:
        raise ValueError(f"{where} is empty; skgan's command line reads complete numeric tables (fill in or drop "
                         "missing values first)")
    if _NON_FINITE.fullmatch(text) or _NUMBER.fullmatch(text.replace(decimal, ".")):
        raise ValueError(f"{where}: {text!r} is not a finite number; skgan's command line reads finite numbers only")
    raise ValueError(
        f"{where}: {text!r} is not a number; skgan's command line reads numeric tables only "
        "(encode text and categories as numbers first)"
    )
