"""Where each rank's time goes in the task farm: computing tasks, handling results, waiting.

A :class:`RankTimer` lives on every rank and is filled by :func:`hpcsim.parallel.farm.run_farm`
(monotonic clock, seconds).  After the farm, :func:`gather_timing` collects the timers on rank 0
and :func:`timing_summary` turns them into per-rank arrays.  The busy fraction of a rank is
compute_s / wall_s: the share of its time in the farm spent inside ``compute(task)``.

Timing never enters a task file or a results dataset (it would break the bit-for-bit
comparison of runs); the driver stores it as attributes of ``results.h5`` and in
``RUNDIR/timing.json``.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RankTimer:
    """Seconds one rank spent in the farm (summed over every call of ``run_farm``).

    compute_s: inside ``compute(task)``; result_s: handling results (each rank writing the
    checkpoints of its own tasks, or rank 0's ``on_result`` when results travel to it);
    wait_s: blocked until a message arrives; wall_s: from entering to leaving
    the farm.  The rest of wall_s is message handling (pickling, sending, receiving).
    task_s: compute seconds of each task id computed on this rank.
    """

    compute_s: float = 0.0
    result_s: float = 0.0
    wait_s: float = 0.0
    wall_s: float = 0.0
    task_s: dict = field(default_factory=dict)

    @contextlib.contextmanager
    def span(self, name: str):
        """Add the duration of the ``with`` block to the field ``name``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, name, getattr(self, name) + time.perf_counter() - t0)

    def compute(self, compute, tid: int):
        """``compute(tid)``, its duration added to compute_s and recorded under the task id."""
        t0 = time.perf_counter()
        try:
            return compute(tid)
        finally:
            dt = time.perf_counter() - t0
            self.compute_s += dt
            self.task_s[int(tid)] = dt

    def row(self) -> dict:
        return {"compute_s": self.compute_s, "result_s": self.result_s, "wait_s": self.wait_s,
                "wall_s": self.wall_s, "task_s": dict(self.task_s)}


def gather_timing(comm, timer: RankTimer) -> list[dict] | None:
    """Every rank's :meth:`RankTimer.row` on rank 0 (rank order); None on the other ranks.
    Collective: every rank must call it."""
    return comm.gather(timer.row(), root=0)


def timing_summary(rows: list[dict]) -> dict:
    """Per-rank arrays (index = rank) from gathered rows.

    rank_compute_s, rank_result_s, rank_wait_s, rank_wall_s [s]; rank_n_tasks;
    rank_busy_fraction = compute_s / wall_s (0 for a rank with no time in the farm).
    """
    def col(k):
        return np.array([float(r[k]) for r in rows])

    wall, comp = col("wall_s"), col("compute_s")
    busy = np.divide(comp, wall, out=np.zeros_like(comp), where=wall > 0)
    return {"rank_compute_s": comp, "rank_result_s": col("result_s"),
            "rank_wait_s": col("wait_s"), "rank_wall_s": wall,
            "rank_n_tasks": np.array([len(r["task_s"]) for r in rows], dtype=np.int64),
            "rank_busy_fraction": busy}


def task_seconds(rows: list[dict]) -> dict[int, float]:
    """Compute seconds of every task id computed in this invocation (any rank)."""
    out: dict[int, float] = {}
    for r in rows:
        out.update({int(k): float(v) for k, v in r["task_s"].items()})
    return out
