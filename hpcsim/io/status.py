"""``hpcsim status RUNDIR``: progress of a run directory, read-only, safe while a job runs.

Everything comes from the files: ``run.json`` and ``config.toml`` (scenario, hash, number of
tasks), the task files under ``tasks/`` (done, and their modification times for the last
progress and the rate), ``tasks/corrupt/`` (files a resume found unreadable; their tasks are
computed again), temporary ``.task_*.tmp.*`` files (being written), ``STOP``, ``results.h5``
and the Slurm logs (``logs/*.out``: the last error line, if any). Files may appear or vanish
during the scan (a running job writes them with ``os.replace``); that is tolerated.
"""

from __future__ import annotations

import json
import os
import re
import time

import numpy as np

TASK_RE = re.compile(r"^task_(\d+)\.h5$")
TEMP_RE = re.compile(r"^\.task_(\d+)\.h5\.tmp\.")
CORRUPT_RE = re.compile(r"^task_(\d+)\.h5\.")
BLOCK_FILE = "block.json"
# log lines that report a failure (not srun's "exit code 3" of a clean stop)
ERROR_RE = re.compile(r"hpcsim: error|hpcsim failed|\] error:|Traceback|^\w+(Error|Exception): ")
# a gap between two task completions longer than this (and than 20 typical gaps) is a pause
# (job waiting in the queue), not computing time
PAUSE_MIN_S = 120.0


class StatusError(Exception):
    """RUNDIR is not a run directory."""


def format_ids(ids) -> str:
    """Compact task-id list: ``0-5, 9, 12-15``."""
    ids = sorted(set(int(i) for i in ids))
    out, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(f"{ids[i]}" if i == j else f"{ids[i]}-{ids[j]}")
        i = j + 1
    return ", ".join(out)


def read_block(path: str) -> dict | None:
    """The block description of a job-array run directory (see hpcsim.io.merge), or None."""
    try:
        with open(os.path.join(path, BLOCK_FILE)) as fh:
            b = json.load(fh)
        return {k: int(b[k]) for k in ("block", "n_blocks", "first_task", "end_task", "n_tasks")}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _scan(directory: str, pattern) -> dict[int, float]:
    """{task id: mtime} of the names matching ``pattern``; vanished files are skipped."""
    out: dict[int, float] = {}
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return out
    for e in entries:
        m = pattern.match(e.name)
        if not m:
            continue
        try:
            out[int(m.group(1))] = max(out.get(int(m.group(1)), 0.0), e.stat().st_mtime)
        except FileNotFoundError:
            continue
    return out


def estimate_rate(mtimes) -> tuple[float, int]:
    """(tasks per second, number of completions used) from task-file modification times.

    Uses the completions since the last pause (a gap longer than ``PAUSE_MIN_S`` and 20
    median gaps: the job was not running), or all gaps shorter than that when the current
    stretch holds a single completion. Returns (nan, 0) with fewer than two completions.
    """
    t = np.sort(np.asarray(list(mtimes), dtype=float))
    if t.size < 2:
        return float("nan"), 0
    gaps = np.diff(t)
    pause = max(PAUSE_MIN_S, 20.0 * float(np.median(gaps)))
    breaks = np.nonzero(gaps > pause)[0]
    start = int(breaks[-1]) + 1 if breaks.size else 0
    if t.size - start >= 2 and t[-1] > t[start]:
        n = t.size - start
        return (n - 1) / (t[-1] - t[start]), n
    kept = gaps[gaps <= pause]
    if kept.size == 0 or kept.sum() <= 0:
        return float("nan"), 0
    return kept.size / float(kept.sum()), kept.size + 1


def _n_tasks(path: str) -> tuple[int | None, str]:
    """Number of tasks from the stored configuration, or (None, why not)."""
    try:
        from ..config import config_from_toml_text
        from ..driver import make_scenario
        with open(os.path.join(path, "config.toml")) as fh:
            cfg = config_from_toml_text(fh.read())
        return int(make_scenario(cfg).n_tasks), ""
    except Exception as exc:  # noqa: BLE001 - a missing data file, an old config, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, first


