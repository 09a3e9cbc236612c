"""imbalanced-learn's conventions, without imbalanced-learn.

The over-sampling half of :func:`imblearn.utils.check_sampling_strategy`
(same meanings and error messages), the target types and output containers
imbalanced-learn's samplers accept and give back, and its sampler tags
(only when the running program has imported imbalanced-learn). skgan never
imports imbalanced-learn itself.
"""

import sys
from collections import OrderedDict
from collections.abc import Mapping
from numbers import Real

import numpy as np
from scipy import sparse
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import type_of_target

_STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all")

_SAMPLING_STRATEGY_CONSTRAINTS = [
    Interval(Real, 0, 1, closed="right"),
    StrOptions(set(_STRATEGY_NAMES)),
    Mapping,
    callable,
]


# ------------------------------------------------------------------ strategies
# Over-sampling half of imblearn.utils.check_sampling_strategy, with its
# meanings and error messages; written here so imbalanced-learn stays optional.


def _class_counts(y):
    labels, counts = np.unique(y, return_counts=True)
    return dict(zip(labels.tolist(), counts.tolist(), strict=True))


def _up_to_majority(y, select):
    """Rows to add to each class that ``select(label, majority, minority)`` keeps, up to the majority's count."""
    counts = _class_counts(y)
    majority, minority = max(counts, key=counts.get), min(counts, key=counts.get)
    n_majority = counts[majority]
    return {
        label: n_majority - n for label, n in counts.items() if select(label, majority, minority)
    }


_STRING_STRATEGIES = {
    "minority": lambda y: _up_to_majority(y, lambda c, majority, minority: c == minority),
    "not minority": lambda y: _up_to_majority(y, lambda c, majority, minority: c != minority),
    "not majority": lambda y: _up_to_majority(y, lambda c, majority, minority: c != majority),
    "all": lambda y: _up_to_majority(y, lambda c, majority, minority: True),
    "auto": lambda y: _up_to_majority(y, lambda c, majority, minority: c != majority),
}


def _strategy_from_dict(sampling_strategy, y):
    counts = _class_counts(y)
    unknown = set(sampling_strategy.keys()) - set(counts.keys())
    if len(unknown) > 0:
        raise ValueError(f"The {unknown} target class is/are not present in the data.")
    if any(n_samples < 0 for n_samples in sampling_strategy.values()):
        raise ValueError(
            "The number of samples in a class cannot be negative."
            f"'sampling_strategy' contains some negative value: {sampling_strategy}"
        )
    to_add = {}
    for label, n_samples in sampling_strategy.items():
        if n_samples < counts[label]:
            raise ValueError(
                "With over-sampling methods, the number"
                " of samples in a class should be greater"
                " or equal to the original number of samples."
                f" Originally, there is {counts[label]} "
                f"samples and {n_samples} samples are asked."
            )
        to_add[label] = int(n_samples - counts[label])
    return to_add


def _strategy_from_float(ratio, y):
    if type_of_target(y) != "binary":
        raise ValueError(
            '"sampling_strategy" can be a float only when the type '
            "of target is binary. For multi-class, use a dict."
        )
    counts = _class_counts(y)
    majority = max(counts, key=counts.get)
    to_add = {label: int(counts[majority] * ratio - n) for label, n in counts.items() if label != majority}
    if any(n_samples <= 0 for n_samples in to_add.values()):
        raise ValueError(
            "The specified ratio required to remove samples "
            "from the minority class while trying to "
            "generate new samples. Please increase the "
            "ratio."
        )
    return to_add


def check_oversampling_strategy(sampling_strategy, y, **kwargs):
    """Number of rows to generate for each class, from an over-sampling strategy.

    The over-sampling part of :func:`imblearn.utils.check_sampling_strategy`,
    with the same meanings and error messages, but no dependency on
    imbalanced-learn.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable
        ``"auto"`` (= ``"not majority"``), ``"minority"``,
        ``"not minority"``, ``"not majority"`` or ``"all"`` bring the named
        classes up to the size of the majority class; a float in ``(0, 1]``
        (binary targets only) is the desired ratio of minority to majority
        rows after resampling; a dict maps classes to their desired number of
        rows; a callable maps ``y`` to such a dict.
    y : ndarray of shape (n_samples,)
        Class labels.
    **kwargs : dict
        Passed to a callable ``sampling_strategy``.

    Returns
    -------
    sampling_strategy_ : OrderedDict
        The classes to over-sample, sorted, each with the number of rows to
        generate.

    Examples
    --------
    >>> from skgan.augmentation import check_oversampling_strategy
    >>> y = [0] * 6 + [1] * 3 + [2] * 1
    >>> dict(check_oversampling_strategy("auto", y))
    {1: 3, 2: 5}
    >>> dict(check_oversampling_strategy({2: 4}, y))
    {2: 3}
    """
    y = np.asarray(y)
    n_classes = np.unique(y).size
    if n_classes <= 1:
        raise ValueError(f"The target 'y' needs to have more than 1 class. Got {n_classes} class instead")
    if isinstance(sampling_strategy, str):
        if sampling_strategy == "majority":
            raise ValueError("'sampling_strategy'='majority' cannot be used with over-sampler.")
        if sampling_strategy not in _STRING_STRATEGIES:
            raise ValueError(
                "When 'sampling_strategy' is a string, it needs"
                f" to be one of {_STRATEGY_NAMES}. Got '{sampling_strategy}' "
                "instead."
            )
        to_add = _STRING_STRATEGIES[sampling_strategy](y)
    elif isinstance(sampling_strategy, Mapping):
        to_add = _strategy_from_dict(sampling_strategy, y)
    elif isinstance(sampling_strategy, list):
        raise ValueError(
            "'sampling_strategy' cannot be a list for samplers which are not cleaning methods."
        )
    elif isinstance(sampling_strategy, Real):
        if sampling_strategy <= 0 or sampling_strategy > 1:
            raise ValueError(
                "When 'sampling_strategy' is a float, it should be "
                f"in the range (0, 1]. Got {sampling_strategy} instead."
            )
        to_add = _strategy_from_float(sampling_strategy, y)
    elif callable(sampling_strategy):
        to_add = _strategy_from_dict(sampling_strategy(y, **kwargs), y)
    else:
        raise ValueError(
            "'sampling_strategy' must be a float, a str, a dict or a callable, "
            f"got {sampling_strategy!r}."
        )
    return OrderedDict(sorted(to_add.items()))


