"""Hostile model files, and saves under concurrency and kills (issue 17, items 1 to 3; issue 31, model files).

Every hostile file is generated here, by a function of this module: none is
committed. Memory bombs (:data:`BOMBS`) are loaded in a child process that
reports the rise of its peak resident memory (``VmHWM``) across
``skgan.load`` and the time the refusal took (``python -m
benchmarks.hostile_files`` prints the figures).
"""

import json
import os
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

import skgan
from skgan._files import STALE_AFTER_SECONDS, remove_stale_temporaries
from skgan._torch_options import check_compile_options, check_optimizer_kwargs
from skgan.exceptions import InvalidModelFile
from skgan.persistence._format import digest

ROOT = Path(__file__).resolve().parents[2]
MEMORY_BOUND = 200 * 2**20
TIME_BOUND = 30.0


def save_models(folder, tiny_sampler, table):
    """Saved files in ``folder``: a plain model, a conditional one with integer labels and a weight average, one
    of a named numeric DataFrame and one of the mixed ``table``."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    tiny_sampler(max_iter=1).fit(X).save(folder / "plain.skgan")
    y = np.repeat([3, 7, 9], 20)
    tiny_sampler(max_iter=1, ema_decay=0.9).fit(X, y).save(folder / "conditional.skgan")
    tiny_sampler(max_iter=1).fit(pd.DataFrame(X, columns=["a", "b", "c"])).save(folder / "frame.skgan")
    tiny_sampler(max_iter=1).fit(table).save(folder / "table.skgan")
    return folder


@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny_sampler, mixed_table):
    """The files of :func:`save_models`."""
    return save_models(tmp_path_factory.mktemp("models"), tiny_sampler, mixed_table)


def rewritten(models, tmp_path, change, name="plain.skgan", sign=True):
    """A copy of a saved model with ``change(config, state)`` applied and (by default) a valid checksum."""
    contents = torch.load(models / name, weights_only=True)
    config = json.loads(contents["config"])
    change(config, contents["state"])
    contents["config"] = json.dumps(config, sort_keys=True)
    contents["sha256"] = digest(contents["config"], contents["state"]) if sign else "0" * 64
    path = tmp_path / "hostile.skgan"
    torch.save(contents, path)
    return path


def assert_refused(path, match):
    with pytest.raises(ValueError, match=match) as info:
        skgan.load(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message and "not a valid skgan model file" in message
    return message


# --- item 1: saved parameters are checked as __init__ checks them -----------


def set_config(**values):
    def change(config, state):
        config.update(values)
    return change


@pytest.mark.parametrize(
    "change, match",
    [
        (set_config(compile={"options": {"cpp.cxx": "/tmp/evil"}}), "'cpp.cxx'"),
        (set_config(compile={"options": {"trace.enabled": True, "trace.debug_dir": "/tmp/x"}}), "trace"),
        (set_config(compile={"backend": "my_plugin"}), "backend"),
        (set_config(compile={"mode": "nonsense"}), "mode"),
        (set_config(compile={"fullgraph": "yes"}), "fullgraph"),
        (set_config(compile="inductor"), "compile"),
        (set_config(max_iter=-5), "'max_iter' parameter of GANSampler"),
        (set_config(optimizer="torch.optim.SGD"), "optimizer"),
        (set_config(optimizer_kwargs={"foreach": "/bin/sh"}), "foreach"),
        (set_config(optimizer_kwargs={"evil": 1}), "evil"),
        (set_config(transformer="sklearn.decomposition.PCA"), "transformer"),
        (set_config(callbacks=["skgan.callbacks.Checkpoint"]), "callbacks"),
        (set_config(device="meta"), "device"),
        (set_config(random_state=-1), "random_state"),
        (set_config(bandwidth=[0.5, float("inf")]), "bandwidth"),
        (set_config(unknown_parameter=1), "unknown parameters"),
        (set_config(loss={"spec": "MLPGenerator", "params": {}}), "loss"),
        (set_config(generator={"spec": "MLPGenerator", "params": {"hidden_layer_sizes": [-3]}}), "generator"),
        (set_config(generator={"spec": "MLPGenerator", "params": {"code": "print(1)"}}), "unknown parameters"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_saved_parameters_that_fit_would_refuse_are_refused(models, tmp_path, change, match):
    assert_refused(rewritten(models, tmp_path, change), match)


def test_a_compile_option_naming_a_program_never_reaches_torch_compile(models, tmp_path, monkeypatch):
    """The finding: a loaded file's compile options reached torch.compile on a warm-start fit."""
    calls = []
    monkeypatch.setattr(torch, "compile", lambda module, **options: calls.append(options) or module)
    path = rewritten(models, tmp_path, set_config(compile={"options": {"cpp.cxx": "/tmp/evil-compiler"}}))
    with pytest.raises(ValueError, match="cpp.cxx"):
        skgan.load(path).set_params(warm_start=True, max_iter=2).fit(np.zeros((20, 3)))
    assert calls == []


