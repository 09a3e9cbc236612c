"""The skgan model file: header, format version, checksum, atomic write, upgrades.

A model file is one :func:`torch.save` archive (a zip file whose entries are
stored, not compressed) of a dict::

    {"format": FORMAT, "version": VERSION, "skgan_version": ..., "torch_version": ...,
     "config": <the constructor parameters, a JSON string>,
     "state": <the fitted state: plain values and tensors>,
     "sha256": <checksum of config and state>}

It holds nothing but plain values and tensors, so :func:`read` loads it with
``torch.load(..., weights_only=True)``, which never runs code from the file.

:func:`read` checks the file header first, before anything large is read:
the zip archive's central directory (the name, size and compression of every
entry: the pickled values and each tensor's bytes) and the first bytes of
the pickle (the format tag and version, which :func:`write` puts first). A
compressed entry, entries that declare more bytes than the file holds, a
pickle over :data:`MAX_PICKLE_BYTES` or a foreign format are refused there.
Then the pickle's opcodes are scanned without unpickling
(:mod:`._pickle_scan`): more values than its size allows (at most
:data:`~._pickle_scan.MAX_OPCODES`), values nested deeper than
:data:`MAX_DEPTH` and too wide a stack are refused before anything is
built. After loading, values that unfold to more than the file's size (a
tensor expanded or viewed many times, a string referenced many times) are
refused before the checksum touches them. What ``config`` and ``state`` mean is not
this module's business: see :mod:`._parameters` and :mod:`._state`,
which raise :class:`InvalidModelFile` for values a fit could not have
written.
"""

import contextlib
import hashlib
import io
import json
import os
import pickletools
import zipfile
from pathlib import Path

import torch

from .._files import atomic_write
from .._version import __version__
from ..exceptions import InvalidModelFile
from ._pickle_scan import MalformedPickle, scan

#: Identifies an skgan model file.
FORMAT = "skgan.GANSampler"
#: Version of the file layout that :func:`write` writes and :func:`read` reads.
VERSION = 1

#: ``{old version: function(contents) -> contents of the next version}``; :func:`read`
#: applies them in turn, so a file of any listed version reads as the current one.
UPGRADES = {}

#: Errors that mean a file's contents are not what they claim to be.
DAMAGE = (KeyError, TypeError, AttributeError, IndexError, RuntimeError, ValueError)

#: The largest pickle (everything but the tensors' bytes: parameters, history, names) :func:`read` loads. A
#: model's pickle reaches the opcode budget (:data:`~._pickle_scan.MAX_OPCODES`) at 8 to 12 MB.
MAX_PICKLE_BYTES = 16 * 2**20
#: The most entries (one per tensor, and a few more) of a model file's archive.
MAX_ENTRIES = 100_000
#: The deepest nesting of dicts, lists and tuples in a model file.
MAX_DEPTH = 32
#: Plain values (a unit per value, plus a string's length) a file may unfold to, per byte of its pickle.
_UNITS_PER_PICKLE_BYTE = 8
_HEAD_BYTES = 4096


def write(path, config, state):
    """Write ``config`` (a dict of plain values) and ``state`` to ``path``, atomically."""
    config = json.dumps(config, sort_keys=True)
    contents = {  # the format tag and version first: read() finds them in the pickle's first bytes
        "format": FORMAT,
        "version": VERSION,
        "skgan_version": __version__,
        "torch_version": str(torch.__version__),
        "config": config,
        "state": state,
        "sha256": digest(config, state),
    }
    _write_atomically(contents, Path(path))


def read(path):
    """``(config, state)`` of the model file at ``path``, checked and upgraded to :data:`VERSION`.

    Raises ``ValueError`` for anything that is not an intact skgan model file
    of a version this skgan reads, and :class:`InvalidModelFile` for one
    whose values unfold to more than its size.
    """
    with open(path, "rb") as file:  # one open file for the checks and the load: it cannot change between them
        sizes = _check_archive(file, path)
        file.seek(0)
        contents = _load(file, path)
    _check_header(contents, path)
    try:
        _check_values(contents, *sizes)
        for version in range(contents["version"], VERSION):
            contents = UPGRADES[version](contents)
        if contents.get("sha256") != digest(contents["config"], contents["state"]):
            raise ChecksumMismatch("its checksum does not match its contents")
        return json.loads(contents["config"]), contents["state"]
    except InvalidModelFile as exc:
        raise invalid(path, exc) from None
    except DAMAGE as exc:
        raise corrupted(path, exc) from None


