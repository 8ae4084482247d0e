"""Run driver: run directory, task farm, checkpoints, reduction into results.h5.

Every rank builds the scenario from the configuration (deterministically), rank 0 checks or
creates the run directory and hands out the missing tasks; when all tasks are done rank 0
reduces them in task-id order and writes ``results.h5`` atomically.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time

import numpy as np

from . import __version__
from .config import Config
from .io.checkpoint import RunDirError, RunDirectory, write_arrays_h5
from .observations import MissingDataError
from .stars.mist import TrackDataError
from .propagation.cross_sections import XsecDataError
from .propagation.nuclides import NuclideError
from .parallel.farm import FarmError, Progress, StopFlag, get_comm, run_farm
from .parallel.timing import RankTimer, gather_timing, task_seconds, timing_summary

EXIT_OK, EXIT_FAILURE, EXIT_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3


def code_version() -> str:
    """Package version plus the git commit of the source tree when available."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        rev = subprocess.run(["git", "-C", here, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"{__version__}+{rev}" if rev else __version__


def make_scenario(cfg: Config):
    if cfg.run.scenario == "ymsc_population":
        from .scenarios.ymsc_population import PopulationScenario
        return PopulationScenario(cfg)
    if cfg.run.scenario == "stellar_injection":
        from .scenarios.stellar_injection import InjectionScenario
        return InjectionScenario(cfg)
    if cfg.run.scenario == "knee":
        from .scenarios.knee import KneeScenario
        return KneeScenario(cfg)
    if cfg.run.scenario == "cocoons":
        from .scenarios.cocoons import CocoonsScenario
        return CocoonsScenario(cfg)
    if cfg.run.scenario == "propagation":
        from .scenarios.propagation import PropagationScenario
        return PropagationScenario(cfg)
    from .scenarios.ymsc_diffuse import DiffuseScenario
    return DiffuseScenario(cfg)


def log(msg: str, quiet: bool = False):
    if not quiet:
        sys.stderr.write(f"[hpcsim] {msg}\n")
        sys.stderr.flush()


def run(cfg: Config, rundir: str, resume: bool = False, quiet: bool = False, comm=None) -> int:
    """Run (or resume) a job; returns the process exit code on every rank."""
    comm = comm if comm is not None else get_comm()
    t_start = time.time()
    rd = RunDirectory(rundir)
    chash = cfg.physics_hash()
    try:
        scenario = make_scenario(cfg)  # every rank, deterministically
    except (TrackDataError, MissingDataError, XsecDataError, NuclideError) as exc:
        if comm.rank == 0:
            sys.stderr.write(f"hpcsim: error: {exc}\n")
        return EXIT_INPUT
    scenario.quiet = quiet
    n_tasks = scenario.n_tasks
    status = None
    if comm.rank == 0:
        try:
            if resume and rd.interrupted_creation():
                log("the run was stopped while starting: starting it afresh", quiet)
                resume = False
            if resume:
                rd.check_resume(chash)
            else:
                rd.create(cfg.to_toml(), chash, code_version(), cfg.run.scenario)
            done = rd.completed_tasks(n_tasks, chash)
            status = ("ok", sorted(set(range(n_tasks)) - done))
        except RunDirError as exc:
            status = ("error", str(exc))
    status = comm.bcast(status, root=0)
    if status[0] == "error":
        if comm.rank == 0:
            sys.stderr.write(f"hpcsim: error: {status[1]}\n")
        return EXIT_INPUT
    # hand out the longest tasks first (results do not depend on the order)
    pending = scenario.schedule(status[1]) if hasattr(scenario, "schedule") else status[1]
    if comm.rank == 0:
        log(f"run directory {rd.path}: {cfg.run.scenario}, {n_tasks} tasks, "
            f"{n_tasks - len(pending)} already done, {comm.size} rank(s)", quiet)
    progress = Progress(n_tasks, already=n_tasks - len(pending), quiet=quiet or comm.rank != 0)
    stop = StopFlag(rd.stop_file)
    stop.install()

    def write(tid, result):  # on the rank that computed the task: nothing large goes to rank 0
        rd.write_task(tid, result, chash)

    def on_result(tid, _written):  # rank 0: the task's file is already written
        progress.update()

    failure = None
    complete = True
    timer = RankTimer()
    t_farm = time.perf_counter()
    # a scenario may split its tasks into phases: phase k starts when every task of the
    # earlier phases is done (and written), after ``prepare_phase(k, read_task)`` on every rank
    phases = scenario.phases() if hasattr(scenario, "phases") else [range(n_tasks)]
    for k, ids in enumerate(phases):
        if k > 0:
            comm.barrier()
            note = scenario.prepare_phase(k, rd.read_task)  # may return a progress line
            if note and comm.rank == 0:
                log(f"{note} (elapsed {time.time() - t_start:.0f} s)", quiet)
        ids = set(ids)
        todo = [t for t in pending if t in ids]
        try:
            ok = run_farm(todo, scenario.compute, on_result, comm=comm, stop=stop, timer=timer,
                          write=write)
        except FarmError as exc:  # raised on rank 0 only, after every worker has stopped
            ok, failure = False, str(exc)
        ok = comm.bcast(bool(ok and failure is None), root=0)
        if not ok:
            complete = False
            break
    timing = {"task_phase_s": time.perf_counter() - t_farm,
              "ranks": gather_timing(comm, timer)}  # collective: every rank gets here
    code = EXIT_OK
    # scenarios with ``parallel_reduce`` reduce on every rank (rank 0 writes results.h5)
    shared = getattr(scenario, "parallel_reduce", False) and comm.size > 1
    if comm.rank == 0:
        log(busy_line(timing), quiet)
        if failure is not None:
            sys.stderr.write(f"hpcsim: error: {failure}\nFinished tasks are kept; fix the "
                             f"cause and continue with --resume.\n")
            code = EXIT_FAILURE
        elif not complete:
            log(f"stopped before the end; continue with: hpcsim run {cfg.source or 'CONFIG'} "
                f"-o {rd.path} --resume")
            code = EXIT_INCOMPLETE
    go = comm.bcast(code == EXIT_OK and complete, root=0)
    if go and (comm.rank == 0 or shared):
        try:
            finalize(cfg, scenario, rd, comm.size, time.time() - t_start, quiet, timing,
                     comm=comm if shared else None)
        except Exception:  # report, keep the task files, and let every rank exit
            import traceback
            if comm.rank == 0:
                sys.stderr.write("hpcsim: error while gathering the results:\n"
                                 + traceback.format_exc())
            code = EXIT_FAILURE
    return comm.bcast(code, root=0)