def set_state(key, value):
    def change(config, state):
        state[key] = value
    return change


def set_nested(*keys, value):
    def change(config, state):
        target = state
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return change


@pytest.mark.parametrize(
    "change, match, name",
    [
        (set_state("device_", "meta"), "device_", "plain"),
        (set_state("device_", "cuda; rm -rf"), "device_", "plain"),
        (set_nested("scaling", "center_", value=torch.zeros(5, dtype=torch.float64)), "centre", "plain"),
        (set_nested("scaling", "data_per_model_", value=torch.full((3,), float("nan"), dtype=torch.float64)),
         "scaling factors", "plain"),
        (set_nested("scaling", "output_range", value=[1.0, -1.0]), "output_range", "plain"),
        (set_nested("classes_", "values", value=[3, 7, 1e30]), "classes_", "conditional"),
        (set_nested("classes_", "values", value=[9, 7, 3]), "classes_", "conditional"),
        (set_nested("classes_", "dtype", value="<M8[ns]"), "dtype", "conditional"),
        (set_state("class_prior", torch.tensor([0.5, 0.5, 0.5], dtype=torch.float64)), "class_prior", "conditional"),
        (set_state("history_", [{"epoch": "one"}]), "history_", "plain"),
        (set_state("n_iter_", 99), "history_", "plain"),
        (set_state("_n_average_updates", -3), "_n_average_updates", "conditional"),
        (set_state("_n_average_updates", None), "_n_average_updates", "conditional"),
        (set_state("_parzen_seed", -1), "_parzen_seed", "plain"),
        (set_state("bandwidth_", -1.0), "bandwidth_", "plain"),
        (set_state("n_features_in_", 0), "n_features_in_", "plain"),
        (set_state("feature_names_in_", ["a"]), "feature_names_in_", "plain"),
        (set_nested("fitted_settings", "noise", value="cauchy"), "noise", "plain"),
        (set_nested("fitted_settings", "latent_dim", value=5), "generator_", "plain"),
        (set_nested("generator_", "0.weight", value=torch.zeros(2, 2)), "0.weight", "plain"),
        (set_nested("optimizer_state", value=({"state": {}, "param_groups": [{"params": [0]}]},) * 2),
         "optimizer state", "plain"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_fitted_values_are_checked_for_type_shape_and_range(models, tmp_path, change, match, name):
    assert_refused(rewritten(models, tmp_path, change, f"{name}.skgan"), match)


def first_frequency(value):
    def change(config, state):
        state["table"]["frequencies"][0][0] = value
    return change


@pytest.mark.parametrize(
    "change, match, name",
    [
        (set_state("feature_names_in_", ["b", "a", "c"]), "feature_names_in_", "frame"),
        (set_state("feature_names_in_", None), "feature_names_in_", "frame"),
        (set_state("feature_names_in_", ["x0", "x1", "x2", "x3", "x4"]), "feature_names_in_", "table"),
        (first_frequency(10**30), "frequencies", "table"),
        (first_frequency(-1), "frequencies", "table"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_fields_are_checked_against_each_other(models, tmp_path, change, match, name):
    """Names against the columns the codec describes, counts within what a table can hold: one documented error."""
    path = rewritten(models, tmp_path, change, f"{name}.skgan")
    with pytest.raises(InvalidModelFile, match=match) as info:
        skgan.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("name", ["frame", "table"])
def test_the_untampered_frame_and_table_models_load(models, name):
    assert skgan.load(models / f"{name}.skgan").n_iter_ == 1


def test_optimizer_state_shapes_are_checked_before_a_warm_start(models, tmp_path):
    def change(config, state):
        state["optimizer_state"][0]["state"][0]["exp_avg"] = torch.zeros(7, 7)
    assert_refused(rewritten(models, tmp_path, change), "optimizer state of the generator")


def test_intact_files_still_load_and_keep_training(models):
    for name in ("plain.skgan", "conditional.skgan"):
        gan = skgan.load(models / name)
        y = None if name == "plain.skgan" else np.repeat([3, 7, 9], 4)
        gan.set_params(warm_start=True, max_iter=1).fit(np.zeros((12, 3)), y)
        assert gan.n_iter_ == 2


# --- fit-time checks of compile and the optimizer's keyword arguments -------


def test_compile_options_are_checked():
    assert check_compile_options(False) is None and check_compile_options(True) == {}
    options = {"mode": "max-autotune", "fullgraph": True, "dynamic": None, "backend": "inductor"}
    assert check_compile_options(options) == options and check_compile_options(options) is not options
    assert check_compile_options({"options": {"epilogue_fusion": False}}) == {"options": {"epilogue_fusion": False}}
    backend = lambda graph, inputs: graph  # noqa: E731 - the user's own backend, allowed at fit time
    assert check_compile_options({"backend": backend})["backend"] is backend
    for bad in ({"mode": "nonsense"}, {"mode": "default", "options": {"max_autotune": True}},
                {"options": {"max_autotune": "yes"}}, {"options": {"cuda.cutlass_dir": "/x"}}, {"evil": 1}, 3):
        with pytest.raises(ValueError, match="compile"):
            check_compile_options(bad)


def test_optimizer_kwargs_keys_follow_the_named_optimizer():
    assert check_optimizer_kwargs("adam", {"betas": [0.5, 0.9], "amsgrad": True}) == {"betas": [0.5, 0.9],
                                                                                      "amsgrad": True}
    assert check_optimizer_kwargs("goodfellow2014", {"decay_factor": 1.00004}) == {"decay_factor": 1.00004}
    with pytest.raises(ValueError, match="'nesterov'"):
        check_optimizer_kwargs("adam", {"nesterov": True})
    with pytest.raises(ValueError, match="must be a number"):
        check_optimizer_kwargs("sgd", {"momentum": "0.9"})


# --- item 2: memory and time bombs ------------------------------------------

CHILD = """
import json, sys, time
import skgan

def peak():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))

before, start, cpu = peak(), time.perf_counter(), time.process_time()
try:
    skgan.load(sys.argv[1])
    error = None
except ValueError as exc:
    error = str(exc)
print(json.dumps({"increase": peak() - before, "seconds": time.perf_counter() - start,
                  "cpu_seconds": time.process_time() - cpu, "error": error}))
"""


def load_in_child(path):
    """``{"increase": bytes, "seconds": ..., "cpu_seconds": ..., "error": message or None}`` of ``skgan.load(path)``
    in a new process."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def deflate_bomb(folder, n_bytes=300 * 2**20):
    """An archive whose deflated pickle (a string of ``n_bytes``) unfolds about 1000-fold."""
    path = folder / "deflate.skgan"
    head = (b"\x80\x02}q\x00(X\x06\x00\x00\x00formatq\x01X\x10\x00\x00\x00skgan.GANSamplerq\x02"
            b"X\x07\x00\x00\x00versionq\x03K\x01X\x07\x00\x00\x00paddingq\x04X" + struct.pack("<I", n_bytes))
    info = zipfile.ZipInfo("archive/data.pkl")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compresslevel=1) as archive:
        with archive.open(info, "w", force_zip64=True) as member:
            member.write(head)
            chunk = b"a" * 2**20
            for _ in range(n_bytes // len(chunk)):
                member.write(chunk)
            member.write(b"q\x05u.")
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/byteorder", "little")
    return path


def hidden_size_bomb(models, folder):
    def change(config, state):
        for settings in (config, state["fitted_settings"]):
            settings["generator"]["params"]["hidden_layer_sizes"] = [15000, 15000]
    return rewritten(models, folder, change)


def many_layers_bomb(models, folder):
    def change(config, state):
        for settings in (config, state["fitted_settings"]):
            settings["discriminator"]["params"]["hidden_layer_sizes"] = [1] * 100_000
    return rewritten(models, folder, change)


def label_dtype_bomb(models, folder):
    def change(config, state):
        state["classes_"] = {"values": ["a", "b", "c"], "dtype": "<U100000000"}
    return rewritten(models, folder, change, "conditional.skgan")


def expanded_tensor_bomb(models, folder):
    """A 4-byte tensor viewed as 20000 x 20000 by zero strides (1.6 GB once the checksum copies it)."""
    def change(config, state):
        state["extra"] = torch.zeros(1).expand(20000, 20000)
    return rewritten(models, folder, change, sign=False)


def repeated_string_bomb(models, folder):
    """One 1 MB string referenced 20000 times: 20 GB for the checksum to hash."""
    def change(config, state):
        state["extra"] = ["x" * 2**20] * 20000
    return rewritten(models, folder, change, sign=False)


def foreign_checkpoint(models, folder):
    """Another program's torch file with 120 MB of weights: refused by its header, before they are read."""
    path = folder / "foreign.pt"
    torch.save({"model": torch.zeros(30 * 2**20)}, path)
    return path


def flat_values_bomb(folder, n=15_000_000, op=b"}"):
    """A 15 MB pickle of a flat list of 15 million empty dicts (the issue's were 20 million in 19 MB)."""
    return pickle_file(folder / "flat.skgan", flat_list(op, n))


def stacked_nesting_bomb(folder, depth=5_000_000):
    """Lists nested 5 million deep, built on the pickle's stack (10 MB)."""
    return pickle_file(folder / "stacked.skgan", b"]" * depth + b"a" * (depth - 1))


def memo_nesting_bomb(folder, depth=1_000_000):
    """Lists nested a million deep, each built around the previous one fetched from the memo (7 MB)."""
    return pickle_file(folder / "memo.skgan", memo_chain(depth))


def many_categories_bomb(models, folder, n=1_000_000):
    """The table model with a million more categories in a column (31 MB), its checksum recomputed."""
    def change(config, state):
        column = next(c for c in state["table"]["encoder"]["columns"] if c["name"] == ["str", "island"])
        column["values"] += [["str", f"island{i:07d}"] for i in range(n)]
    return rewritten(models, folder, change, "table.skgan")


def extra_score_categories(models, folder, n=1_000_000):
    """The table model with a million more categories of a column in its score encoding (23 MB), checksum
    recomputed."""
    def change(config, state):
        encoding = state["table"]["score_encoding"]
        encoding["categories"][encoding["columns"].index("island")] += [f"island{i:06d}" for i in range(n)]
    return rewritten(models, folder, change, "table.skgan")


def tampered_dtype(models, folder):
    """The table model whose discrete column of 0 to 3 is said to be uint8 and to hold 2007 to 2010."""
    def change(config, state):
        column = next(c for c in state["table"]["encoder"]["columns"] if c["name"] == ["str", "kids"])
        column.update(dtype={"name": "uint8"}, values=[["int", 2007 + i] for i in range(4)])
    return rewritten(models, folder, change, "table.skgan")


BOMBS = {
    "flat_values": (lambda models, folder: flat_values_bomb(folder), "pickle opcodes"),
    "stacked_nesting": (lambda models, folder: stacked_nesting_bomb(folder), "stacks more than"),
    "memo_nesting": (lambda models, folder: memo_nesting_bomb(folder), "nested more than 32 deep"),
    "many_categories": (many_categories_bomb, "more than the 16777216"),
    "extra_score_categories": (extra_score_categories, "more than the 16777216"),
    "tampered_dtype": (tampered_dtype, "cannot hold"),
    "deflate": (lambda models, folder: deflate_bomb(folder), "compressed"),
    "hidden_sizes": (hidden_size_bomb, "declare more weights than generator_"),
    "many_layers": (many_layers_bomb, "declare more weights than discriminator_"),
    "label_dtype": (label_dtype_bomb, "dtype"),
    "expanded_tensor": (expanded_tensor_bomb, "span more bytes"),
    "repeated_string": (repeated_string_bomb, "unfold"),
    "foreign_checkpoint": (foreign_checkpoint, "format tag"),
}


@pytest.mark.slow  # about 5 s each: the file is loaded in a fresh Python process
@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_memory_and_time_bombs_are_refused_cheaply(models, tmp_path, kind):
    make, match = BOMBS[kind]
    path = make(models, tmp_path)
    result = load_in_child(path)
    assert result["error"] is not None and match in result["error"], result
    assert str(path) in result["error"]
    bound = MEMORY_BOUND if kind != "foreign_checkpoint" else path.stat().st_size // 2  # its weights are never read
    assert result["increase"] < bound, result
    assert result["seconds"] < TIME_BOUND, result


def test_the_format_tag_and_version_lead_the_pickle(models):
    """The header that load reads first, without unpickling: the first keys of the saved dict."""
    from skgan.persistence._format import _head_values

    with zipfile.ZipFile(models / "plain.skgan") as archive:
        head = archive.read("archive/data.pkl")[:4096]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    assert _head_values(head) == {"format": "skgan.GANSampler", "version": 1, "skgan_version": skgan.__version__}


# --- issue 31: the pickle bounded before anything is built -----------------

#: The first keys of a model file's pickle (see test_the_format_tag_and_version_lead_the_pickle), then "state".
_PICKLE_HEAD = (b"\x80\x02}q\x00(X\x06\x00\x00\x00formatq\x01X\x10\x00\x00\x00skgan.GANSamplerq\x02"
                b"X\x07\x00\x00\x00versionq\x03K\x01X\x05\x00\x00\x00stateq\x04")


def pickle_file(path, state):
    """A model file whose pickle holds the format tag, the version and ``state`` (a pickled value's opcodes).

    No checksum and no config: whatever refuses such a file must do so
    before the values are checked, the point of these files.
    """
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", _PICKLE_HEAD + state + b"u.")
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/byteorder", "little")
    return path


def flat_list(op, n):
    """A list of ``n`` values, each pushed by the opcode ``op``, in batches of 1000 as pickle writes them."""
    batch = b"(" + op * 1000 + b"e"
    return b"]q\x05" + batch * (n // 1000) + (b"(" + op * (n % 1000) + b"e") * bool(n % 1000)


def memo_chain(depth):
    """Lists nested ``depth`` deep on a flat stack: each new list takes the previous one from the memo.

    The stack never holds more than four values: each level is a new list,
    the previous level fetched from the memo (``BINGET``) and appended, the
    new list put in the memo and appended to a list outside the chain.
    """
    return b"](]q\x06e" + b"(]h\x06aq\x06e" * (depth - 1)


@pytest.fixture
def never_unpickled(monkeypatch):
    """``never_unpickled()``: from then on ``torch.load`` fails the test (a refusal must come before unpickling)."""
    def unpickle(*args, **kwargs):
        raise AssertionError("torch.load was called")
    return lambda: monkeypatch.setattr(torch, "load", unpickle)


@pytest.mark.parametrize("state, match", [
    (flat_list(b"}", 200_000), r"more than \d+ pickle opcodes"),  # the flat list of empty dicts
    (flat_list(b"]", 200_000), r"more than \d+ pickle opcodes"),  # and of empty lists
    (flat_list(b"N", 300_000), r"more than \d+ pickle opcodes"),
    (b"]" * 200_000 + b"a" * 199_999, "stacks more than 131072 values"),  # nested on the stack
    (b"(" * 200_000, "stacks more than 131072 values"),
    (memo_chain(40), "nested more than 32 deep"),  # nested through the memo, the stack flat
    (b"N" + b"\x85" * 40, "nested more than 32 deep"),  # tuples
    (b"}q\x05(X\x01\x00\x00\x00k" + memo_chain(40) + b"u", "nested more than 32 deep"),
    (b"]q\x05h\x05a", "changes a value after referring to it"),  # a list that holds itself
    (b"\x8f", "a set"),
], ids=["dicts", "lists", "nones", "stacked", "marks", "memo", "tuples", "dict_value", "itself", "set"])
def test_many_values_and_deep_nesting_are_refused_before_anything_is_built(tmp_path, never_unpickled, state, match):
    path = pickle_file(tmp_path / "hostile.skgan", state)
    never_unpickled()
    with pytest.raises(InvalidModelFile, match=match) as info:
        skgan.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("state", [b"]q\x05(K\x01", b"]q\x05h\x09", b"\x8c\x01a", b"e", b"K\x01K\x02"],
                         ids=["cut", "unknown_memo", "protocol_4", "no_mark", "two_values"])
def test_a_pickle_that_torch_cannot_read_is_not_a_model_file(tmp_path, never_unpickled, state):
    never_unpickled()
    with pytest.raises(ValueError, match=r"not an skgan model file, or it is corrupted or truncated \((its pickle is "
                                         r"cut or does not add up|pickle opcode b'\\x8c') at byte \d+") as info:
        skgan.load(pickle_file(tmp_path / "broken.skgan", state))
    assert not isinstance(info.value, InvalidModelFile)


def nested(depth, bottom=0):
    """A list nested ``depth`` deep: ``nested(1) == [0]``, ``nested(2) == [[0]]``, ``nested(1, []) == [[]]``."""
    value = bottom
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", range(28, 36))
@pytest.mark.parametrize("shape", ["list", "dict", "tuple", "empty"])
def test_the_scan_refuses_the_depths_that_the_loaded_values_check_refuses(depth, shape):
    """The scan's heights are the loaded values' nesting: one bound, before and after unpickling."""
    import pickle

    from skgan.persistence._format import MAX_DEPTH, _check_values
    from skgan.persistence._pickle_scan import scan

    value = {"list": nested(depth), "dict": {"k": nested(depth - 1)}, "tuple": (nested(depth - 1),),
             "empty": nested(depth - 1, bottom=[])}[shape]
    contents = {"format": "x", "state": value}
    try:
        _check_values(contents, 2**20, 0)
        refused_after = False
    except InvalidModelFile:
        refused_after = True
    data = pickle.dumps(contents, protocol=2)
    try:
        scan(data, MAX_DEPTH)
        refused_before = False
    except InvalidModelFile:
        refused_before = True
    assert refused_before == refused_after


def test_the_scan_reads_every_opcode_of_a_saved_model(models):
    """The same opcodes as pickletools reads, for every kind of saved model, in a small share of the load's time."""
    import pickletools

    from skgan.persistence._pickle_scan import scan

    for name in ("plain", "conditional", "frame", "table"):
        with zipfile.ZipFile(models / f"{name}.skgan") as archive:
            data = archive.read("archive/data.pkl")
        assert scan(data, 32) == sum(1 for _ in pickletools.genops(data))


def test_values_besides_tensors_over_16_mib_are_refused_by_their_declared_size(models, tmp_path, never_unpickled):
    """The issue's 31 MB file of a million categories, in small: the archive's directory is enough to refuse it."""
    path = rewritten(models, tmp_path, set_state("notes", "x" * (16 * 2**20)), sign=False)
    never_unpickled()
    with pytest.raises(InvalidModelFile, match=r"take \d+ bytes, more than the 16777216 skgan reads"):
        skgan.load(path)


# --- issue 31: fields checked against each other ----------------------------


def table_column(state, name):
    return next(c for c in state["table"]["encoder"]["columns"] if c["name"] == ["str", name])


def set_column(name, **values):
    def change(config, state):
        table_column(state, name).update(values)
    return change


def score_encoding(change_encoding):
    def change(config, state):
        change_encoding(state["table"]["score_encoding"])
    return change


def swap_categories(encoding):
    columns, categories = encoding["columns"], encoding["categories"]
    i, j = columns.index("island"), columns.index("colour")
    categories[i], categories[j] = categories[j], categories[i]


def extra_categories(encoding):
    encoding["categories"][encoding["columns"].index("island")] += ["Atlantis", "Lemuria"]


def repeated_category(encoding):
    categories = encoding["categories"][encoding["columns"].index("island")]
    categories[-1] = categories[0]


def numbers_as_categories(encoding):
    encoding["categorical"][encoding["columns"].index("kids")] = True
    encoding["categories"][encoding["columns"].index("kids")] = ["0", "1", "2", "3"]


def no_missing_values(encoding):
    encoding["has_missing"][encoding["columns"].index("mass")] = False


def reordered_columns(encoding):
    for values in encoding.values():
        if isinstance(values, list):
            values[0], values[1] = values[1], values[0]


def one_more_category(config, state):
    """A category more in the encoder and in the score encoding: the generator's output is a column short."""
    column = table_column(state, "island")
    column["values"].append(["str", "Atlantis"])
    encoding = state["table"]["score_encoding"]
    encoding["categories"][encoding["columns"].index("island")].append("Atlantis")
    state["table"]["frequencies"][state["table"]["condition_columns"].index("island")].append(1)
    scaling = state["scaling"]
    for key in ("center_", "data_per_model_", "model_per_data_"):
        scaling[key] = torch.cat([scaling[key], scaling[key][-1:]])


@pytest.mark.parametrize("change, match", [
    # a column's values outside its dtype: a uint8 column holding 2007 decodes it as 215
    (set_column("kids", dtype={"name": "uint8"}, values=[["int", 2007 + i] for i in range(4)]),
     r"\['values'\] holds 2007, which a column of dtype uint8 cannot hold"),
    (set_column("count", dtype={"name": "uint8"}), r"\['low'\] and \['high'\] holds 3\d\d(\.0)?, which .* dtype uint8"),
    (set_column("kids", dtype={"name": "Int8"}, values=[["int", -129], ["int", 0], ["int", 1], ["int", 2]]),
     "holds -129, which a column of dtype Int8"),
    (set_column("length", dtype={"name": "float16"}, high=1e6), "holds 1000000.0, which a column of dtype float16"),
    (set_column("island", values=[["str", "Biscoe"], ["int", 7], ["str", "Torgersen"]]),
     "holds 7, which a column of dtype str"),
    # the score encoding against the encoder
    (score_encoding(swap_categories), "score encoding's categories .* of column 'colour'"),
    (score_encoding(repeated_category), "score encoding's categories .* of column 'island'"),
    (score_encoding(numbers_as_categories), "takes the discrete column 'kids' of dtype int64 as categories"),
    (score_encoding(no_missing_values), "no missing values in column 'mass'"),
    (score_encoding(reordered_columns), "score encoding's columns"),
    # the encoder against the generator's layout
    (one_more_category, r"its generator_\['.*'\] is torch.float32 of shape .* but the generator its settings describe"),
], ids=["uint8_values", "uint8_range", "Int8_values", "float16_range", "str_values", "swapped_categories",
        "repeated_category", "numbers_as_categories", "missing_values", "column_order",
        "layout_width"])
def test_table_fields_are_checked_against_each_other(models, tmp_path, change, match):
    path = rewritten(models, tmp_path, change, "table.skgan")
    with pytest.raises(InvalidModelFile, match=match) as info:
        skgan.load(path)
    assert str(path) in str(info.value)


def test_categories_that_only_held_out_rows_had_are_a_score_encodings_own(models, tmp_path):
    """Fit learns the score encoding from the held-out rows too: categories the encoder lacks are what it writes."""
    path = rewritten(models, tmp_path, score_encoding(extra_categories), "table.skgan")
    gan = skgan.load(path)
    assert gan._fitted.codec.score_encoding.categories_["island"][-2:] == ["Atlantis", "Lemuria"]


def test_the_untampered_table_model_samples_its_own_values(models):
    """The untampered table model decodes its own values (the cross-checks refuse no model a fit writes)."""
    gan = skgan.load(models / "table.skgan")
    rows = gan.sample(50, random_state=0)
    assert set(rows["kids"]) <= {0, 1, 2, 3} and str(rows["kids"].dtype) == "int64"


# --- item 3: saves ----------------------------------------------------------


def test_concurrent_saves_to_one_path_never_give_a_corrupt_load(tmp_path, tiny_sampler):
    X = np.random.RandomState(0).normal(size=(40, 3))
    gans = [tiny_sampler(max_iter=1, random_state=seed).fit(X) for seed in (0, 1)]
    expected = [gan.sample(3, random_state=0) for gan in gans]
    path = tmp_path / "shared.skgan"
    gans[0].save(path)
    errors, loads, done = [], [], threading.Event()

    def writer(gan):
        try:
            for _ in range(15):
                gan.save(path)
        except Exception as exc:
            errors.append(exc)

    def reader():
        while not done.is_set():
            try:
                loads.append(skgan.load(path).sample(3, random_state=0))
            except Exception as exc:
                errors.append(exc)

    writers = [threading.Thread(target=writer, args=(gan,)) for gan in gans]
    watcher = threading.Thread(target=reader)
    for thread in (*writers, watcher):
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    watcher.join()
    assert errors == []
    assert loads and all(any(np.array_equal(got, want) for want in expected) for got in loads)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.skgan"]


def test_a_254_character_file_name_saves_and_loads(models, tmp_path):
    path = tmp_path / ("m" * 248 + ".skgan")
    skgan.load(models / "plain.skgan").save(path)
    assert len(path.name) == 254 and skgan.load(path).n_iter_ == 1
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_gone_writers_are_removed_and_no_others(models, tmp_path):
    old = time.time() - STALE_AFTER_SECONDS - 60
    gone = dead_pid()
    names = {
        f".skgan-{gone}-abcdefgh.tmp": (old, True),  # stale: removed
        f".skgan-{gone}-recent00.tmp": (time.time(), False),  # a writer may be slow: kept
        f".skgan-{os.getpid()}-live0000.tmp": (old, False),  # its writer runs: kept
        f".model.skgan.{gone}.tmp": (old, False),  # not this format's name: kept
        "notes.tmp": (old, False),
    }
    for name, (mtime, _) in names.items():
        (tmp_path / name).write_bytes(b"partial")
        os.utime(tmp_path / name, (mtime, mtime))
    skgan.load(models / "plain.skgan").save(tmp_path / "model.skgan")
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"model.skgan"} | {name for name, (_, removed) in names.items() if not removed}
    assert remove_stale_temporaries(tmp_path / "missing-folder") == []


KILLED_SAVE = """
import sys, time
import torch
import skgan

def slow_save(obj, file):
    file.write(b"partial" * 1000)
    file.flush()
    print("writing", flush=True)
    time.sleep(120)

gan = skgan.load(sys.argv[1])
torch.save = slow_save
gan.save(sys.argv[2])
"""


def test_a_save_killed_with_sigkill_leaves_a_temporary_that_the_next_save_removes(models, tmp_path):
    target = tmp_path / "model.skgan"
    child = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(models / "plain.skgan"), str(target)],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "writing"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    left = [p for p in tmp_path.iterdir() if p.name != target.name]
    assert len(left) == 1 and left[0].name.startswith(f".skgan-{child.pid}-") and not target.exists()
    skgan.load(models / "plain.skgan").save(target)
    assert left[0].exists()  # not yet stale: a writer gets STALE_AFTER_SECONDS
    os.utime(left[0], (time.time() - STALE_AFTER_SECONDS - 1,) * 2)
    skgan.load(models / "plain.skgan").save(target)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
