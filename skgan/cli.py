"""The ``skgan`` command line: fit, sample and score GANs on files.

``skgan fit`` trains a :class:`~skgan.GANSampler` on a .csv or .npy file and
saves it in the safe model format of :mod:`skgan.persistence`;
``skgan sample`` writes generated rows; ``skgan score`` prints the Parzen
log-likelihood of a data file; ``skgan evaluate`` compares synthetic rows
with real ones; ``skgan demo`` runs the digits demo. ``python -m skgan`` is
the same command.

A .csv file of numbers is read without pandas; a .csv file with text,
true/false or missing cells is a table, read with pandas into one dtype per
column (see ``skgan._csv``), on which ``skgan fit`` trains a tabular
GANSampler; ``skgan sample`` writes such a model's rows with the table's
columns, and ``--condition column=value`` fixes the value of discrete
columns.
"""

import argparse
import ast
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from ._csv import CSVTable, as_frames, match_value, parse_separator, read_csv, write_csv
from ._files import atomic_write
from ._frames import is_frame

__all__ = ["main"]

_DATA_SUFFIXES = (".csv", ".npy")

_EPILOG = """\
examples:
  skgan fit train.csv -o model.skgan --set max_iter=200 --set loss=minimax
  skgan sample model.skgan -n 1000 -o samples.csv --random-state 0
  skgan sample model.skgan -n 100 -o dream.csv --condition island=Dream --condition sex=female
  skgan score model.skgan test.csv
  skgan demo --max-iter 50
"""


