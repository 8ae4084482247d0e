"""Job arrays: compute one block of a configuration's tasks, and merge run directories.

A job-array element runs the whole configuration restricted to block k of its task ids::

    mpiexec -n 2 python -m hpcsim.io.merge block CONFIG -o WORKDIR/block_003 --block 3 --blocks 8

The task ids 0..n-1 are cut into ``--blocks`` contiguous ranges; the element's run directory is
an ordinary run directory (run.json with the configuration hash, config.toml, tasks/) plus
``block.json`` naming its block. It checkpoints and resumes like ``hpcsim run`` (``--resume``,
STOP file, SIGTERM/SIGUSR1) but writes no results.h5. Because every task draws from its own
random stream and is stored under its id, where a task was computed does not matter.

``hpcsim merge DIR... -o RUNDIR`` then gathers the task files of run directories that share a
configuration hash into RUNDIR (hard links when possible, else copies; every file is checked
first: configuration hash, task id, checksum) and, once every task is there, writes
RUNDIR/results.h5 by the normal reduction (``hpcsim.driver.finalize``), bit-identical to a
single run. Missing tasks are listed (exit 3); RUNDIR is then a normal run directory that
``hpcsim run RUNDIR/config.toml -o RUNDIR --resume`` completes.

A scenario whose tasks come in phases (``phases()``: phase k needs every task of the earlier
phases) is split over the first phase only; the later phases are computed after the merge by
that ``--resume`` (the merge job of jobs/slurm_array.sh does it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import h5py

from .checkpoint import (FORMAT_VERSION, RunDirError, RunDirectory, atomic_path, fsync_dir,
                         read_arrays_h5, write_text_atomic)
from .status import BLOCK_FILE, TASK_RE, format_ids, read_block

EXIT_OK, EXIT_FAILURE, EXIT_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3


class MergeError(Exception):
    """Bad input for a merge or a block run (one message, exit code 2)."""


def _data_errors() -> tuple:
    from ..observations import MissingDataError
    from ..propagation.cross_sections import XsecDataError
    from ..propagation.nuclides import NuclideError
    from ..stars.mist import TrackDataError
    return (TrackDataError, MissingDataError, XsecDataError, NuclideError)


def block_range(n_tasks: int, block: int, n_blocks: int) -> range:
    """Task ids of block ``block`` of ``n_blocks`` contiguous, near-equal blocks."""
    if n_blocks < 1 or not 0 <= block < n_blocks:
        raise MergeError(f"block {block} of {n_blocks}: need 0 <= block < blocks")
    return range(block * n_tasks // n_blocks, (block + 1) * n_tasks // n_blocks)


def first_phase(scenario) -> list[int]:
    """Task ids that can run at once. A scenario with ``phases()`` (the driver runs phase k
    after every task of the earlier phases) has its later phases left to the merged run."""
    if hasattr(scenario, "phases"):
        return sorted(scenario.phases()[0])
    return list(range(scenario.n_tasks))


def block_ids(scenario, block: int, n_blocks: int) -> range:
    """The task ids of one block: a contiguous slice of the first phase's ids."""
    ids = first_phase(scenario)
    part = block_range(len(ids), block, n_blocks)
    sel = ids[part.start:part.stop]
    if sel and sel != list(range(sel[0], sel[-1] + 1)):
        raise MergeError(f"scenario {getattr(scenario, 'name', '?')}: its first phase is not a "
                         "contiguous range of task ids; job-array blocks cannot split it")
    return range(sel[0], sel[-1] + 1) if sel else range(0)


def _log(msg: str, quiet: bool = False):
    if not quiet:
        sys.stderr.write(f"[hpcsim] {msg}\n")
        sys.stderr.flush()


# -- one block of a job array ---------------------------------------------------------------------

