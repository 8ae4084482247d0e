#!/usr/bin/env python
"""Cost of single tasks of a large configuration, measured in one process (issue 11).

Running the paper configuration on many ranks is out of reach of a 2-core machine, but the
scaling model (``benchmarks/scaling_model.py``) only needs what one task costs: this script
builds the scenario of CONFIG (ymsc_diffuse; optionally at another NSIDE), computes the first
``--pop`` population tasks (realisation 0, sectors 0, 1, ...) and the first gas-column chunk,
and records for each its compute time [s], the size of its pickled result [bytes] (what a
worker sends to rank 0) and of its checkpoint file [bytes] (what rank 0 writes).  Scenario set-up time [s] is recorded too (every rank pays it).

Usage: .venv/bin/python benchmarks/probe_tasks.py CONFIG [--nside N] [--pop 3] [--no-sea]
       --out FILE.json
"""

import argparse
import dataclasses
import json
import os
import pickle
import tempfile
import time


def probe(config: str, nside: int | None, n_pop: int, sea: bool = True) -> dict:
    from hpcsim.config import load_config
    from hpcsim.driver import make_scenario
    from hpcsim.io.checkpoint import write_arrays_h5
    cfg = load_config(config)
    sky = cfg.sky if nside is None else dataclasses.replace(cfg.sky, nside=nside)
    cfg = dataclasses.replace(cfg, sky=sky)
    t0 = time.perf_counter()
    sc = make_scenario(cfg)
    setup = time.perf_counter() - t0
    tasks = list(range(min(n_pop, sc.n_pop_tasks))) + ([sc.n_pop_tasks] if sea else [])
    rows = []
    tmp = tempfile.mkdtemp(prefix="hpcsim-probe-")
    for tid in tasks:
        t0 = time.perf_counter()
        res = sc.compute(tid)
        dt = time.perf_counter() - t0
        path = os.path.join(tmp, f"task_{tid}.h5")
        write_arrays_h5(path, res)
        rows.append({"task": tid, "kind": "pop" if tid < sc.n_pop_tasks else "sea",
                     "compute_s": dt, "file_bytes": os.path.getsize(path),
                     "message_bytes": len(pickle.dumps((tid, res), protocol=pickle.HIGHEST_PROTOCOL))})
        os.unlink(path)
        print(f"task {tid:5d} ({rows[-1]['kind']}): {rows[-1]['compute_s']:.2f} s, "
              f"message {rows[-1]['message_bytes'] / 1e6:.2f} MB, "
              f"file {rows[-1]['file_bytes'] / 1e6:.2f} MB", flush=True)
    os.rmdir(tmp)
    return {"config": config, "nside": cfg.sky.nside, "los_n_steps": cfg.sky.los_n_steps,
            "n_sectors": cfg.run.n_sectors, "n_realisations": cfg.run.n_realisations,
            "n_variants": len(cfg.variants), "n_pop_tasks": sc.n_pop_tasks,
            "n_sea_chunks": sc.n_sea_chunks, "setup_s": setup, "tasks": rows}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--nside", type=int, default=None)
    ap.add_argument("--pop", type=int, default=3, help="population tasks to time")
    ap.add_argument("--no-sea", action="store_true",
                    help="skip the gas-column chunk (its cost scales with the pixels)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rec = probe(a.config, a.nside, a.pop, sea=not a.no_sea)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as fh:
        json.dump(rec, fh, indent=1)
    print(f"set-up {rec['setup_s']:.1f} s; wrote {a.out}")


if __name__ == "__main__":
    main()
