"""The skgan model file: header, format version, checksum, atomic write, upgrades.

A model file is one :func:`torch.save` archive of a dict::

    {"format": FORMAT, "version": VERSION, "skgan_version": ..., "torch_version": ...,
     "config": <the constructor parameters, a JSON string>,
     "state": <the fitted state: plain values and tensors>,
     "sha256": <checksum of config and state>}

It holds nothing but plain values and tensors, so :func:`read` loads it with
``torch.load(..., weights_only=True)``, which never runs code from the file.
What ``config`` and ``state`` mean is not this module's business: see
:mod:`skgan._plain` and :mod:`skgan._fitted`.
"""

import hashlib
import json
import os
from pathlib import Path

import torch

from ._version import __version__

#: Identifies an skgan model file.
FORMAT = "skgan.GANSampler"
#: Version of the file layout that :func:`write` writes and :func:`read` reads.
VERSION = 1

#: ``{old version: function(contents) -> contents of the next version}``; :func:`read`
#: applies them in turn, so a file of any listed version reads as the current one.
UPGRADES = {}

#: Errors that mean a file's contents are not what they claim to be.
DAMAGE = (KeyError, TypeError, AttributeError, IndexError, RuntimeError, ValueError)


def write(path, config, state):
    """Write ``config`` (a dict of plain values) and ``state`` to ``path``, atomically."""
    config = json.dumps(config, sort_keys=True)
    contents = {
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
    of a version this skgan reads.
    """
    contents = _load(path)
    _check_header(contents, path)
    try:
        for version in range(contents["version"], VERSION):
            contents = UPGRADES[version](contents)
        if contents.get("sha256") != digest(contents["config"], contents["state"]):
            raise ChecksumMismatch("its checksum does not match its contents")
        return json.loads(contents["config"]), contents["state"]
    except DAMAGE as exc:
        raise corrupted(path, exc) from None


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
        hasher.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
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
    """Write to a temporary file beside ``path``, then move it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as file:
            torch.save(contents, file)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _load(path):
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except Exception as exc:
        raise ValueError(
            f"{os.fspath(path)} is not an skgan model file, or it is corrupted or truncated "
            f"({type(exc).__name__})."
        ) from None


def _check_header(contents, path):
    if not isinstance(contents, dict) or contents.get("format") != FORMAT:
        raise ValueError(f"{os.fspath(path)} is not an skgan model file (no {FORMAT!r} format tag).")
    version = contents.get("version")
    if version != VERSION and not (isinstance(version, int) and version in UPGRADES):
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