def _last_error(log: str) -> str:
    """Last line of a log that reports an error (hpcsim or Slurm), '' if none."""
    try:
        with open(log, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 65536))
            lines = fh.read().decode(errors="replace").splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        if ERROR_RE.search(line):
            return line.strip()
    return ""


def run_status(rundir: str, verify: bool = False) -> dict:
    """Status of a run directory as a dict (see :func:`format_status`)."""
    path = os.path.abspath(rundir)
    meta_path = os.path.join(path, "run.json")
    if not os.path.isdir(path):
        raise StatusError(f"{rundir} is not a run directory (not a directory)"
                          if os.path.exists(path) else f"{rundir}: no such directory")
    try:
        with open(meta_path) as fh:
            meta = json.load(fh)
        if not isinstance(meta, dict):
            raise ValueError("not an object")
    except FileNotFoundError:
        raise StatusError(f"{rundir} is not a run directory (no run.json)") from None
    except (OSError, ValueError) as exc:
        raise StatusError(f"{rundir}: run.json is unreadable ({exc})") from None
    now = time.time()
    n_total, why = _n_tasks(path)
    block = read_block(path)
    tasks_dir = os.path.join(path, "tasks")
    done_t = _scan(tasks_dir, TASK_RE)
    if n_total is not None:
        done_t = {t: m for t, m in done_t.items() if t < n_total}
    scope = None
    if block is not None:
        scope = range(block["first_task"], block["end_task"])
        done_t = {t: m for t, m in done_t.items() if t in scope}
    bad = []
    if verify:
        from .checkpoint import read_arrays_h5
        import h5py
        for t in sorted(done_t):
            p = os.path.join(tasks_dir, f"task_{t:07d}.h5")
            try:
                with h5py.File(p, "r") as f:
                    ok = (f.attrs.get("config_hash") == meta.get("config_hash")
                          and int(f.attrs.get("task_id", -1)) == t)
                if ok:
                    read_arrays_h5(p)  # raises on a checksum mismatch
            except FileNotFoundError:
                continue
            except Exception:  # noqa: BLE001 - unreadable or checksum mismatch
                ok = False
            if not ok:
                bad.append(t)
    corrupt = sorted(_scan(os.path.join(tasks_dir, "corrupt"), CORRUPT_RE))
    writing = sorted(_scan(tasks_dir, TEMP_RE))
    total = len(scope) if scope is not None else n_total
    n_done = len(done_t) - len(bad)
    remaining = None if total is None else max(total - n_done, 0)
    rate, n_rate = estimate_rate(done_t.values())
    last = max(done_t.values()) if done_t else None
    eta = None
    if remaining == 0:
        eta = 0.0
    elif remaining is not None and rate == rate and rate > 0:
        eta = remaining / rate
    results = os.path.join(path, "results.h5")
    logs = []
    for d in (os.path.join(path, "logs"), path):
        try:
            logs += [os.path.join(d, n) for n in os.listdir(d)
                     if n.endswith(".out") and (d != path or n.startswith(".slurm-"))]
        except OSError:
            pass
    if block is not None:  # job-array element: WORKDIR/logs/slurm-ARRAYJOB_K.out
        d = os.path.join(os.path.dirname(path), "logs")
        try:
            logs += [os.path.join(d, n) for n in os.listdir(d)
                     if n.endswith(f"_{block['block']}.out")]
        except OSError:
            pass
    logs = sorted(logs, key=lambda p: os.path.getmtime(p) if os.path.exists(p) else 0)
    return {
        "path": path, "scenario": meta.get("scenario", "?"),
        "config_hash": meta.get("config_hash", "?"), "code_version": meta.get("code_version", "?"),
        "created": meta.get("created", "?"),
        "tasks_total": total, "tasks_total_run": n_total, "total_unknown_reason": why,
        "tasks_done": n_done, "tasks_remaining": remaining,
        "missing": (sorted(set(scope if scope is not None else range(total))
                           - (set(done_t) - set(bad))) if total is not None else None),
        "block": block, "failed_verify": bad, "corrupt": corrupt, "being_written": writing,
        "last_progress": last, "last_progress_age_s": (now - last) if last else None,
        "rate_tasks_per_s": rate if rate == rate else None, "rate_from_tasks": n_rate,
        "eta_s": eta, "stop_pending": os.path.exists(os.path.join(path, "STOP")),
        "results": os.path.exists(results),
        "results_mtime": os.path.getmtime(results) if os.path.exists(results) else None,
        "logs": logs, "last_log_error": _last_error(logs[-1]) if logs else "",
    }


