"""Run directory, atomic per-task checkpoints and resume checks.

Layout of a run directory::

    RUNDIR/run.json          format version, config hash, code version, creation time
    RUNDIR/config.toml       the full effective configuration (defaults filled in)
    RUNDIR/tasks/task_NNNNNNN.h5   one immutable file per finished task
    RUNDIR/cache/            per-run caches (e.g. CR-sea maps), rebuilt if missing
    RUNDIR/results.h5        the gathered results, written when every task is done
    RUNDIR/timing.json       where the time of the last invocation went (per rank, per task)
    RUNDIR/STOP              (optional) create it to make a running job stop cleanly

Every file is written to a temporary name in the same directory, flushed, fsync'ed and moved
into place with ``os.replace`` (then the directory is fsync'ed), so a SIGKILL at any instant
leaves either the old state or the new one, never a half-written file under the final name.
Each task file carries a SHA-256 of its arrays; ``--resume`` recomputes any task whose file is
unreadable or fails the check (moving it to ``tasks/corrupt/``, never deleting it).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import time

import h5py
import numpy as np

FORMAT_VERSION = 1


class RunDirError(Exception):
    """The run directory cannot be used as asked (exists, config changed, wrong format)."""


def fsync_dir(path: str):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(final: str):
    """Yield a temporary path next to ``final``; on success fsync it and move it into place."""
    directory = os.path.dirname(os.path.abspath(final))
    tmp = os.path.join(directory, f".{os.path.basename(final)}.tmp.{os.getpid()}")
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        fsync_dir(directory)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text_atomic(path: str, text: str):
    with atomic_path(path) as tmp:
        with open(tmp, "w") as fh:
            fh.write(text)
            fh.flush()


def arrays_digest(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over names, dtypes, shapes and bytes of a flat dict of arrays (order-independent)."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(name.encode())
        h.update(str(a.dtype.str).encode())
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def write_arrays_h5(path: str, arrays: dict[str, np.ndarray], attrs: dict | None = None,
                    units: dict[str, str] | None = None):
    """Write a flat dict ``{'group/name': array}`` atomically, with a digest attribute.

    ``units`` maps dataset names to their ``units`` attribute.
    """
    units = units or {}
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            # datasets through h5py's low-level interface: a task file holds ~100 small
            # arrays, and the high-level create_dataset costs 4x more than the writing
            lcpl = h5py.h5p.create(h5py.h5p.LINK_CREATE)
            lcpl.set_create_intermediate_group(True)
            for name, a in arrays.items():
                a = np.asarray(a, order="C")  # (ascontiguousarray would make scalars 1-d)
                if a.dtype.kind == "O":  # variable-length strings: h5py's conversion
                    ds = f.create_dataset(name, data=a)
                else:
                    space = (h5py.h5s.create_simple(a.shape) if a.ndim
                             else h5py.h5s.create(h5py.h5s.SCALAR))
                    dsid = h5py.h5d.create(f.id, name.encode(),
                                           h5py.h5t.py_create(a.dtype, logical=True), space,
                                           lcpl=lcpl)
                    if a.size:
                        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, a)
                    ds = h5py.Dataset(dsid) if name in units else None
                if name in units:
                    ds.attrs["units"] = units[name]
            for k, v in (attrs or {}).items():
                f.attrs[k] = v
            f.attrs["sha256"] = arrays_digest(arrays)
            f.flush()


def read_arrays_h5(path: str, verify: bool = True) -> dict[str, np.ndarray]:
    """Read every dataset of a file written by :func:`write_arrays_h5`; check its digest.

    Datasets are read through h5py's low-level interface (a task file holds ~100 small
    datasets; the high-level objects cost twice the time of the reads), the same arrays."""
    out: dict[str, np.ndarray] = {}
    with h5py.File(path, "r") as f:
        names = []

        def visit(name, info):
            if info.type == h5py.h5o.TYPE_DATASET:
                names.append(name)
        h5py.h5o.visit(f.id, visit, info=True)
        for name in names:
            ds = h5py.h5d.open(f.id, name)
            arr = np.empty(ds.shape, dtype=ds.dtype)
            if arr.dtype.kind == "O":  # variable-length strings: h5py's conversion
                arr = f[name][()]
            elif arr.size:
                ds.read(h5py.h5s.ALL, h5py.h5s.ALL, arr)
            out[name.decode()] = arr
        digest = f.attrs.get("sha256")
    if verify and digest != arrays_digest(out):
        raise RunDirError(f"{path}: checksum mismatch (file is corrupt)")
    return out


class RunDirectory:
    """A run's directory: creation, resume checks, task checkpoints."""

    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        self.tasks_dir = os.path.join(self.path, "tasks")
        self.cache_dir = os.path.join(self.path, "cache")
        self.meta_path = os.path.join(self.path, "run.json")
        self.results_path = os.path.join(self.path, "results.h5")
        self.timing_path = os.path.join(self.path, "timing.json")
        self.stop_file = os.path.join(self.path, "STOP")

    # -- creation and checks -------------------------------------------------------------
    def create(self, config_toml: str, config_hash: str, code_version: str, scenario: str):
        """Start a new run; refuse a directory that already holds a run."""
        if os.path.exists(self.meta_path):
            raise RunDirError(f"{self.path} already holds a run; use --resume to continue it "
                              "or choose another output directory (-o)")
        if os.path.isdir(self.path) and os.listdir(self.path) and not self.interrupted_creation():
            raise RunDirError(f"{self.path} exists and is not empty; choose another output "
                              "directory (-o)")
        os.makedirs(self.tasks_dir, exist_ok=True)
        os.makedirs(self.cache_dir, exist_ok=True)
        write_text_atomic(os.path.join(self.path, "config.toml"), config_toml)
        meta = {"format_version": FORMAT_VERSION, "config_hash": config_hash,
                "code_version": code_version, "scenario": scenario,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        write_text_atomic(self.meta_path, json.dumps(meta, indent=2) + "\n")

    def interrupted_creation(self) -> bool:
        """True if the directory holds only what :meth:`create` writes before ``run.json``
        (a run killed while starting): empty ``tasks/``, ``cache/``, ``config.toml``, temp files."""
        if not os.path.isdir(self.path) or os.path.exists(self.meta_path):
            return False
        allowed = {"tasks", "cache", "config.toml"}
        for name in os.listdir(self.path):
            full = os.path.join(self.path, name)
            if name in ("tasks", "cache"):
                if any(not f.startswith(".") for f in os.listdir(full)):
                    return False
            elif name not in allowed and not name.startswith("."):
                return False
        return True

    def check_resume(self, config_hash: str) -> dict:
        """Verify that this directory can be resumed with a configuration of this hash."""
        if not os.path.exists(self.meta_path):
            raise RunDirError(f"{self.path} holds no run to resume (no run.json); "
                              "start it without --resume")
        try:
            with open(self.meta_path) as fh:
                meta = json.load(fh)
        except (OSError, ValueError) as exc:
            raise RunDirError(f"{self.meta_path} is unreadable: {exc}") from None
        if meta.get("format_version") != FORMAT_VERSION:
            raise RunDirError(f"{self.path} was written with checkpoint format "
                              f"{meta.get('format_version')}, this code reads {FORMAT_VERSION}")
        if meta.get("config_hash") != config_hash:
            raise RunDirError(
                f"the configuration differs from the one this run was started with "
                f"(hash {meta.get('config_hash', '?')[:12]} vs {config_hash[:12]}); refusing "
                f"to mix results. Compare with {os.path.join(self.path, 'config.toml')} or "
                "start a new run directory")
        os.makedirs(self.tasks_dir, exist_ok=True)
        os.makedirs(self.cache_dir, exist_ok=True)
        for tmp in glob.glob(os.path.join(self.path, "**", ".*.tmp.*"), recursive=True):
            os.unlink(tmp)  # leftovers of a killed writer; the final files are untouched
        return meta

    def write_timing(self, record: dict):
        """RUNDIR/timing.json (atomic): seconds per rank and per task of the last invocation."""
        write_text_atomic(self.timing_path, json.dumps(record, indent=1) + "\n")

    # -- tasks ---------------------------------------------------------------------------
    def task_path(self, tid: int) -> str:
        return os.path.join(self.tasks_dir, f"task_{tid:07d}.h5")

    def write_task(self, tid: int, arrays: dict[str, np.ndarray], config_hash: str):
        write_arrays_h5(self.task_path(tid), arrays,
                        {"task_id": tid, "config_hash": config_hash})

    def read_task(self, tid: int) -> dict[str, np.ndarray]:
        return read_arrays_h5(self.task_path(tid))

    def completed_tasks(self, n_tasks: int, config_hash: str, verify: bool = True) -> set[int]:
        """Task ids whose checkpoint exists and passes the integrity check.

        A file that cannot be read or fails its check is moved to ``tasks/corrupt/`` (kept for
        inspection) and its task is computed again.
        """
        done = set()
        for tid in range(n_tasks):
            path = self.task_path(tid)
            if not os.path.exists(path):
                continue
            try:
                with h5py.File(path, "r") as f:
                    ok = (f.attrs.get("config_hash") == config_hash
                          and int(f.attrs.get("task_id", -1)) == tid)
                if ok and verify:
                    read_arrays_h5(path)
            except Exception:  # unreadable HDF5 or checksum mismatch
                ok = False
            if ok:
                done.add(tid)
            else:
                bad = os.path.join(self.tasks_dir, "corrupt")
                os.makedirs(bad, exist_ok=True)
                os.replace(path, os.path.join(bad, os.path.basename(path) + f".{int(time.time())}"))
        return done
