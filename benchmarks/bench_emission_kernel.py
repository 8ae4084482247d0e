#!/usr/bin/env python
"""Benchmark (issue 3a): the cluster-emission Cython kernel against its NumPy reference.

Same inputs through both back ends (hpcsim.acceleration.cluster_emission_ref.cluster_fluxes):
one cluster (Mdot = 1e-4 Msun/yr, v_w = 2800 km/s, n0 = 10 cm^-3, 3 Myr, 12 supernovae) and the
clusters of one Galactic realisation, three turbulence regimes; prints the maximum relative
difference and the speed ratio, and the time per cluster of the whole chain and of the radial
transport kernel alone per regime.  One process.
Usage: .venv/bin/python benchmarks/bench_emission_kernel.py
"""

import time

import numpy as np

from hpcsim.acceleration.cluster_emission_ref import (N_R_DEFAULT, cluster_fluxes,
                                                      cluster_transport, prepare_clusters)
from hpcsim.acceleration.supernovae import sn_times_since_explosion
from hpcsim.acceleration.wind_termination_shock import d_ism
from hpcsim.clusters.bubble import bubble_structure
from hpcsim.config import config_from_dict
from hpcsim.constants import KM, KPC, M_PROTON, MSUN_PER_YR, MYR
from hpcsim.interactions.matrices import log_grid, rate_matrices
from hpcsim.scenarios.ymsc_diffuse import DiffuseScenario


def timed(fn, repeat=3):
    best, out = 1e99, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def compare(label, args, kwargs, repeat):
    res = {}
    for backend in ("numpy", "cython"):
        res[backend] = timed(lambda: cluster_fluxes(*args, backend=backend, **kwargs), repeat)
    err = max(np.max(np.abs(res["cython"][1][k] - res["numpy"][1][k])
                     / np.maximum(np.abs(res["numpy"][1][k]), 1e-300))
              for k in ("phi_gamma", "phi_nu"))
    tn, tc = res["numpy"][0], res["cython"][0]
    print(f"{label}: NumPy {1e3 * tn:9.2f} ms  Cython {1e3 * tc:8.2f} ms  speed-up x{tn / tc:6.1f}"
          f"  max rel. difference {err:.1e}")


def main():
    e_p, e_out = log_grid(1.0, 1e8, 16), log_grid(10.0, 3e6, 8)
    mats = rate_matrices(e_p, e_out, nuclear_enhancement="none")
    mdot, v = 1e-4 * MSUN_PER_YR, 2800 * KM
    rho0, age = 1.4 * 10 * M_PROTON, 3 * MYR
    b = bubble_structure(0.5 * mdot * v * v, mdot, v, 12, age, rho0)
    sn_dt = np.linspace(0.01, 0.5, 12)
    off = np.array([0, 12], dtype=np.int64)
    for regime in ("kolmogorov", "kraichnan", "bohm"):
        args = (e_p, mats, np.array([1.4 * KPC]), [mdot], [v], b["R_ts"], b["R_cd"], b["R_fs"],
                [age], 0.1 * b["L_tot"], [rho0], regime, sn_dt, off)
        compare(f"one cluster, {regime:10s}", args, {}, repeat=20)

    cfg = config_from_dict({"run": {"n_realisations": 1, "n_sectors": 1}})
    sc = DiffuseScenario(cfg)
    cat, c = sc.clusters(0, sc.task_rng(0))
    dt, so = sn_times_since_explosion(c["t_sn"], c["offsets"], cat["age"])
    args = (sc.e_p, sc.matrices, cat["distance"] * KPC, c["Mdot"], c["v_w"], c["R_ts"],
            c["R_cd"], c["R_fs"], c["age_s"], 0.1 * c["L_tot"], c["rho0"], "kraichnan", dt, so)
    compare(f"one Galaxy ({cat['mass'].size} clusters), kraichnan", args, {}, repeat=1)
    n = cat["mass"].size
    t, _ = timed(lambda: cluster_fluxes(*args), 3)
    print(f"  whole chain (set-up, transport, SN sums, folds): {1e3 * t / n:.3f} ms per cluster")
    # the radial transport kernel alone (issue 11 target: <= 0.1 ms per cluster and regime)
    for regime in ("kolmogorov", "kraichnan", "bohm"):
        prep = prepare_clusters(c["Mdot"], c["v_w"], c["R_ts"], c["R_cd"], c["R_fs"], c["age_s"],
                                0.1 * c["L_tot"], c["rho0"], regime)
        targs = (sc.e_p, d_ism(sc.e_p), c["Mdot"], c["v_w"], prep["r_ts"], c["R_cd"], c["R_fs"],
                 prep["N_b"], prep["n_sh"], regime)
        t, _ = timed(lambda: cluster_transport(*targs), 5)
        print(f"  transport kernel, {regime:10s}: {1e3 * t / n:.3f} ms per cluster "
              f"({sc.e_p.size} energies, n_r = {N_R_DEFAULT})")


if __name__ == "__main__":
    main()