def busy_line(timing: dict) -> str:
    """One log line: task phase [s] and each rank's busy fraction (compute / wall)."""
    s = timing_summary(timing["ranks"])
    return (f"task phase {timing['task_phase_s']:.1f} s; busy fraction per rank "
            + " ".join(f"{b:.2f}" for b in s["rank_busy_fraction"])
            + f"; {len(task_seconds(timing['ranks']))} task files written by the ranks that "
            "computed them (" + " ".join(f"{x:.1f}" for x in s["rank_result_s"]) + " s)")


def timing_attrs(timing: dict | None, reduction_s: float) -> dict:
    """Timing of the last invocation as results.h5 attributes (never datasets: results must
    stay bit-identical between runs)."""
    attrs = {"provenance/reduction_s": reduction_s}
    if timing is not None:
        attrs["provenance/task_phase_s"] = timing["task_phase_s"]
        for k, v in timing_summary(timing["ranks"]).items():
            attrs[f"provenance/{k}"] = v
    return attrs


def timing_record(timing: dict | None, n_ranks: int, reduction_s: float) -> dict:
    """The content of RUNDIR/timing.json: per-rank sums and every task's compute time [s]."""
    rec = {"n_ranks": n_ranks, "reduction_s": reduction_s}
    if timing is not None:
        summ = timing_summary(timing["ranks"])
        rec["task_phase_s"] = timing["task_phase_s"]
        rec["ranks"] = [{k[len("rank_"):]: summ[k][i].item() for k in summ}
                        for i in range(n_ranks)]
        rec["task_compute_s"] = {str(t): v for t, v in
                                 sorted(task_seconds(timing["ranks"]).items())}
    return rec


def finalize(cfg: Config, scenario, rd: RunDirectory, n_ranks: int, wall: float, quiet: bool,
             timing: dict | None = None, comm=None):
    """Reduce all task files in task-id order into results.h5 (atomic write; with ``comm`` the
    scenario's reduction runs on every rank and rank 0 writes); the timing of
    this invocation (``timing``: task phase and gathered :class:`RankTimer` rows) goes into
    attributes of results.h5 and into RUNDIR/timing.json."""
    t0 = time.perf_counter()
    if comm is not None:  # every rank takes part; only rank 0 gets the results
        out, units = scenario.reduce(rd.read_task, cache_dir=rd.cache_dir, quiet=quiet,
                                     comm=comm)
        if comm.rank != 0:
            return
    else:
        out, units = scenario.reduce(rd.read_task, cache_dir=rd.cache_dir, quiet=quiet)
    reduction_s = time.perf_counter() - t0
    attrs = {"code_version": code_version(), "config_toml": cfg.to_toml(),
             "config_hash": cfg.physics_hash(), "scenario": scenario.name,
             "format": "hpcsim results v1",
             "provenance/created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
             "provenance/n_ranks_last_invocation": n_ranks,
             "provenance/wall_time_last_invocation_s": wall,
             "provenance/host": platform.node(),
             "provenance/python": platform.python_version(),
             "provenance/numpy": np.__version__,
             **timing_attrs(timing, reduction_s)}
    write_arrays_h5(rd.results_path, out, attrs, units)
    rd.write_timing(timing_record(timing, n_ranks, reduction_s))
    log(f"wrote {rd.results_path} (reduction {reduction_s:.1f} s)", quiet)
    log(scenario.summary(out), quiet)
