#!/usr/bin/env python
"""Benchmark (issue 11): one configuration on 1, 2, 3, 5 and 8 MPI ranks.

For every rank count: wall time of the whole command [s] (measured here), task phase and
serial reduction [s] and each rank's compute / result / wait / wall seconds and busy fraction
(from RUNDIR/timing.json, written by the driver), every task's compute time [s] and the size
of its checkpoint file [bytes].  Every run starts from an empty run directory; the results.h5
of every rank count must be bit-identical to the 1-rank one.  Writes one JSON file, the input
of ``benchmarks/scaling_model.py``.

More ranks than cores are oversubscribed (mpich's mpiexec allows it): on a 2-core machine the
runs with 3, 5 and 8 ranks show the farm's overheads and its correctness, not a speed-up.

Usage: .venv/bin/python benchmarks/bench_scaling.py [CONFIG] [--ranks 1,2,3,5,8]
       [--workdir DIR] [--out FILE.json]
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(ROOT, ".venv", "bin")


def run_once(config: str, n: int, rundir: str) -> float:
    """Wall time [s] of ``hpcsim run`` on n ranks (1 rank: without mpiexec)."""
    cmd = [os.path.join(VENV, "hpcsim"), "run", config, "-o", rundir]
    if n > 1:
        cmd = [os.path.join(VENV, "mpiexec"), "-n", str(n)] + cmd
    t0 = time.perf_counter()
    with open(rundir + ".log", "w") as fh:
        subprocess.run(cmd, check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
    return time.perf_counter() - t0


def task_file_bytes(rundir: str) -> dict[str, int]:
    tasks = os.path.join(rundir, "tasks")
    return {str(int(name[5:12])): os.path.getsize(os.path.join(tasks, name))
            for name in sorted(os.listdir(tasks)) if name.startswith("task_")}


def describe(config: str, results: str) -> dict:
    """What the scaling model needs to know about the configuration."""
    from hpcsim.config import load_config
    from hpcsim.driver import make_scenario
    from hpcsim.io.results import load_results
    cfg = load_config(config)
    sc = make_scenario(cfg)
    data = load_results(results)[0]
    return {"config": os.path.relpath(os.path.abspath(config), ROOT),
            "scenario": cfg.run.scenario, "n_realisations": cfg.run.n_realisations,
            "n_sectors": cfg.run.n_sectors, "nside": cfg.sky.nside,
            "los_n_steps": cfg.sky.los_n_steps,
            "n_clusters_mean": float(data["population/n_mean_expected"]),
            "n_variants": len(cfg.variants) if getattr(cfg, "variants", None) else 0,
            "n_tasks": sc.n_tasks, "n_pop_tasks": getattr(sc, "n_pop_tasks", sc.n_tasks),
            "n_sea_chunks": getattr(sc, "n_sea_chunks", 0)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config", nargs="?", default=os.path.join(ROOT, "jobs", "configs", "small.toml"))
    ap.add_argument("--ranks", default="1,2,3,5,8")
    ap.add_argument("--workdir", default=os.path.join(ROOT, "runs", "bench_scaling"))
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "bench_scaling.json"))
    a = ap.parse_args()
    ranks = [int(x) for x in a.ranks.split(",")]
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    from hpcsim.io.results import bit_identical, load_results
    runs, ref = [], None
    for n in ranks:
        rundir = os.path.join(a.workdir, f"n{n}")
        load = os.getloadavg()[0]
        wall = run_once(a.config, n, rundir)
        with open(os.path.join(rundir, "timing.json")) as fh:
            timing = json.load(fh)
        data = load_results(os.path.join(rundir, "results.h5"))[0]
        ref = data if ref is None else ref
        same = data.keys() == ref.keys() and all(bit_identical(data[k], ref[k]) for k in ref)
        rec = {"n_ranks": n, "wall_s": wall, "load_avg_1min_before": load,
               "identical_to_first": same, **timing,
               "startup_s": wall - timing["task_phase_s"] - timing["reduction_s"],
               "task_file_bytes": task_file_bytes(rundir)}
        runs.append(rec)
        busy = " ".join(f"{r['busy_fraction']:.2f}" for r in timing["ranks"])
        print(f"{n:2d} ranks: wall {wall:6.1f} s  tasks {timing['task_phase_s']:6.1f} s  "
              f"reduction {timing['reduction_s']:5.1f} s  busy {busy}  identical {same}",
              flush=True)
    out = {"machine": {"host": platform.node(), "cores": os.cpu_count(),
                       "python": platform.python_version(),
                       "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
           "configuration": describe(a.config, os.path.join(a.workdir, f"n{ranks[0]}",
                                                            "results.h5")),
           "runs": runs}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as fh:
        json.dump(out, fh, indent=1)
    print(f"wrote {a.out}")
    sys.exit(0 if all(r["identical_to_first"] for r in runs) else 1)


if __name__ == "__main__":
    main()