class _UsageError(Exception):
    """A command line that does not make sense: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(f"{message} (see {self.prog} --help)")


# --------------------------------------------------------------------------
# the parser
# --------------------------------------------------------------------------


def build_parser():
    """The argument parser of the ``skgan`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        Its ``error`` raises instead of exiting, so that :func:`main` reports
        every error in one line.

    Examples
    --------
    >>> args = build_parser().parse_args(["sample", "model.skgan", "-n", "5", "-o", "out.npy"])
    >>> args.command, args.n_samples, args.output
    ('sample', 5, 'out.npy')
    """
    from ._version import __version__

    parser = _Parser(
        prog="skgan",
        description="Generative adversarial networks as scikit-learn estimators, on .csv and .npy files.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"skgan {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_fit(commands)
    _add_sample(commands)
    _add_score(commands)
    _add_evaluate(commands)
    commands.add_parser(
        "demo",
        add_help=False,
        help="train on scikit-learn's digits and compare with references (skgan demo --help)",
        description="Run the digits demo; its options are those of python -m skgan.demo.",
    )
    return parser


def _add_fit(commands):
    fit = commands.add_parser(
        "fit",
        help="train a GANSampler on a data file and save it",
        description="Train a GANSampler on the rows of DATA and save it to MODEL (safe skgan model format).",
        epilog="example: skgan fit train.csv -o model.skgan --set max_iter=50 "
        "--set generator__hidden_layer_sizes=(64,64) --set loss=minimax",
    )
    fit.add_argument(
        "data", metavar="DATA",
        help="training data: a .csv (header row optional) of numbers, or, with pandas, a table with text, "
        "true/false and missing (empty or NA) cells; or a .npy",
    )
    fit.add_argument("-o", "--output", metavar="MODEL", required=True, help="model file to write")
    _add_reading(fit, "say how DATA was read, and show the fit's progress")
    fit.add_argument(
        "--set",
        metavar="KEY=VALUE",
        dest="params",
        action="append",
        default=[],
        type=_parse_param,
        help="a GANSampler parameter, e.g. max_iter=50 or generator__hidden_layer_sizes=(64,64); "
        "the value is a Python literal, or else a string; repeatable",
    )
    fit.add_argument(
        "--epsilon", metavar="E", type=float, default=None,
        help="train with differential privacy: the model and its rows are (E, delta)-DP with respect to DATA "
        "(skgan.privacy.DPSGD(epsilon=E); set its other parameters with --set privacy__delta=...)",
    )


def _add_sample(commands):
    sample = commands.add_parser(
        "sample",
        help="write generated rows to a file",
        description="Generate N rows from MODEL and write them to OUT (.csv with a header row, or .npy).",
    )
    sample.add_argument("model", metavar="MODEL", help="model file written by skgan fit")
    sample.add_argument("-n", "--n-samples", metavar="N", type=int, default=None,
                        help="number of rows (required unless --complete gives them)")
    sample.add_argument("-o", "--output", metavar="OUT", required=True, help="file to write: .csv or .npy")
    sample.add_argument(
        "--random-state", metavar="S", type=int, default=None,
        help="seed of the noise (default: the model's random_state)",
    )
    sample.add_argument(
        "--condition", metavar="COLUMN=VALUE|LOW:HIGH", dest="conditions", action="append", default=[],
        type=_parse_condition,
        help="for a model fitted on a table: every row gets VALUE in COLUMN (as written in the training file, "
        "empty for missing), or a value in the closed interval LOW:HIGH (or LOW..HIGH; a side left empty is "
        "open) of a column of numbers or dates; repeatable",
    )
    sample.add_argument(
        "--complete", metavar="PARTIAL", default=None,
        help="for a model fitted on a table: a .csv file of partial rows (a header naming some of the model's "
        "columns); writes one row per row, its given cells kept and its empty cells generated",
    )


def _add_score(commands):
    score = commands.add_parser(
        "score",
        help="print the Parzen log-likelihood of a data file",
        description="Print the mean Parzen-window log-likelihood of the rows of DATA under MODEL, "
        "in nats, with its standard error.",
    )
    score.add_argument("model", metavar="MODEL", help="model file written by skgan fit")
    score.add_argument("data", metavar="DATA", help="rows to score, read as skgan fit reads its DATA")
    _add_reading(score, "say how DATA was read")


def _add_evaluate(commands):
    evaluate = commands.add_parser(
        "evaluate",
        help="compare synthetic rows with real ones: fidelity, coverage, marginals, utility, privacy",
        description="Compare the rows of SYNTHETIC with those of REAL (the training rows) and print one "
        "table of metrics with the value of perfect synthetic data (skgan.evaluate).",
        epilog="example: skgan evaluate train.csv synthetic.csv --holdout test.csv --target label",
    )
    evaluate.add_argument(
        "real", metavar="REAL", help="the real (training) rows: a .csv (numbers, or a table) or .npy"
    )
    evaluate.add_argument("synthetic", metavar="SYNTHETIC", help="the generated rows, with REAL's columns")
    evaluate.add_argument(
        "--holdout", metavar="HOLDOUT", default=None,
        help="real rows the generator never saw: adds privacy (and utility, with --target)",
    )
    evaluate.add_argument(
        "--target", metavar="COLUMN", default=None,
        help="a column to predict from the others (its header name, or its index from 0): adds utility",
    )
    evaluate.add_argument("--random-state", metavar="S", type=int, default=0, help="seed (default: 0)")
    _add_reading(evaluate, "say how the files were read and show each step")


def _add_reading(command, verbose_help):
    group = command.add_argument_group("reading a .csv file")
    group.add_argument(
        "--header", action=argparse.BooleanOptionalAction, default=None,
        help="whether the first row names the columns (default: decided from the row: numbers are data, "
        "names are a header; anything else is an error)",
    )
    group.add_argument(
        "--delimiter", metavar="CHAR", type=_separator, default=",",
        help="the character between cells: e.g. ';', tab or space (default: ',')",
    )
    group.add_argument(
        "--decimal", metavar="CHAR", type=_separator, default=".",
        help="the decimal mark of the numbers, e.g. ',' for 1,5 (default: '.')",
    )
    group.add_argument(
        "--parse-dates", metavar="COLUMNS", type=_column_names, default=(),
        help="comma-separated columns of ISO 8601 dates and times (2024-03-01, 2024-03-01T09:30:00+01:00), "
        "read as dates (default: none)",
    )
    command.add_argument("-v", "--verbose", action="store_true", help=verbose_help)


def _separator(text):
    try:
        return parse_separator(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _column_names(text):
    """``"a,b"`` as ``("a", "b")``: the columns of ``--parse-dates``.

    Examples
    --------
    >>> _column_names("start, end")
    ('start', 'end')
    """
    names = tuple(name.strip() for name in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated column names, got {text!r}")
    return names


def _parse_condition(text):
    """``"column=value"`` as ``(column, value)``, both strings (the value is matched against the model's later).

    Examples
    --------
    >>> _parse_condition("island=Dream"), _parse_condition("mass=")
    (('island', 'Dream'), ('mass', ''))
    """
    column, separator, value = text.partition("=")
    if not separator or not column.strip():
        raise argparse.ArgumentTypeError(f"expected COLUMN=VALUE, got {text!r}")
    return column.strip(), value.strip()


def _parse_param(text):
    """``"key=value"`` as ``(key, value)``; the value is a Python literal when it parses as one.

    Examples
    --------
    >>> _parse_param("generator__hidden_layer_sizes=(64, 64)")
    ('generator__hidden_layer_sizes', (64, 64))
    >>> _parse_param("loss=minimax")
    ('loss', 'minimax')
    """
    key, separator, value = text.partition("=")
    key = key.strip()
    if not separator or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return key, value.strip()


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------


def _suffix(path, role):
    suffix = Path(path).suffix.lower()
    if suffix not in _DATA_SUFFIXES:
        raise _UsageError(f"{role} must be a .csv or .npy file, got {str(path)!r}")
    return suffix


def read_data(path, **options):
    """Rows of a .csv file or of a .npy file: a float array, or a DataFrame for a table with text or missing cells.

    Parameters
    ----------
    path : str or path-like
        A .csv file (see :func:`read_table`) or a .npy file (read without
        pickle).
    **options
        ``header``, ``delimiter`` and ``decimal`` of :func:`read_table`.

    Returns
    -------
    X : ndarray or DataFrame of shape (n_samples, n_features)
        The rows.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "rows.npy")
    >>> np.save(path, np.eye(2))
    >>> read_data(path)
    array([[1., 0.],
           [0., 1.]])
    >>> folder.cleanup()
    """
    return read_table(path, **options).X


def read_table(path, header=None, delimiter=",", decimal=".", frame=False, parse_dates=()):
    """Rows, column names and how the file was read, from a .csv or .npy file.

    A .csv file of numbers is read by one reader of skgan's own, with or
    without pandas installed: a first row that reads as numbers is data, a
    first row of names is the header (``header=True`` or ``False`` says so
    instead), and a cell that is not a finite number is an error that names
    the line and the column. A .csv file with text, true/false or missing
    cells is a table: with pandas installed it is read into a DataFrame, a
    dtype per column inferred from its cells (see ``skgan._csv.read_csv``).

    Parameters
    ----------
    path : str or path-like
        A .csv or .npy file.
    header : bool or None, default=None
        Whether the first row of a .csv file names the columns; None decides.
    delimiter : str, default=","
        The character between the cells of a .csv file (``" "``: spaces).
    decimal : str, default="."
        The decimal mark of a .csv file's numbers.
    frame : bool, default=False
        Give numeric rows as a DataFrame too (columns ``x0``, ``x1``, ...
        without names).
    parse_dates : sequence of str, default=()
        Columns of a .csv file that hold ISO 8601 dates and times, read as
        ``datetime64`` columns of a table.

    Returns
    -------
    table : skgan._csv.CSVTable
        ``X`` (float64, or a DataFrame for a table), ``feature_names`` (the
        header's, or None) and a one-line ``description``.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "rows.csv")
    >>> _ = open(path, "w").write("height,weight\\n1.5,60\\n1.8,80\\n")
    >>> table = read_table(path)
    >>> table.feature_names, table.X.shape
    (['height', 'weight'], (2, 2))
    >>> folder.cleanup()
    """
    if _suffix(path, "DATA") == ".npy":
        if header is not None or delimiter != "," or decimal != "." or parse_dates:
            raise _UsageError("--header, --delimiter, --decimal and --parse-dates apply to .csv files, not .npy")
        X = _read_npy(path)
        if np.ndim(X) != 2:
            raise ValueError(
                f"{path} holds an array of shape {np.shape(X)}; skgan needs a 2-D table of rows and features"
            )
        if frame:
            import pandas as pd

            X = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
        return CSVTable(X, None, f"read {path}: {X.shape[0]} rows of {X.shape[1]} columns")
    return read_csv(path, header=header, delimiter=delimiter, decimal=decimal, frame=frame, parse_dates=parse_dates)


def _read_npy(path):
    with open(path, "rb") as file:
        if file.read(6) != b"\x93NUMPY":
            raise ValueError(f"{path} is not a .npy file")
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None


def write_rows(path, X, feature_names):
    """Write rows to a .npy file, or to a .csv file with a header row (:func:`skgan._csv.write_csv`), atomically.

    Only a DataFrame of numbers and booleans can go to a .npy file (as
    float64, NaN for missing values).
    """
    if _suffix(path, "OUT") == ".npy":
        with atomic_write(path) as file:  # the old file, or the whole new one
            np.save(file, _frame_as_floats(X) if is_frame(X) else X)
        return
    write_csv(path, X, feature_names)


def _frame_as_floats(frame):
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    if not all(is_numeric_dtype(dtype) or is_bool_dtype(dtype) for dtype in frame.dtypes):
        raise _UsageError("the model's rows hold text, categories or dates, which a .npy file cannot hold; "
                          "write a .csv file")
    return frame.to_numpy(dtype=np.float64, na_value=np.nan)


def _check_writable(path):
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder for {path}: {folder}")


# --------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------


def _fit(args):
    from ._sampler import GANSampler

    _check_writable(args.output)
    estimator = GANSampler()
    if args.epsilon is not None:
        from .privacy import DPSGD

        estimator.set_params(privacy=DPSGD(epsilon=args.epsilon))
    for key, value in args.params:
        if key.split("__")[0] not in estimator.get_params(deep=False):
            raise _UsageError(f"--set {key}=...: GANSampler has no parameter {key.split('__')[0]!r}")
        estimator.set_params(**{key: value})
    if args.verbose and "verbose" not in dict(args.params):
        estimator.set_params(verbose=1)
    table = _read(args)
    if is_frame(table.X):
        _warn_of_identifiers(table.X)
    start = time.perf_counter()
    estimator.fit(table.X)
    seconds = time.perf_counter() - start
    if table.feature_names is not None and not is_frame(table.X):  # what validate_data sets from a DataFrame
        estimator.feature_names_in_ = np.asarray(table.feature_names, dtype=object)
    if _is_worker_rank():  # under torchrun every rank fits alike; rank 0 writes and reports
        return
    estimator.save(args.output)
    if hasattr(estimator, "encoder_") and is_frame(table.X):
        counts = {}
        for kind in estimator.encoder_.column_kinds_.values():
            counts[kind] = counts.get(kind, 0) + 1
        data = (f"a table of {_count(estimator.n_features_in_, 'column')} "
                f"({', '.join(f'{n} {kind}' for kind, n in counts.items())})")
    else:
        data = _count(estimator.n_features_in_, "feature")
    private = "" if estimator.privacy is None else (
        " privately (epsilon {:.3g}, delta {:.3g})".format(*estimator.privacy_spent_))
    print(
        f"Trained {_count(estimator.n_iter_, 'epoch')} on {data}{private} "
        f"in {seconds:.1f} s on {estimator.device_}; Parzen bandwidth {estimator.bandwidth_:.4g}. "
        f"Saved {args.output}."
    )


def _is_worker_rank():
    """Whether this process is a rank other than 0 of a process group (``torchrun``)."""
    import torch.distributed as dist

    return dist.is_available() and dist.is_initialized() and dist.get_rank() != 0


def _warn_of_identifiers(frame):
    """A warning for each text column with about as many values as rows: each would be a category of its own."""
    for name in frame.columns:
        column = frame[name]
        if str(column.dtype) == "category" and len(column.cat.categories) > max(50, 0.5 * column.notna().sum()):
            warnings.warn(
                f"column {name!r} holds {len(column.cat.categories)} distinct texts in {len(column)} rows, each a "
                "category of its own: if it is an identifier or free text, drop it from the file",
                UserWarning, stacklevel=2,
            )


def _count(n, noun):
    """``"1 epoch"``, ``"2 epochs"``.

    Examples
    --------
    >>> _count(1, "epoch"), _count(2, "epoch"), _count(0, "row")
    ('1 epoch', '2 epochs', '0 rows')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _read(args, frame=False):
    table = read_table(args.data, header=args.header, delimiter=args.delimiter, decimal=args.decimal, frame=frame,
                       parse_dates=args.parse_dates)
    if args.verbose:
        print(table.description[0].upper() + table.description[1:] + ".")
    return table


def _sample(args):
    from .persistence import load

    _suffix(args.output, "OUT")
    _check_writable(args.output)
    estimator = load(args.model)
    if args.complete is not None:
        if args.conditions:
            raise _UsageError("give --condition or --complete, not both")
        if getattr(estimator, "encoder_", None) is None:
            raise _UsageError("--complete needs a model fitted on a table; this model was fitted on numbers")
        _suffix(args.complete, "PARTIAL")
        conditions = read_table(args.complete, header=True, frame=True).X
    elif args.n_samples is None:
        raise _UsageError("the following arguments are required: -n/--n-samples (or --complete)")
    else:
        conditions = _conditions(estimator, args.conditions) if args.conditions else None
    X = estimator.sample(args.n_samples, random_state=args.random_state, conditions=conditions)
    if is_frame(X):
        names, what = list(X.columns), _count(X.shape[1], "column")
    else:
        names = getattr(estimator, "feature_names_in_", [f"x{i}" for i in range(estimator.n_features_in_)])
        what = _count(X.shape[1], "feature")
    write_rows(args.output, X, list(names))
    print(f"Wrote {_count(len(X), 'row')} of {what} to {args.output}.")


def _conditions(estimator, pairs):
    """``--condition`` pairs as the ``conditions`` of ``sample``.

    A discrete column's value is matched to one of its values; ``LOW:HIGH``
    (or ``LOW..HIGH``, either side empty for an open one) is a closed
    interval on a column of numbers or dates; another value of a
    continuous, integer or date column is read as a number or a date.
    """
    encoder = getattr(estimator, "encoder_", None)
    if encoder is None:
        raise _UsageError(
            "--condition needs a model fitted on a table (a .csv file with text, true/false or missing cells); "
            "this model was fitted on numbers"
        )
    labels = {str(label): label for label in encoder.column_kinds_}
    discrete = encoder.discrete_columns()
    conditions = {}
    for name, text in pairs:
        if name not in labels:
            raise _UsageError(f"--condition {name}=...: the model has no column {name!r}; its columns are "
                              f"{', '.join(labels)}")
        label = labels[name]
        if label in conditions:
            raise _UsageError(f"--condition {name}=... is given twice")
        bounds = _interval(text, numbers=encoder.column_kinds_[label] != "discrete"
                           or _numeric_values(encoder, label))
        if bounds is not None:
            conditions[label] = tuple(None if b == "" else _cell(encoder, label, b) for b in bounds)
        elif label in discrete:
            conditions[label] = _condition_value(encoder, label, name, text)
        else:
            conditions[label] = _cell(encoder, label, text)
    return conditions


def _interval(text, numbers):
    """``(low, high)`` texts of ``LOW..HIGH`` or ``LOW:HIGH`` (one colon, on a column of numbers or dates), or None.

    Examples
    --------
    >>> _interval("30:40", True), _interval("2020-01-01..", True), _interval("10:30", False)
    (('30', '40'), ('2020-01-01', ''), None)
    """
    if ".." in text:
        low, _, high = text.partition("..")
    elif numbers and text.count(":") == 1:
        low, _, high = text.partition(":")
    else:
        return None
    return low.strip(), high.strip()


def _numeric_values(encoder, label):
    values = [v for v in encoder.value_positions(label) if v is not None]
    return bool(values) and all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)


def _cell(encoder, label, text):
    """A value of a column written in a CSV cell: a number for a column of numbers, else the text (a date)."""
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def _condition_value(encoder, label, name, text):
    """The value of a discrete column that ``text`` writes: ``"3"`` is 3, ``"true"`` True, ``""`` missing."""
    values = list(encoder.value_positions(label))
    try:
        return match_value(text, values)
    except ValueError:
        written = ", ".join("(empty: missing)" if value is None else str(value) for value in values)
        raise _UsageError(
            f"--condition {name}={text}: column {name!r} has no value {text!r}; its values are {written}"
        ) from None


def _score(args):
    from .persistence import load

    _suffix(args.data, "DATA")
    estimator = load(args.model)
    fitted_names = getattr(estimator, "feature_names_in_", None)
    table_model = hasattr(estimator, "encoder_") and fitted_names is not None
    table = _read(args, frame=table_model)
    if table.feature_names is not None and fitted_names is not None and list(fitted_names) != table.feature_names:
        raise ValueError(
            f"the header of {args.data} names the columns {', '.join(table.feature_names)}; the model was fitted "
            f"on {', '.join(map(str, fitted_names))}, in that order"
        )
    X = table.X
    if table_model and table.feature_names is None and X.shape[1] == len(fitted_names):
        X = X.set_axis(list(fitted_names), axis=1)  # no header: the model's columns, in order
    elif is_frame(X) and not table_model:
        raise ValueError(f"{args.data} is a table with text, true/false or missing cells, but the model was fitted "
                         "on numbers")
    with warnings.catch_warnings():  # the columns were matched by name above, or are taken in order
        warnings.filterwarnings("ignore", message="X does not have valid feature names", category=UserWarning)
        score = estimator.parzen_score(X)
    print(f"Parzen log-likelihood: {score} nats (mean ± standard error over {_count(len(X), 'row')})")


def _evaluate(args):
    from .metrics import evaluate

    tables = {}
    for role in ("real", "synthetic", "holdout"):
        path = getattr(args, role)
        if path is not None:
            _suffix(path, role.upper())
            tables[role] = read_table(path, header=args.header, delimiter=args.delimiter, decimal=args.decimal,
                                      parse_dates=args.parse_dates)
            if args.verbose:
                print(f"{path}: {tables[role].description}.")
    names = tables["real"].feature_names
    for role, table in tables.items():
        if table.X.shape[1] != tables["real"].X.shape[1] or (names and table.feature_names not in (None, names)):
            raise ValueError(f"{getattr(args, role)} does not have the columns of {args.real}")
    rows = {role: table.X for role, table in tables.items()}
    frames = any(is_frame(X) for X in rows.values())
    if frames:  # a table in one file: every file as a DataFrame with the real file's columns
        columns = names if names is not None else [f"x{j}" for j in range(rows["real"].shape[1])]
        rows = dict(zip(rows, as_frames(list(rows.values()), columns, [getattr(args, role) for role in rows]),
                        strict=True))
    target = None
    if args.target is not None:
        if names and args.target in names:
            target = names.index(args.target)
        elif args.target.isdigit() and int(args.target) < rows["real"].shape[1]:
            target = int(args.target)
        else:
            raise _UsageError(f"--target {args.target}: no such column in {args.real}")
        if frames:
            target = rows["real"].columns[target]
    report = evaluate(
        rows["real"], rows["synthetic"], holdout=rows.get("holdout"),
        target=target, random_state=args.random_state, verbose=int(args.verbose),
    )
    print(report)


def _demo(argv):
    from . import demo

    try:
        demo.main(argv, prog="skgan demo")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


_COMMANDS = {"fit": _fit, "sample": _sample, "score": _score, "evaluate": _evaluate}


# --------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------


def main(argv=None):
    """Run the ``skgan`` command line.

    Every error is reported as one line on standard error that starts with
    ``skgan: error:``, with exit status 2 for a command line that does not
    make sense and 1 for anything else; warnings are one
    ``skgan: warning:`` line each.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        The exit status: 0 on success.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> folder = tempfile.TemporaryDirectory()
    >>> data, model, out = (os.path.join(folder.name, name) for name in ("x.npy", "m.skgan", "s.csv"))
    >>> np.save(data, np.random.RandomState(0).normal(size=(100, 2)))
    >>> main([
    ...     "fit", data, "-o", model, "--set", "max_iter=2", "--set", "latent_dim=4",
    ...     "--set", "n_parzen_samples=100", "--set", "random_state=0",
    ... ])
    Trained 2 epochs on 2 features in ... s on cpu; Parzen bandwidth ... Saved ...m.skgan.
    0
    >>> main(["sample", model, "-n", "3", "-o", out])
    Wrote 3 rows of 2 features to ...s.csv.
    0
    >>> open(out).readline().strip()
    'x0,x1'
    >>> main(["score", model, data])
    Parzen log-likelihood: ... ± ... nats (mean ± standard error over 100 rows)
    0
    >>> folder.cleanup()
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            return _run(argv)
        except _UsageError as exc:
            return _fail(exc, status=2)
        except KeyboardInterrupt:
            return _fail("interrupted")
        except Exception as exc:
            return _fail(exc)


def _run(argv):
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    if args.command == "demo":
        return _demo(extra)
    if extra:
        raise _UsageError(f"unrecognized arguments: {' '.join(extra)} (see skgan {args.command} --help)")
    _COMMANDS[args.command](args)
    return 0


def _fail(error, status=1):
    print(f"skgan: error: {_one_line(error)}", file=sys.stderr)
    return status


def _one_line(error):
    if isinstance(error, OSError) and error.strerror and error.filename:
        return f"{error.strerror}: {error.filename}"
    text = " ".join(str(error).split())
    if isinstance(error, KeyError):
        text = f"missing {text}"
    return text or type(error).__name__


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"skgan: warning: {_one_line(message)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