def _fmt_s(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    if s < 172800:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


def format_status(st: dict) -> str:
    lines = [f"run directory   {st['path']}",
             f"scenario        {st['scenario']} (config hash {st['config_hash'][:12]}, "
             f"code {st['code_version']}, created {st['created']})"]
    b = st["block"]
    total = st["tasks_total"]
    if total is None:
        lines.append(f"tasks           {st['tasks_done']} done, total unknown "
                     f"({st['total_unknown_reason']})")
    else:
        pct = 100.0 * st["tasks_done"] / total if total else 100.0
        lines.append(f"tasks           {st['tasks_done']}/{total} done ({pct:.0f} %), "
                     f"{st['tasks_remaining']} to go")
        if st["missing"] and len(st["missing"]) <= 200:
            lines.append(f"  missing       {format_ids(st['missing'])}")
    if b is not None:
        lines.append(f"block           {b['block']} of {b['n_blocks']} (job array): tasks "
                     f"{b['first_task']}..{b['end_task'] - 1} of {b['n_tasks']}; merge the "
                     f"blocks with `hpcsim merge`")
    if st["being_written"]:
        lines.append(f"being written   {len(st['being_written'])} "
                     f"(task {format_ids(st['being_written'])})")
    failed = []
    if st["corrupt"]:
        failed.append(f"{len(st['corrupt'])} file(s) in tasks/corrupt/ (task "
                      f"{format_ids(st['corrupt'])}; recomputed on resume)")
    if st["failed_verify"]:
        failed.append(f"{len(st['failed_verify'])} file(s) fail the integrity check (task "
                      f"{format_ids(st['failed_verify'])}; recomputed on resume)")
    lines.append("failed tasks    " + ("; ".join(failed) if failed else "none"))
    if st["last_progress"] is not None:
        lines.append(f"last progress   {_when(st['last_progress'])} "
                     f"({_fmt_s(st['last_progress_age_s'])} ago)")
    else:
        lines.append("last progress   no task finished yet")
    if st["rate_tasks_per_s"]:
        lines.append(f"rate            {st['rate_tasks_per_s']:.3g} tasks/s (from "
                     f"{st['rate_from_tasks']} completions since the last pause)")
    if st["eta_s"] is not None:
        lines.append("time left       " + ("none" if st["eta_s"] == 0 else
                                          f"~{_fmt_s(st['eta_s'])} of computing (estimate)"))
    else:
        lines.append("time left       unknown")
    lines.append("STOP            " + ("pending: the run stops after the tasks in flight "
                                       f"(remove {os.path.join(st['path'], 'STOP')} to let a "
                                       "new job proceed)" if st["stop_pending"] else
                                       "not requested"))
    lines.append("results         " + (f"results.h5 written {_when(st['results_mtime'])}"
                                       if st["results"] else "not yet"))
    if st["logs"]:
        lines.append(f"log             {st['logs'][-1]}")
        if st["last_log_error"]:
            lines.append(f"  last error    {st['last_log_error']}")
    return "\n".join(lines)