def invalid(path, exc):
    """The ValueError that says ``path`` holds values skgan refuses to load, and which."""
    return InvalidModelFile(f"{os.fspath(path)} is not a valid skgan model file: {exc}.")


def corrupted(path, exc):
    """The ValueError that says ``path`` is a damaged model file, and why."""
    return ValueError(f"{os.fspath(path)} is a corrupted skgan model file ({_reason(exc)}).")


class ChecksumMismatch(ValueError):
    pass


def digest(config, state):
    """SHA-256 of the configuration and the fitted state, tensors by their bytes."""
    hasher = hashlib.sha256(config.encode())
    _feed(hasher, state)
    return hasher.hexdigest()


def _feed(hasher, value):
    if isinstance(value, torch.Tensor):
        tensor = value.detach().to("cpu").contiguous()
        hasher.update(f"tensor {tensor.dtype} {tuple(tensor.shape)};".encode())
        hasher.update(tensor.reshape(-1).view(torch.uint8).numpy())  # the tensor's own bytes, not a copy
    elif isinstance(value, dict):
        hasher.update(f"dict {len(value)};".encode())
        for key, item in sorted(value.items(), key=lambda pair: (type(pair[0]).__name__, pair[0])):
            _feed(hasher, key)
            _feed(hasher, item)
    elif isinstance(value, (list, tuple)):
        hasher.update(f"{type(value).__name__} {len(value)};".encode())
        for item in value:
            _feed(hasher, item)
    else:
        hasher.update(f"{type(value).__name__} {value!r};".encode())


def _write_atomically(contents, path):
    """``torch.save(contents)`` to ``path`` through :func:`skgan._files.atomic_write`: the old file or the new one."""
    with atomic_write(path) as file:
        torch.save(contents, file)


# --------------------------------------------------------------------------
# reading: the header before anything large, then bounded values
# --------------------------------------------------------------------------


def _check_archive(file, path):
    """``(pickle bytes, tensor bytes)`` from the zip archive's directory, after checking it and the pickle.

    Reads the central directory, then the pickle (at most
    :data:`MAX_PICKLE_BYTES`): its first :data:`_HEAD_BYTES` for the format
    tag and version, then its opcodes (:func:`._pickle_scan.scan`), without
    unpickling.
    """
    size = os.fstat(file.fileno()).st_size
    with _reading(path):
        archive = zipfile.ZipFile(file)
    with archive:
        with _reading(path):
            entries = archive.infolist()
        pickle_entry = _check_entries(entries, size, path)
        with _reading(path), archive.open(pickle_entry) as member:
            head = member.read(_HEAD_BYTES)
        _check_header(_head_values(head), path)  # another program's file: not one byte more is read
        with _reading(path), archive.open(pickle_entry) as member:
            data = member.read()
    try:
        scan(data, MAX_DEPTH)
    except InvalidModelFile as exc:
        raise invalid(path, exc) from None
    except MalformedPickle as exc:
        raise _not_a_model_file(path, str(exc)) from None
    prefix = pickle_entry.filename[: -len("data.pkl")]
    tensor_bytes = sum(entry.file_size for entry in entries if entry.filename.startswith(prefix + "data/"))
    return pickle_entry.file_size, tensor_bytes


@contextlib.contextmanager
def _reading(path):
    """Errors of zipfile on a damaged archive (many kinds) as the ValueError of a file that is not a model file."""
    try:
        yield
    except InvalidModelFile:
        raise
    except Exception as exc:
        raise _not_a_model_file(path, type(exc).__name__) from None


