"""Files written whole or not at all: a temporary file beside the target, synced, then renamed into place.

Model files (:mod:`skgan.persistence`) and the rows the command line writes
(``.csv``, ``.npy``) go through :func:`atomic_write`, so an interrupt, a
crash or a full disk mid-write leaves the previous file as it was, and a
reader never sees half a file. Standard library only.
"""

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

__all__ = ["STALE_AFTER_SECONDS", "atomic_write", "remove_stale_temporaries"]

#: Temporary files of :func:`atomic_write`: ``.skgan-<pid>-<random>.tmp`` beside the target.
_TEMPORARY = re.compile(r"\.skgan-(\d+)-[a-z0-9_]{8}\.tmp")
#: A temporary file this old, whose writer process is gone, is left over from a killed write.
STALE_AFTER_SECONDS = 15 * 60


@contextlib.contextmanager
def atomic_write(path, text=False):
    """A new file object whose contents replace ``path`` when the block ends without an error.

    Each call writes its own temporary file (``.skgan-<pid>-<random>.tmp``
    beside ``path``, short enough for any legal target name), so threads and
    processes writing to one path never write into each other's file; it is
    synced to disk and then moved into place, so a reader sees the old file
    or the new one, never a mix. An error or interrupt in the block removes
    the temporary file and leaves ``path`` alone. Temporary files left by
    killed writes are removed by the next write to the same folder.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    text : bool, default=False
        A text file (UTF-8, newlines as written: ``csv`` writes its own),
        else a binary one.

    Yields
    ------
    file : file object

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "rows.csv")
    >>> with atomic_write(path, text=True) as file:
    ...     _ = file.write("a,b\\n1,2\\n")
    >>> open(path).read().splitlines()
    ['a,b', '1,2']
    >>> try:
    ...     with atomic_write(path, text=True) as file:
    ...         _ = file.write("half a fi")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> open(path).read().splitlines(), os.listdir(folder.name)
    (['a,b', '1,2'], ['rows.csv'])
    >>> folder.cleanup()
    """
    path = Path(path)
    folder = path.parent
    remove_stale_temporaries(folder)
    descriptor, temporary = tempfile.mkstemp(prefix=f".skgan-{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w" if text else "wb", **({"encoding": "utf-8", "newline": ""} if text else {})) \
                as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0o600 would hide the file from its group
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def remove_stale_temporaries(folder, now=None):
    """Remove this user's skgan temporary files in ``folder`` left by writes that were killed.

    A file is removed only when its name is that of a save's temporary file,
    it is a regular file owned by this user, unchanged for
    :data:`STALE_AFTER_SECONDS`, and the process named in it no longer runs.
    Returns the names removed; errors leave files in place.
    """
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match is None:
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                mine = not hasattr(os, "getuid") or os.getuid() == info.st_uid
                old = now - info.st_mtime > STALE_AFTER_SECONDS
                if stat.S_ISREG(info.st_mode) and mine and old and not _running(int(match[1])):
                    os.unlink(entry.path)
                    removed.append(entry.name)
    return removed


def _running(pid):
    """Whether process ``pid`` may still run (True whenever that cannot be told)."""
    if os.name != "posix" or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True


def _umask():
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def _sync_folder(folder):
    """Make the rename durable (where folders can be opened and synced)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