# ------------------------------------------------------------- input / output


def _check_target_type(y):
    """``y`` as 1-D labels, and whether it came one-vs-all (one-hot) encoded."""
    if type_of_target(y) == "multilabel-indicator":
        y = np.asarray(y)
        if np.any(y.sum(axis=1) > 1):
            raise ValueError(
                "GANOversampler supports binary, multiclass and one-vs-all "
                "(one-hot) encoded multiclass targets. Multilabel and "
                "multioutput targets are not supported."
            )
        return y.argmax(axis=1), True
    return column_or_1d(y), False


def _is_pandas(obj, kind):
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(obj, getattr(pandas, kind))


class _Containers:
    """Gives resampled arrays back in the containers of the input (as imbalanced-learn does).

    A list comes back as a list, a pandas DataFrame or Series as one with the
    same columns or name (a fresh index; ``y``'s aligned with ``X``'s), with
    float column dtypes and the target's dtype kept; anything else as the
    array or sparse matrix. A table's resampled rows are a DataFrame with its
    dtypes already, and come back as they are.
    """

    def __init__(self, X, y):
        self.X, self.y = self._props(X), self._props(y)

    @staticmethod
    def _props(obj):
        if isinstance(obj, list):
            return {"kind": "list"}
        if _is_pandas(obj, "DataFrame"):
            return {"kind": "DataFrame", "columns": obj.columns, "dtypes": obj.dtypes}
        if _is_pandas(obj, "Series"):
            return {"kind": "Series", "name": obj.name, "dtype": obj.dtype}
        return {"kind": None}

    @staticmethod
    def _restore(array, props, floats_only):
        kind = props["kind"]
        if kind == "list":
            return array.tolist()
        if kind is None or _is_pandas(array, "DataFrame"):  # a table's rows are a DataFrame already
            return array
        import pandas as pd

        if kind == "Series":
            return pd.Series(array, dtype=props["dtype"], name=props["name"])
        if sparse.issparse(array):
            frame = pd.DataFrame.sparse.from_spmatrix(array, columns=props["columns"])
        else:
            frame = pd.DataFrame(array, columns=props["columns"])
        for i, dtype in enumerate(props["dtypes"]):
            # generated values are continuous: integer or boolean columns stay float
            if (not floats_only or dtype.kind == "f") and frame.dtypes.iloc[i] != dtype:
                frame.isetitem(i, frame.iloc[:, i].astype(dtype))
        return frame

    def restore(self, X, y):
        X = self._restore(X, self.X, floats_only=True)
        y = self._restore(y, self.y, floats_only=False)
        if self.X["kind"] == "DataFrame" and self.y["kind"] in ("DataFrame", "Series"):
            y.index = X.index
        return X, y


def _imblearn_tags(tags):
    """``tags`` as imbalanced-learn's sampler tags, when imbalanced-learn is in use.

    Only when the running program has imported imbalanced-learn (its code is
    then the one asking): skgan never imports it.
    """
    if sys.modules.get("imblearn") is None:
        return tags
    try:
        from dataclasses import fields

        from imblearn.utils._tags import InputTags, SamplerTags, Tags
    except ImportError:  # an imbalanced-learn without sampler tags
        return tags
    input_tags = InputTags(**{f.name: getattr(tags.input_tags, f.name) for f in fields(tags.input_tags)})
    input_tags.dataframe = True
    return Tags(
        estimator_type="sampler",
        target_tags=tags.target_tags,
        transformer_tags=None,
        classifier_tags=None,
        regressor_tags=None,
        array_api_support=tags.array_api_support,
        no_validation=tags.no_validation,
        non_deterministic=tags.non_deterministic,
        requires_fit=tags.requires_fit,
        _skip_test=tags._skip_test,
        input_tags=input_tags,
        sampler_tags=SamplerTags(sample_indices=False),
    )