def _check_entries(entries, size, path):
    """The pickle's entry, after checking that no entry is compressed or larger than the file."""
    if len(entries) > MAX_ENTRIES:
        raise invalid(path, f"its archive has {len(entries)} entries, more than the {MAX_ENTRIES} skgan reads")
    names = [entry.filename for entry in entries]
    pickles = [name for name in names if name.endswith("/data.pkl") and name.count("/") == 1]
    if len(pickles) != 1 or len(set(names)) != len(names):
        raise _not_a_model_file(path, "no single data.pkl entry")
    prefix = pickles[0][: -len("data.pkl")]
    for entry in entries:
        if entry.compress_type != zipfile.ZIP_STORED or entry.flag_bits & 0x1:
            raise invalid(path, f"its entry {entry.filename!r} is compressed or encrypted (skgan writes neither, and "
                                "a compressed entry can unfold to far more than the file's size)")
        if entry.compress_size != entry.file_size or not entry.filename.startswith(prefix):
            raise invalid(path, f"its entry {entry.filename!r} is not one that torch.save writes")
    declared = sum(entry.file_size for entry in entries)
    if declared > size:
        raise invalid(path, f"its entries declare {declared} bytes, more than the file's {size}")
    pickle_entry = entries[names.index(pickles[0])]
    if pickle_entry.file_size > MAX_PICKLE_BYTES:
        raise invalid(path, f"its values besides tensors take {pickle_entry.file_size} bytes, more than "
                            f"the {MAX_PICKLE_BYTES} skgan reads")
    return pickle_entry


def _head_values(head):
    """The first keys and values (strings and ints) of the pickled dict, read without unpickling."""
    values, started = [], False
    with contextlib.suppress(ValueError, EOFError):  # a cut or damaged head ends the values
        for opcode, argument, _ in pickletools.genops(io.BytesIO(head)):
            if opcode.name in ("PROTO", "FRAME") or (started and opcode.name in _MEMO_OPS):
                continue
            if not started and opcode.name == "EMPTY_DICT":
                started = True
            elif started and opcode.name in _VALUE_OPS:
                values.append(argument)
                if len(values) == 6:
                    break
            else:
                break
    return dict(zip(values[0::2], values[1::2], strict=False))


_MEMO_OPS = ("MARK", "BINPUT", "LONG_BINPUT", "MEMOIZE", "PUT")
_VALUE_OPS = ("BINUNICODE", "SHORT_BINUNICODE", "UNICODE", "BININT1", "BININT2", "BININT", "INT", "LONG1")


def _check_values(contents, pickle_bytes, tensor_bytes):
    """An InvalidModelFile when the loaded values unfold to more than the file holds.

    Tensors may span no more bytes, together, than the archive stores for
    them (a tensor expanded by zero strides, or viewed many times, spans
    more); other values no more than :data:`_UNITS_PER_PICKLE_BYTE` units a
    pickle byte (a string referenced many times counts each time), nested at
    most :data:`MAX_DEPTH` deep.
    """
    units = _UNITS_PER_PICKLE_BYTE * pickle_bytes + 65536
    stack = [(contents, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, torch.Tensor):
            tensor_bytes -= value.numel() * value.element_size()
            if tensor_bytes < 0:
                raise InvalidModelFile("its tensors span more bytes than it stores (expanded or repeated views)")
            continue
        units -= 1 + (len(value) if isinstance(value, (str, bytes)) else 0)
        if units < 0:
            raise InvalidModelFile("its values unfold to far more than its size (values referenced many times)")
        children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        if isinstance(value, (dict, list, tuple)) and value:
            if depth >= MAX_DEPTH:
                raise InvalidModelFile(f"its values are nested more than {MAX_DEPTH} deep")
            stack.extend((child, depth + 1) for child in children)


def _load(file, path):
    try:
        return torch.load(file, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise _not_a_model_file(path, type(exc).__name__) from None


def _not_a_model_file(path, reason):
    return ValueError(
        f"{os.fspath(path)} is not an skgan model file, or it is corrupted or truncated ({reason})."
    )


def _check_header(contents, path):
    if not isinstance(contents, dict) or contents.get("format") != FORMAT:
        raise ValueError(f"{os.fspath(path)} is not an skgan model file (no {FORMAT!r} format tag).")
    version = contents.get("version")
    if version != VERSION and not (isinstance(version, int) and version in UPGRADES):
        if "version" not in contents:
            raise _not_a_model_file(path, "no format version after its format tag")
        written_by = contents.get("skgan_version", "an unknown version")
        newer = isinstance(version, int) and version > VERSION
        raise ValueError(
            f"{os.fspath(path)} has skgan model format version {version!r} (written by skgan "
            f"{written_by}); this skgan reads version {VERSION}"
            + (". Upgrade skgan to load it." if newer else ".")
        )


def _reason(exc):
    if isinstance(exc, ChecksumMismatch):
        return str(exc)
    text = " ".join(str(exc).split())
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
