"""Master/worker task farm on mpi4py with dynamic self-scheduling.

Rank 0 is the master.  It owns the list of pending task ids and hands one to whichever rank asks
(workers keep ``PREFETCH`` = 3 requests outstanding so they rarely wait for a master that is
computing a task of its own; with 2 the worker of a 2-rank paper run idled 17 % of the time).
With a ``write`` callback every rank writes the results of the tasks it computed itself (a
checkpoint file on the shared file system) and sends rank 0 only the task id, so nothing large
travels to rank 0 and a worker never waits for a busy master to receive a big message; rank 0's
``on_result(tid, None)`` then only records completion.  Without ``write`` the results travel to
rank 0 and ``on_result(tid, result)`` gets them.  The master computes tasks too: alone when run
with one rank, and between servicing messages when run with several.

Nothing here reduces results: every task's output is stored under its id and the scenario reduces
in task-id order afterwards, so results never depend on the number of ranks or the order in which
tasks finish.

MPI is optional: without mpi4py (or without ``mpiexec``) the farm runs serially in-process.
Each rank may pass a :class:`hpcsim.parallel.timing.RankTimer` that records the time it spends
computing tasks, handling results and waiting (its busy fraction; never part of the results).
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections import deque
from typing import Callable

from .timing import RankTimer

TAG_REQUEST, TAG_TASK, TAG_STOP, TAG_RESULT, TAG_ERROR, TAG_DONE = range(1, 7)
PREFETCH = 3


class FarmError(RuntimeError):
    """A task failed on some rank; the message carries the rank and the traceback."""


class SerialComm:
    """Stand-in for ``MPI.COMM_WORLD`` when mpi4py is absent: one rank."""

    rank = 0
    size = 1

    def bcast(self, obj, root=0):
        return obj

    def barrier(self):
        return None

    def gather(self, obj, root=0):
        return [obj]

    def Abort(self, code=1):  # noqa: N802 (mpi4py spelling)
        os._exit(code)


def get_comm():
    """COMM_WORLD, or a serial stand-in; refuses a launcher/library mismatch.

    A foreign ``mpiexec`` (from another MPI than the one mpi4py loads) starts N independent
    size-1 processes that would all write the same files; detect it from the launcher's
    environment and stop (see HPC-NOTES.md).
    """
    try:
        from mpi4py import MPI
    except ImportError:  # pragma: no cover - mpi4py is a hard dependency in practice
        return SerialComm()
    comm = MPI.COMM_WORLD
    for var in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS"):
        n = os.environ.get(var)
        if n and n.isdigit() and int(n) > 1 and comm.size == 1:
            raise RuntimeError(
                f"the MPI launcher started {n} processes ({var}={n}) but this process sees a "
                "communicator of size 1: mpiexec and mpi4py use different MPI libraries. "
                "Use the mpiexec of the same environment (.venv/bin/mpiexec).")
    return comm


class StopFlag:
    """Set by SIGTERM/SIGUSR1 or by a STOP file in the run directory: stop handing out tasks."""

    def __init__(self, stop_file: str | None = None):
        self.stop_file = stop_file
        self._signalled = False

    def install(self):
        for sig in (signal.SIGTERM, signal.SIGUSR1):
            try:
                signal.signal(sig, self._handler)
            except (ValueError, OSError):  # not the main thread
                pass

    def _handler(self, signum, frame):
        self._signalled = True

    def __bool__(self):
        return self._signalled or bool(self.stop_file and os.path.exists(self.stop_file))


def run_farm(task_ids: list[int], compute: Callable[[int], dict],
             on_result: Callable[[int, dict], None], comm=None,
             stop: StopFlag | None = None, master_works: bool = True,
             timer: RankTimer | None = None,
             write: Callable[[int, dict], None] | None = None) -> bool:
    """Compute every task id once; ``on_result`` runs on rank 0 in arrival order.

    ``write(tid, result)``: if given, called on the rank that computed the task (before rank 0
    hears of it), and ``on_result`` receives ``None`` instead of the result.

    Returns True on rank 0 if every task was computed (False if stopped early); workers return
    True.  A task that raises on any rank becomes a :class:`FarmError` on rank 0, raised after
    the other ranks have been told to stop.  ``timer``: this rank's :class:`RankTimer`, to
    which the time spent computing, handling results and waiting is added.
    """
    comm = comm if comm is not None else get_comm()
    stop = stop if stop is not None else StopFlag()
    timer = timer if timer is not None else RankTimer()
    with timer.span("wall_s"):
        if comm.size == 1:
            return _serial(task_ids, compute, on_result, stop, timer, write)
        if comm.rank == 0:
            return _master(list(task_ids), compute, on_result, comm, stop, master_works, timer,
                           write)
        _worker(compute, comm, timer, write)
        return True


def _run_task(compute, write, timer, tid):
    """Compute a task on this rank; with ``write``, write its result here too (the time counts
    as result handling) and return None, so that only the task id travels to rank 0."""
    result = timer.compute(compute, tid)
    if write is None:
        return result
    with timer.span("result_s"):
        write(tid, result)
    return None


def _serial(task_ids, compute, on_result, stop, timer, write=None):
    for tid in task_ids:
        if stop:
            return False
        try:
            result = _run_task(compute, write, timer, tid)
        except Exception:
            raise FarmError(f"task {tid} failed:\n{traceback.format_exc()}") from None
        with timer.span("result_s"):
            on_result(tid, result)
    return True


def _master(pending_ids, compute, on_result, comm, stop, master_works, timer, write=None):
    """Hand out tasks on request.  A worker that already holds a task gets a second (prefetched)
    one only while more tasks are pending than there are ranks; otherwise its request waits
    until it returns a result, so the last long tasks spread over idle ranks instead of
    queueing behind each other.  Rank 0 computes only after every worker has asked once, and
    takes its tasks from the end of the queue (the short ones, see ``schedule``)."""
    from mpi4py import MPI

    pending = deque(pending_ids)
    n_workers = comm.size - 1
    finished_workers = 0
    status = MPI.Status()
    error = None
    held = [0] * comm.size  # tasks handed to each rank and not yet returned
    deferred: deque = deque()  # ranks whose prefetch request waits
    checked_in = set()

    def answer(src):
        if pending and not stop and error is None:
            comm.send(pending.popleft(), dest=src, tag=TAG_TASK)
            held[src] += 1
        else:
            comm.send(None, dest=src, tag=TAG_STOP)

    def service(block: bool):
        nonlocal finished_workers, error
        handled = False
        while True:
            if block and not handled:
                with timer.span("wait_s"):
                    comm.Probe(source=MPI.ANY_SOURCE, tag=MPI.ANY_TAG, status=status)
            elif not comm.Iprobe(source=MPI.ANY_SOURCE, tag=MPI.ANY_TAG, status=status):
                break
            src, tag = status.Get_source(), status.Get_tag()
            msg = comm.recv(source=src, tag=tag)
            handled = True
            if tag == TAG_REQUEST:
                checked_in.add(src)
                if held[src] > 0 and pending and len(pending) <= comm.size \
                        and not stop and error is None:
                    deferred.append(src)
                else:
                    answer(src)
            elif tag == TAG_RESULT:
                tid, result = msg
                held[src] -= 1
                with timer.span("result_s"):
                    on_result(tid, result)
                if src in deferred:
                    deferred.remove(src)
                    answer(src)
            elif tag == TAG_ERROR:
                held[src] -= 1
                if error is None:
                    error = FarmError(f"task {msg[0]} failed on rank {src}:\n{msg[1]}")
            elif tag == TAG_DONE:
                finished_workers += 1
        if not pending or stop or error is not None:
            while deferred:
                answer(deferred.popleft())

    while len(checked_in) < n_workers:  # every worker has its first task before rank 0 works
        service(block=True)
    while finished_workers < n_workers:
        service(block=False)
        if master_works and pending and not stop and error is None:
            # rank 0 takes from the end of the queue: scenarios put the longest tasks first,
            # so rank 0 keeps the short ones and answers the workers' requests sooner
            tid = pending.pop()
            try:
                result = _run_task(compute, write, timer, tid)
            except Exception:
                error = FarmError(f"task {tid} failed on rank 0:\n{traceback.format_exc()}")
                continue
            with timer.span("result_s"):
                on_result(tid, result)
            continue
        if finished_workers < n_workers:
            service(block=True)
    if error is not None:
        raise error
    return not pending


def _worker(compute, comm, timer, write=None):
    from mpi4py import MPI

    queue: deque = deque()
    outstanding = 0
    stopped = False
    status = MPI.Status()
    for _ in range(PREFETCH):
        comm.send(None, dest=0, tag=TAG_REQUEST)
        outstanding += 1

    def handle(tag, msg):
        nonlocal outstanding, stopped
        if tag == TAG_TASK:
            queue.append(msg)
            outstanding -= 1
        elif tag == TAG_STOP:
            stopped = True
            outstanding -= 1

    while True:
        # take every reply already here; block only when there is nothing to do
        while comm.Iprobe(source=0, tag=MPI.ANY_TAG, status=status):
            handle(status.Get_tag(), comm.recv(source=0, tag=status.Get_tag()))
        if queue:
            tid = queue.popleft()
            try:
                result = _run_task(compute, write, timer, tid)
            except Exception:
                comm.send((tid, traceback.format_exc()), dest=0, tag=TAG_ERROR)
                stopped = True
                queue.clear()
                continue
            comm.send((tid, result), dest=0, tag=TAG_RESULT)
            if not stopped:
                comm.send(None, dest=0, tag=TAG_REQUEST)
                outstanding += 1
            continue
        if outstanding == 0:
            break
        with timer.span("wait_s"):
            comm.Probe(source=0, tag=MPI.ANY_TAG, status=status)
        handle(status.Get_tag(), comm.recv(source=0, tag=status.Get_tag()))
    comm.send(None, dest=0, tag=TAG_DONE)


class Progress:
    """Rank-0 progress line: tasks done/total, rate, ETA (stderr, at most every ``every`` s)."""

    def __init__(self, total: int, already: int = 0, quiet: bool = False, every: float = 2.0,
                 stream=None):
        self.total = total
        self.done = already
        self.start_done = already
        self.quiet = quiet
        self.every = every
        self.t0 = time.monotonic()
        self.last = -1e9
        self.stream = stream or sys.stderr

    def update(self, n: int = 1):
        self.done += n
        now = time.monotonic()
        if self.quiet or (now - self.last < self.every and self.done < self.total):
            return
        self.last = now
        new = self.done - self.start_done
        dt = now - self.t0
        rate = new / dt if dt > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else float("nan")
        self.stream.write(f"[hpcsim] tasks {self.done}/{self.total} "
                          f"({100.0 * self.done / max(self.total, 1):.0f}%)  "
                          f"{rate:.2f} tasks/s  elapsed {dt:.0f} s  ETA {_fmt_s(eta)}\n")
        self.stream.flush()


def _fmt_s(s: float) -> str:
    if s != s:
        return "?"
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"
