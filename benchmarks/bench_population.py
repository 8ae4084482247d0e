#!/usr/bin/env python
"""Benchmark of the population stage (seed 000 Sec. 2), one process.

Prints (1) clusters per second per core for whole tasks (sampling, stars, winds, bubbles) and
(2) the collective-wind Cython kernel against its NumPy reference on the same stars (same
numbers checked, speed ratio).  Usage: .venv/bin/python benchmarks/bench_population.py
"""

import time

import numpy as np

from hpcsim.clusters.collective_wind import collective_wind_numpy, draw_massive_stars
from hpcsim.config import config_from_dict
from hpcsim.scenarios.ymsc_population import PopulationScenario, run_collective_wind


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    cfg = config_from_dict({"run": {"n_realisations": 4, "n_sectors": 4,
                                    "scenario": "ymsc_population"}})
    sc = PopulationScenario(cfg)
    n_cl = 0
    t0 = time.perf_counter()
    for tid in range(sc.n_tasks):
        n_cl += sc.compute(tid)["clusters/mass"].size
    dt = time.perf_counter() - t0
    print(f"population stage: {n_cl} clusters in {dt:.2f} s -> {n_cl / dt:.0f} clusters/s/core "
          f"({dt / cfg.run.n_realisations:.2f} s per Galaxy realisation)")

    rng = np.random.default_rng(1)
    mass = sc.sampler and 10 ** rng.uniform(3, np.log10(6.4e4), 2243)
    age = rng.uniform(0, 30, mass.size)
    off, u = draw_massive_stars(mass, rng, sc.wp)
    ref = collective_wind_numpy(u, off, age, sc.table, sc.wp)
    out = run_collective_wind(u, off, age, sc.table, sc.wp)
    err = max(np.max(np.abs(out[k] - ref[k]) / np.maximum(np.abs(ref[k]), 1e-300))
              for k in ("L_w", "Mdot", "t_sn"))
    t_np = best_of(lambda: collective_wind_numpy(u, off, age, sc.table, sc.wp))
    t_cy = best_of(lambda: run_collective_wind(u, off, age, sc.table, sc.wp))
    print(f"collective-wind kernel, {mass.size} clusters / {u.size} massive stars: "
          f"NumPy {1e3 * t_np:.1f} ms, Cython {1e3 * t_cy:.1f} ms, speed-up x{t_np / t_cy:.1f}, "
          f"max relative difference {err:.1e}")


if __name__ == "__main__":
    main()
