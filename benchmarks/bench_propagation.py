#!/usr/bin/env python
"""Speed of the 2D propagation solver on DRAGON2's BaseModel configuration.

Usage:  python benchmarks/bench_propagation.py [--z 8 26] [--threads 1 2] [--ranks]
                                               [--dragon2 'COMMAND'] [--skip-kernel]

1. Kernel vs NumPy reference (in this process): one Douglas step of 12C on the 41 x 81 x 90
   grid (residual + three tridiagonal sweeps + update), timed over repeated steps; the ratio,
   cell-sweeps per second and the largest relative difference of the results.
2. Whole runs (one process each, ``hpcsim run``, wall time and peak memory from /usr/bin/time):
   jobs/configs/dragon2_basemodel_z8.toml (Z <= 8) and dragon2_basemodel.toml (Z <= 26) with 1
   and 2 OpenMP threads; steps, species and cell-sweeps per second (3 sweeps per step over
   40 x 79 x 90 cells).  Without DRAGON2's tables (``hpcsim data fetch xsec``) the built-in
   cross sections are used instead (same grid and transport) and the table says so.
3. ``--ranks``: a 2-point scan of the Z <= 8 configuration on 1 and 2 MPI ranks (one point
   per rank: the farm's parallelism).
4. ``--dragon2 'CMD'``: also time DRAGON2 itself (e.g. 'sh -c "cd RUNDIR && DRAGON
   examples/BaseModel_DRAGONxsec.xml"'); the ratio hpcsim / DRAGON2 is printed.

Timings are machine-dependent: quote them with the machine and whether it was idle.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from hpcsim.propagation.cross_sections import XsecDataError, find_xsec_file, xsec_dir  # noqa: E402
from hpcsim.propagation.diffusion import diffusion_coefficient, reacceleration_rate  # noqa: E402
from hpcsim.propagation.gas import gas_maps  # noqa: E402
from hpcsim.propagation.grid import Grid  # noqa: E402
from hpcsim.propagation.losses import loss_rate_per_lnp  # noqa: E402
from hpcsim.propagation.solver import _Factors  # noqa: E402
from hpcsim.propagation.sweeps import Sweeps  # noqa: E402
from hpcsim.propagation.transport import build_operator  # noqa: E402

PY = sys.executable
HPCSIM = [PY, "-m", "hpcsim"]
CELLS = 40 * 79 * 90


def kernel_vs_numpy(n_steps=20):
    g = Grid(12.0, 41, 4.0, 81, 0.01 * 1.2 ** np.arange(90))
    kin = g.kinematics(12, 6)
    gas = gas_maps(g, "galprop")
    D = diffusion_coefficient(kin.rigidity, kin.beta, 3.7e28, 0.45, 1.0)
    op = build_operator(g, kin, D, reacceleration_rate(D, 11.26, 0.45),
                        loss_rate_per_lnp(6, 12, kin, gas.n_neutral, gas.n_HII),
                        gas.n_total[:, :, None] * (kin.beta * 3e10 * 300e-27)[None, None, :])
    q = np.ascontiguousarray(np.broadcast_to(kin.p_n ** -1.3, g.shape))
    t = np.full(g.e_kn.size, 1.0)
    fac = _Factors(op, t, 0.5)

    def steps(sw, n):
        """n Douglas steps from N = 0; returns (seconds per step, N)."""
        N = np.zeros(g.shape)
        d = np.empty_like(N)
        dmax = np.empty((g.shape[0], g.shape[2]))
        nmax = np.empty_like(dmax)
        t0 = time.perf_counter()
        for _ in range(n):
            sw.residual(N, q, op.az, op.bz, op.cz, op.ar, op.br, op.cr, op.ap, op.bp, op.cp, d)
            sw.scale_by_energy(d, t)
            sw.solve_z(d, *fac.z)
            sw.solve_r(d, *fac.r)
            sw.solve_p(d, *fac.p)
            sw.update(N, d, dmax, nmax)
        return (time.perf_counter() - t0) / n, N

    tk, _ = steps(Sweeps(True, 1), n_steps)
    tn, Nn = steps(Sweeps(False), 3)
    _, N3 = steps(Sweeps(True, 1), 3)  # the same three steps as the reference
    diff = float(np.max(np.abs(N3 - Nn) / np.maximum(np.abs(Nn), 1e-300)))
    cells = np.prod(g.shape)
    print(f"kernel vs NumPy, one step of C12 on {g.shape} cells: kernel {tk * 1e3:.2f} ms "
          f"({3 * cells / tk:.3g} cell-sweeps/s), NumPy {tn * 1e3:.1f} ms: x{tn / tk:.1f}; "
          f"max rel. difference {diff:.1e}")


def timed(cmd, cwd=ROOT):
    """(wall s, peak RSS MB, stdout+stderr) of a command run through /usr/bin/time."""
    tool = shutil.which("time") or "/usr/bin/time"
    if os.path.exists(tool):
        full = [tool, "-f", "%e %M", *cmd]
    else:
        full = cmd
    t0 = time.time()
    res = subprocess.run(full, cwd=cwd, capture_output=True, text=True)
    wall = time.time() - t0
    rss = float("nan")
    m = re.search(r"([\d.]+) (\d+)\s*$", res.stderr)
    if m:
        wall, rss = float(m.group(1)), int(m.group(2)) / 1024.0
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stderr[-2000:]}")
    return wall, rss, res.stdout + res.stderr


def config_variant(src, dest, threads=1, builtin=False, scan_d0=None):
    text = open(src).read()
    text = text.replace("[propagation]\n", f"[propagation]\nthreads = {threads}\n", 1)
    text = re.sub(r'keep_full = \[.*\]', "keep_full = []", text)
    if builtin:
        for k, v in (("nuclear_data", '"builtin"'), ("inelastic", '"letaw"'),
                     ("partial", '"semiempirical"'), ("missing_channels", '"semiempirical"')):
            text = re.sub(rf"^{k} = .*$", f"{k} = {v}", text, flags=re.M)
    if scan_d0:
        text = text.replace("[sources]", f"scan_D0 = {scan_d0}\n\n[sources]")
    with open(dest, "w") as fh:
        fh.write(text)
    return dest


def steps_of(rundir):
    import h5py
    with h5py.File(os.path.join(rundir, "results.h5")) as f:
        s = f["propagation/point_000/solver/steps"][()]
    return int(s.sum()), s.size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--z", type=int, nargs="+", default=[8, 26])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--ranks", action="store_true")
    ap.add_argument("--dragon2", help="command that runs DRAGON2 for comparison")
    ap.add_argument("--skip-kernel", action="store_true")
    args = ap.parse_args()
    print(f"machine: {os.uname().nodename}, {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.2f}")
    if not args.skip_kernel:
        kernel_vs_numpy()
    try:
        find_xsec_file(xsec_dir(), "crxsecs_fragmentation_Evoli2019_cumulative_modified.dat")
        builtin = False
    except XsecDataError:
        builtin = True
        print("DRAGON2 tables not installed: built-in cross sections (same grid and transport)")
    tmp = tempfile.mkdtemp(prefix="bench-prop-")
    rows = []
    for z in args.z:
        src = os.path.join(ROOT, "jobs/configs",
                           "dragon2_basemodel_z8.toml" if z == 8 else "dragon2_basemodel.toml")
        for th in args.threads:
            cfg = config_variant(src, os.path.join(tmp, f"z{z}_t{th}.toml"), th, builtin)
            out = os.path.join(tmp, f"run_z{z}_t{th}")
            wall, rss, _ = timed([*HPCSIM, "run", cfg, "-o", out, "-q"])
            steps, n_sp = steps_of(out)
            rows.append((f"Z <= {z}", f"1 rank x {th} thread(s)", wall, rss, n_sp, steps,
                         3 * CELLS * steps / wall))
    if args.ranks:
        src = os.path.join(ROOT, "jobs/configs/dragon2_basemodel_z8.toml")
        cfg = config_variant(src, os.path.join(tmp, "scan.toml"), 1, builtin,
                             scan_d0="[3.7e28, 4.5e28]")
        mpiexec = os.path.join(os.path.dirname(PY), "mpiexec")
        for n in (1, 2):
            out = os.path.join(tmp, f"scan_n{n}")
            wall, rss, _ = timed([mpiexec, "-n", str(n), *HPCSIM, "run", cfg, "-o", out, "-q"])
            rows.append(("Z <= 8, 2 points", f"{n} rank(s) x 1 thread", wall, rss, 0, 0, np.nan))
    print(f"\n{'network':18s} {'ranks x threads':24s} {'wall [s]':>9s} {'peak [MB]':>10s} "
          f"{'species':>8s} {'steps':>7s} {'cell-sweeps/s':>14s}")
    for r in rows:
        print(f"{r[0]:18s} {r[1]:24s} {r[2]:9.1f} {r[3]:10.0f} {r[4]:8d} {r[5]:7d} {r[6]:14.3g}")
    if args.dragon2:
        wall, rss, _ = timed(shlex.split(args.dragon2))
        print(f"\nDRAGON2: wall {wall:.1f} s, peak {rss:.0f} MB")
        first = rows[0]
        print(f"hpcsim ({first[0]}, {first[1]}) / DRAGON2 wall time: {first[2] / wall:.2f}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
