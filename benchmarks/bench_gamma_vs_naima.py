"""Benchmark: matrix-based Kafexhiu+2014 gamma spectrum vs naima.PionDecay, same proton spectrum.

Proton spectrum dN/dT = T^-2 exp(-T / 1 PeV) [GeV^-1 cm^-3], n_H = 1 cm^-3, Pythia8 high-energy
model, no nuclear enhancement; e_p = 1 GeV..1e8 GeV (16/decade), e_out = 10 GeV..1 PeV (8/decade).
Prints: matrix build time (once), per-spectrum time for both codes, speed ratio and max relative
difference.  naima is a test-only oracle (useLUT=False: exact K14 formulas, 100 points/decade).

Run: cd /work/main && .venv/bin/python benchmarks/bench_gamma_vs_naima.py
"""

import time
import warnings

import numpy as np

from hpcsim.constants import M_PROTON_GEV
from hpcsim.interactions.matrices import emissivity, log_grid, rate_matrices

E_CUT = 1.0e6


def spectrum(t):
    return t**-2.0 * np.exp(-t / E_CUT)


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    import astropy.units as u
    import naima

    e_p = log_grid(1.0, 1.0e8, 16)
    e_out = log_grid(10.0, 1.0e6, 8)

    t_build, mats = best_of(lambda: rate_matrices(e_p, e_out, nuclear_enhancement="none"), 3)
    a_g = mats["gamma"]
    n_p = spectrum(e_p)
    t_ours, q_ours = best_of(lambda: emissivity(n_p, a_g), 200)

    class Dist:
        amplitude = 1.0

        def __call__(self, e):
            t = np.maximum(e.to_value(u.GeV) - M_PROTON_GEV, 1e-30)
            return spectrum(t) / u.GeV

    res = {}
    for lut in (False, True):
        pd = naima.models.PionDecay(Dist(), nh=1.0 / u.cm**3, nuclear_enhancement=False,
                                    useLUT=lut, Epmax=1e8 * u.GeV, hiEmodel="Pythia8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res[lut] = best_of(
                lambda: pd._spectrum(e_out * u.GeV).to_value(1 / (u.s * u.GeV)), 5)
        # naima falls back to the exact formulas when no LUT is shipped for this setting
        res[lut] = res[lut] + (bool(pd.useLUT),)

    print(f"grid: {e_p.size} proton energies x {e_out.size} output energies")
    print(f"matrix build (gamma + nu, once):      {t_build * 1e3:9.2f} ms")
    print(f"ours, per spectrum (N @ A):           {t_ours * 1e3:9.4f} ms")
    for lut, (t_n, q_n, used_lut) in res.items():
        if lut and not used_lut:
            print("naima has no LUT for Pythia8 without nuclear enhancement: LUT run skipped")
            continue
        rel = np.abs(q_ours / q_n - 1.0)
        tag = "LUT  " if used_lut else "exact"
        print(f"naima PionDecay ({tag}), per spectrum: {t_n * 1e3:9.2f} ms   "
              f"speed ratio naima/ours = {t_n / t_ours:8.0f}   "
              f"max |rel diff| = {rel.max():.2e} at E = {e_out[rel.argmax()]:.3g} GeV")


if __name__ == "__main__":
    main()
