#!/usr/bin/env python
"""Benchmark (issue 3c): wall time of a configuration with 1 and 2 MPI ranks, and the parallel
efficiency E = T1 / (2 T2).  Default: the paper configuration (100 realisations x 3 regimes,
NSIDE 128; about 10-15 min on 1 core).  Both runs start from empty run directories (so both
compute the CR-sea maps), and their results.h5 must be bit-identical.

Usage: .venv/bin/python benchmarks/bench_paper_scaling.py [CONFIG] [--workdir DIR]
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd, log):
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        subprocess.run(cmd, check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config", nargs="?", default=os.path.join(ROOT, "jobs", "configs", "paper.toml"))
    ap.add_argument("--workdir", default=os.path.join(ROOT, "runs", "bench_scaling"))
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    venv = os.path.join(ROOT, ".venv", "bin")
    hp = os.path.join(venv, "hpcsim")
    t1 = run([hp, "run", a.config, "-o", os.path.join(a.workdir, "n1")],
             os.path.join(a.workdir, "n1.log"))
    print(f"1 rank : {t1:8.1f} s", flush=True)
    t2 = run([os.path.join(venv, "mpiexec"), "-n", "2", hp, "run", a.config, "-o",
              os.path.join(a.workdir, "n2")], os.path.join(a.workdir, "n2.log"))
    print(f"2 ranks: {t2:8.1f} s   speed-up {t1 / t2:.2f}   parallel efficiency {t1 / (2 * t2):.0%}")
    from hpcsim.io.results import bit_identical, load_results
    x = load_results(os.path.join(a.workdir, "n1", "results.h5"))[0]
    y = load_results(os.path.join(a.workdir, "n2", "results.h5"))[0]
    same = x.keys() == y.keys() and all(bit_identical(x[k], y[k]) for k in x)
    print(f"results bit-identical for 1 and 2 ranks: {same}")
    with open(os.path.join(a.workdir, "n1.log")) as fh:
        print("".join(l for l in fh if "sc/sea" in l or "clusters per realisation" in l))
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