def run_block(cfg, rundir: str, block: int, n_blocks: int, resume: bool = False,
              quiet: bool = False, comm=None) -> int:
    """Compute the tasks of one block into ``rundir``; the exit code on every rank."""
    from ..driver import code_version, make_scenario
    from ..parallel.farm import FarmError, Progress, StopFlag, get_comm, run_farm
    comm = comm if comm is not None else get_comm()
    rd = RunDirectory(rundir)
    chash = cfg.physics_hash()
    try:
        scenario = make_scenario(cfg)
    except _data_errors() as exc:
        if comm.rank == 0:
            sys.stderr.write(f"hpcsim: error: {exc}\n")
        return EXIT_INPUT
    scenario.quiet = quiet
    n_tasks = scenario.n_tasks
    later = 0
    status = None
    if comm.rank == 0:
        try:
            ids = block_ids(scenario, block, n_blocks)
            later = n_tasks - len(first_phase(scenario))
            desc = {"block": block, "n_blocks": n_blocks, "first_task": ids.start,
                    "end_task": ids.stop, "n_tasks": n_tasks}
            if resume and rd.interrupted_creation():
                resume = False
            if resume:
                rd.check_resume(chash)
                old = read_block(rd.path)
                if old is not None and old != desc:
                    raise RunDirError(
                        f"{rd.path} holds block {old['block']} of {old['n_blocks']}, not "
                        f"block {block} of {n_blocks}; use another run directory")
            else:
                rd.create(cfg.to_toml(), chash, code_version(), cfg.run.scenario)
            write_text_atomic(os.path.join(rd.path, BLOCK_FILE), json.dumps(desc) + "\n")
            done = rd.completed_tasks(n_tasks, chash)
            status = ("ok", sorted(set(ids) - done), len(ids), later)
        except (RunDirError, MergeError) as exc:
            status = ("error", str(exc))
    status = comm.bcast(status, root=0)
    if status[0] == "error":
        if comm.rank == 0:
            sys.stderr.write(f"hpcsim: error: {status[1]}\n")
        return EXIT_INPUT
    pending, n_block, later = status[1], status[2], status[3]
    pending = scenario.schedule(pending) if hasattr(scenario, "schedule") else pending
    if comm.rank == 0:
        _log(f"run directory {rd.path}: {cfg.run.scenario}, block {block} of {n_blocks}: "
             f"{n_block} of {n_tasks} tasks, {n_block - len(pending)} already done, "
             f"{comm.size} rank(s)", quiet)
        if later:
            _log(f"the {later} tasks of the later phases need every first-phase task: they "
                 "are computed after the merge (hpcsim run RUNDIR/config.toml -o RUNDIR "
                 "--resume; jobs/slurm_array.sh --merge does it)", quiet)
    progress = Progress(n_block, already=n_block - len(pending),
                        quiet=quiet or comm.rank != 0)
    stop = StopFlag(rd.stop_file)
    stop.install()

    def write(tid, result):  # on the rank that computed the task
        rd.write_task(tid, result, chash)

    failure = None
    try:
        complete = run_farm(pending, scenario.compute, lambda tid, _: progress.update(),
                            comm=comm, stop=stop, write=write)
    except FarmError as exc:
        complete, failure = False, str(exc)
    code = EXIT_OK
    if comm.rank == 0:
        if failure is not None:
            sys.stderr.write(f"hpcsim: error: {failure}\nFinished tasks are kept; fix the "
                             "cause and continue with --resume.\n")
            code = EXIT_FAILURE
        elif not complete:
            _log(f"stopped before the end of block {block}; continue with --resume")
            code = EXIT_INCOMPLETE
        else:
            _log(f"block {block} of {n_blocks} done; combine the blocks with "
                 f"hpcsim merge DIR... -o RUNDIR", quiet)
    return comm.bcast(code, root=0)


# -- merge ----------------------------------------------------------------------------------------

def _read_run(path: str) -> tuple[dict, str]:
    meta_path = os.path.join(path, "run.json")
    if not os.path.isdir(path):
        raise MergeError(f"{path}: no such directory")
    try:
        with open(meta_path) as fh:
            meta = json.load(fh)
        with open(os.path.join(path, "config.toml")) as fh:
            text = fh.read()
    except FileNotFoundError as exc:
        raise MergeError(f"{path} is not a run directory (no {os.path.basename(exc.filename)})"
                         ) from None
    except (OSError, ValueError) as exc:
        raise MergeError(f"{path}: unreadable run directory ({exc})") from None
    if meta.get("format_version") != FORMAT_VERSION:
        raise MergeError(f"{path} has checkpoint format {meta.get('format_version')}, this "
                         f"code reads {FORMAT_VERSION}")
    return meta, text


def _task_digest(path: str, tid: int, chash: str) -> str | None:
    """The stored digest of a valid task file (right hash and id, checksum verified), or None."""
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("config_hash") != chash or int(f.attrs.get("task_id", -1)) != tid:
                return None
            digest = str(f.attrs.get("sha256"))
        read_arrays_h5(path)  # raises on a checksum mismatch
        return digest
    except Exception:  # noqa: BLE001 - unreadable HDF5, checksum mismatch, vanished file
        return None


def _link_or_copy(src: str, dst: str, copy: bool) -> bool:
    """Put ``src`` at ``dst`` atomically: hard link (True) or copy (False)."""
    tmp = os.path.join(os.path.dirname(dst), f".{os.path.basename(dst)}.tmp.{os.getpid()}")
    if not copy:
        try:
            if os.path.exists(tmp):
                os.unlink(tmp)
            os.link(src, tmp)
            os.replace(tmp, dst)
            return True
        except OSError:  # other file system, no hard links: copy
            if os.path.exists(tmp):
                os.unlink(tmp)
    with atomic_path(dst) as t:
        shutil.copyfile(src, t)
    return False


