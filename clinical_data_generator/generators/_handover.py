"""Hand a block's tables from a worker process to the parent through Arrow IPC files.

Returning a block from a worker pickles it through the pool's pipe: with every table that is
about 0.5 GB of columns, copied four times and costing more system time than generating it.
Instead the worker writes each table once to an Arrow IPC file, in shared memory when there
is room, and the parent memory-maps it without copying. The file's name is removed as soon
as it is mapped; the pages go when the last table using them does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import pyarrow as pa

__all__ = ["Handed", "hand_over", "spill_directory", "take_over"]

#: What a worker returns: the (table name, IPC file path) pairs, or the tables themselves
#: when the files could not be written (full disk): those travel pickled, as before.
Handed = dict[str, pa.Table] | list[tuple[str, str]]

_SHARED_MEMORY = "/dev/shm"
_PREFIX = "cdg-blocks-"  # then the owning process id
_ROOM_PER_BLOCK = 1 << 30  # a block of every table is about 0.5 GB; leave twice that


def spill_directory(workers: int) -> str:
    """A new private directory for the blocks in flight (``2 * workers`` at most).

    In ``/dev/shm`` when it has room for them, else in the system's temporary directory.
    """
    root = _SHARED_MEMORY if _free_bytes(_SHARED_MEMORY) >= 2 * workers * _ROOM_PER_BLOCK else None
    _remove_orphans(root or tempfile.gettempdir())
    return tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=root)


def _remove_orphans(root: str) -> None:
    """Remove the directories of runs whose process is gone (killed before cleaning up).

    Left in ``/dev/shm`` they would hold memory until the machine restarts.
    """
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            pid = entry.name[len(_PREFIX) :].split("-", 1)[0]
            if entry.name.startswith(_PREFIX) and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, or a platform without signals: leave it
        return True
    return True


def _free_bytes(path: str) -> int:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return 0


def hand_over(tables: dict[str, pa.Table], directory: str, index: int) -> Handed:
    """In the worker: write every table of block ``index`` to ``directory``.

    Returns the (name, path) pairs, or ``tables`` itself when a file cannot be written (the
    files already written are removed).
    """
    written: list[tuple[str, str]] = []
    path = ""
    try:
        for name, table in tables.items():
            path = os.path.join(directory, f"{index}-{name}.arrow")
            with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            written.append((name, path))
    except OSError:
        for leftover in [*(p for _, p in written), path]:
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        return tables
    return written


def take_over(handed: Handed) -> list[tuple[str, pa.Table]]:
    """In the parent: the block's (name, table) pairs, memory-mapped from the worker's files.

    Each file's name is removed once it is mapped (where the system allows it; otherwise the
    directory's removal at the end of the run takes it).
    """
    if isinstance(handed, dict):
        return list(handed.items())
    tables = []
    for name, path in handed:
        table = pa.ipc.open_file(pa.memory_map(path)).read_all()
        with contextlib.suppress(OSError):
            os.unlink(path)
        tables.append((name, table))
    return tables