def merge_rundirs(inputs: list[str], output: str, copy: bool = False,
                  quiet: bool = False) -> int:
    """Gather the task files of ``inputs`` into ``output`` and reduce them (exit code)."""
    from ..config import ConfigError, config_from_toml_text
    from ..driver import code_version, finalize, make_scenario
    t0 = time.time()
    if not inputs:
        raise MergeError("no run directories to merge")
    paths = list(dict.fromkeys(os.path.abspath(p) for p in inputs))
    runs = [(p, *_read_run(p)) for p in paths]
    chash = runs[0][1].get("config_hash")
    for p, meta, _ in runs[1:]:
        if meta.get("config_hash") != chash:
            raise MergeError(
                f"{p} was run with another configuration (hash "
                f"{str(meta.get('config_hash'))[:12]}) than {runs[0][0]} (hash "
                f"{str(chash)[:12]}); only runs of the same configuration can be merged")
    try:
        cfg = config_from_toml_text(runs[0][2])
    except ConfigError as exc:
        raise MergeError(f"{runs[0][0]}/config.toml: {exc}") from None
    if cfg.physics_hash() != chash:
        raise MergeError(
            f"{runs[0][0]}/config.toml gives the configuration hash "
            f"{cfg.physics_hash()[:12]}, its run.json says {str(chash)[:12]}: config.toml was "
            f"edited, or this code (version {code_version()}) has other configuration keys "
            f"than the one that made the run ({runs[0][1].get('code_version', '?')})")
    try:
        scenario = make_scenario(cfg)
    except _data_errors() as exc:
        raise MergeError(str(exc)) from None
    scenario.quiet = quiet
    n_tasks = scenario.n_tasks
    out = RunDirectory(output)
    try:
        if os.path.exists(out.meta_path):
            out.check_resume(chash)
        else:
            out.create(cfg.to_toml(), chash, code_version(), cfg.run.scenario)
    except RunDirError as exc:
        raise MergeError(str(exc)) from None
    present = out.completed_tasks(n_tasks, chash)
    digests: dict[int, str] = {}
    linked = copied = 0
    skipped: list[int] = []
    for p, _, _ in runs:
        if p == out.path:
            continue
        src_dir = os.path.join(p, "tasks")
        try:
            names = sorted(os.listdir(src_dir))
        except FileNotFoundError:
            continue
        for name in names:
            m = TASK_RE.match(name)
            if not m or int(m.group(1)) >= n_tasks:
                continue
            tid = int(m.group(1))
            src = os.path.join(src_dir, name)
            digest = _task_digest(src, tid, chash)
            if digest is None:
                skipped.append(tid)
                continue
            if tid in present:
                if tid not in digests:
                    digests[tid] = _task_digest(out.task_path(tid), tid, chash) or ""
                if digests[tid] != digest:
                    raise MergeError(
                        f"task {tid} differs between {p} and the merged files (checksums "
                        f"{digest[:12]} vs {digests[tid][:12]}): were the runs made with "
                        "different code versions? Refusing to mix them")
                continue
            if _link_or_copy(src, out.task_path(tid), copy):
                linked += 1
            else:
                copied += 1
            present.add(tid)
            digests[tid] = digest
    fsync_dir(out.tasks_dir)
    _log(f"merged into {out.path}: {linked} task file(s) hard-linked, {copied} copied, "
         f"{len(present)}/{n_tasks} present", quiet)
    if skipped:
        sys.stderr.write(f"hpcsim: warning: skipped unreadable or foreign task files "
                         f"(task {format_ids(skipped)})\n")
    missing = sorted(set(range(n_tasks)) - present)
    if missing:
        sys.stderr.write(
            f"hpcsim: {len(missing)} of {n_tasks} tasks missing (task {format_ids(missing)}): "
            f"run the missing blocks and merge again, or compute them with\n  hpcsim run "
            f"{os.path.join(out.path, 'config.toml')} -o {out.path} --resume\n")
        return EXIT_INCOMPLETE
    if os.path.exists(out.results_path) and linked + copied == 0:
        _log(f"{out.results_path} is up to date", quiet)
        return EXIT_OK
    finalize(cfg, scenario, out, 1, time.time() - t0, quiet)
    return EXIT_OK


# -- python -m hpcsim.io.merge block ... ----------------------------------------------------------

def main(argv=None) -> int:
    from ..config import ConfigError, load_config
    p = argparse.ArgumentParser(prog="python -m hpcsim.io.merge", description=(
        "Job-array element: compute block K of N of a configuration's tasks into a run "
        "directory (combine the blocks with `hpcsim merge`)."))
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("block", help="compute one block of the tasks")
    b.add_argument("config")
    b.add_argument("-o", "--output", required=True, help="run directory of this block")
    b.add_argument("--block", type=int, required=True, help="block index K (0-based)")
    b.add_argument("--blocks", type=int, required=True, help="number of blocks N")
    b.add_argument("--resume", action="store_true", help="continue an interrupted block")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    args = p.parse_args(argv)
    try:
        block_range(0, args.block, args.blocks)
        cfg = load_config(args.config)
        return run_block(cfg, args.output, args.block, args.blocks, resume=args.resume,
                         quiet=args.quiet)
    except ConfigError as exc:
        sys.stderr.write(f"hpcsim: configuration error: {exc}\n")
        return EXIT_INPUT
    except MergeError as exc:
        sys.stderr.write(f"hpcsim: error: {exc}\n")
        return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
