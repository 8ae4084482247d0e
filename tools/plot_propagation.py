#!/usr/bin/env python
"""Local spectra of a ``propagation`` run against direct measurements.

Usage:  python tools/plot_propagation.py RESULTS.h5 [-o OUTDIR] [--point K] [--phi PHI]

Writes into OUTDIR (default: the directory of RESULTS.h5):
  propagation_spectra.png   E_k^2.7 J of p, He, C and O vs kinetic energy per particle E_k, with
                            AMS-02, DAMPE, CALET and NUCLEON, and B/C vs rigidity (AMS-02) and vs
                            E_k/n (AMS-02, DAMPE, CALET); the model LIS (dashed) and force-field
                            modulated with the stored phi nearest to --phi (solid; 0.61 GV);
  propagation_headline.txt  p, He (10, 100, 1000 GeV/n) and B/C (1, 10, 100, 1000 GeV/n) LIS.

Measurements: hpcsim.observations.cr_measurement (AMS-02 Phys. Rep. 894 (2021); DAMPE Nature
653, 52 (2026) and Sci. Bull. 67, 2162 (2022); CALET; NUCLEON Adv. Space Res. 64, 2546 (2019)),
error bars = stat and sys in quadrature.  Data given vs rigidity (AMS-02), E_k/n (CALET C, O)
or total energy (NUCLEON) are converted to E_k with the dominant isotope (1H, 4He, 12C, 16O), a
display convention (the model curves sum the isotopes exactly).
"""

from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from hpcsim.io.results import load_results  # noqa: E402
from hpcsim.observations import DOMINANT_A, cr_measurement  # noqa: E402
from hpcsim.propagation.nuclides import parse_species  # noqa: E402

PANELS = ((1, "H", "p"), (2, "He", "He"), (6, "C", "C"), (8, "O", "O"))
STYLE = {"AMS-02": ("o", "#1f77b4"), "DAMPE": ("s", "#d62728"), "CALET": ("^", "#2ca02c"),
         "NUCLEON": ("D", "#9467bd")}
M_N = 0.938272  # GeV, the solver's mass per nucleon


class PointData:
    """Datasets of one parameter point."""

    def __init__(self, d, point, phi):
        self.d = d
        self.base = f"propagation/point_{point:03d}"
        if f"{self.base}/energy_kn" not in d:
            raise SystemExit(f"no propagation results for point {point} in this file")
        tags = sorted({k.rsplit("_phi_", 1)[1] for k in d if k.startswith(
            f"{self.base}/element_flux_rigidity_phi_")}, key=float)
        self.phi_tag = min(tags, key=lambda t: abs(float(t) - phi))
        self.e_kn = d[f"{self.base}/energy_kn"]
        self.R = d[f"{self.base}/rigidity"]
        self.e_tot = d[f"{self.base}/total_energy"]
        self.elements = list(d[f"{self.base}/elements"])
        self.isotopes = [s.decode() for s in d[f"{self.base}/isotopes"]]

    def get(self, name, tag):
        return self.d[f"{self.base}/{name}_phi_{tag}"]

    def element(self, Z, kind, tag):
        """(x, J) of element Z vs 'rigidity', 'ekin' (per particle) or 'etot'."""
        i = self.elements.index(Z)
        if kind == "rigidity":
            return self.R, self.get("element_flux_rigidity", tag)[i]
        if kind == "etot":
            return self.e_tot, self.get("element_flux_etot", tag)[i]
        # kinetic energy per particle: each isotope at E_k = A E_k/n, J/A, summed on one grid
        iso_flux = self.get("isotope_flux_ekn", tag)
        a_of = [1 if n == "H1_sec" else parse_species(n)[1] for n in self.isotopes]
        a_min = min(a for a, n in zip(a_of, self.isotopes)
                    if (1 if n == "H1_sec" else parse_species(n)[0]) == Z)
        # up to where every isotope of the element is on the grid
        x = np.geomspace(a_min * self.e_kn[0], a_min * self.e_kn[-1], 400)
        J = np.zeros_like(x)
        for k, name in enumerate(self.isotopes):
            z, a = (1, 1) if name == "H1_sec" else parse_species(name)
            if z != Z:
                continue
            good = iso_flux[k] > 0
            if good.sum() < 2:
                continue
            J += np.where((x >= a * self.e_kn[0]) & (x <= a * self.e_kn[-1]), np.exp(np.interp(
                np.log(x), np.log(a * self.e_kn[good]), np.log(iso_flux[k][good] / a))), 0.0)
        return x, J




def to_ekin(m, Z):
    """(E_k per particle, J per GeV, err) of a flux measurement, converted with the dominant
    isotope of element Z where the data are given vs rigidity, E_k/n or total energy."""
    A = DOMINANT_A[Z]
    x, y, e = m.x, m.y, m.err()
    if m.x_kind == "rigidity":
        pn = x * Z / A
        ek = A * (np.sqrt(pn ** 2 + M_N ** 2) - M_N)
        dR_dEk = (np.sqrt(pn ** 2 + M_N ** 2) / pn) / Z  # dR/dE_k = E_n/(p_n Z)
        return ek, y * dR_dEk, e * dR_dEk
    if m.x_kind == "ekn":
        return A * x, y / A, e / A
    if m.x_kind == "etot":
        return x - A * M_N, y, e
    return x, y, e


def _points(ax, exp, quantity, Z=None, kind=None):
    try:
        m = cr_measurement(exp, quantity, x_kind=kind) if kind else cr_measurement(exp, quantity)
    except KeyError:
        return None
    marker, colour = STYLE[exp]
    if Z is None:  # a ratio
        x, y, e = m.x, m.y, m.err()
    else:
        x, y, e = to_ekin(m, Z)
        w = x ** 2.7
        y, e = y * w, e * w
    ax.errorbar(x, y, yerr=e, fmt=marker, ms=3, color=colour, lw=0.8, label=exp, zorder=3)
    return float(np.min(y[y > 0])), float(np.max(y))


def _curve(ax, x, y, **kw):
    y = np.where(y > 0, y, np.nan)  # nothing outside the energy grid
    ax.plot(x, y, **kw)


def plot(pd: PointData, out_png):
    fig, axes = plt.subplots(2, 3, figsize=(15, 9))
    axes = axes.ravel()
    for ax, (Z, q, label) in zip(axes[:4], PANELS):
        ranges = [r for r in (_points(ax, exp, q, Z)
                              for exp in ("AMS-02", "DAMPE", "CALET", "NUCLEON")) if r]
        if Z in pd.elements:
            for tag, ls, lab in (("0", "--", "LIS"), (pd.phi_tag, "-", f"phi = {pd.phi_tag} GV")):
                x, J = pd.element(Z, "ekin", tag)
                _curve(ax, x, J * x ** 2.7, ls=ls, color="k", lw=1.3, label=f"model {lab}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(1.0, 1e6)
        if ranges:
            ax.set_ylim(0.1 * min(r[0] for r in ranges), 3.0 * max(r[1] for r in ranges))
        ax.set_title(label)
        ax.set_xlabel("kinetic energy per particle E_k [GeV]")
        ax.set_ylabel("E_k^2.7 J  [GeV^1.7 m^-2 s^-1 sr^-1]")
        ax.legend(fontsize=8)
    for ax, kind in ((axes[4], "rigidity"), (axes[5], "ekn")):
        exps = ("AMS-02",) if kind == "rigidity" else ("AMS-02", "DAMPE", "CALET")
        for exp in exps:
            _points(ax, exp, "B/C", kind="ekn" if (exp == "AMS-02" and kind == "ekn") else None)
        x = pd.R if kind == "rigidity" else pd.e_kn
        key = f"ratios/B_C_{'rigidity' if kind == 'rigidity' else 'ekn'}"
        for tag, ls in (("0", "--"), (pd.phi_tag, "-")):
            _curve(ax, x, pd.get(key, tag), ls=ls, color="k", lw=1.3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(0.5, 1e4)
        ax.set_ylim(0.01, 0.6)
        ax.set_xlabel("R [GV]" if kind == "rigidity" else "E_k/n [GeV/n]")
        ax.set_ylabel("B/C")
        ax.set_title(f"B/C vs {'rigidity' if kind == 'rigidity' else 'E_k/n'} (model: LIS "
                     f"dashed, phi = {pd.phi_tag} GV solid)", fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)


def headline_text(d, point):
    h = f"propagation/point_{point:03d}/headline"
    return ("# LIS at the Sun, (GeV/n)^-1 m^-2 s^-1 sr^-1 (p = H1 + H1_sec; He = He3 + He4)\n"
            + "p   10 100 1000 GeV/n: " + " ".join(f"{x:.5g}" for x in d[f"{h}/p_flux"]) + "\n"
            + "He  10 100 1000 GeV/n: " + " ".join(f"{x:.5g}" for x in d[f"{h}/he_flux"]) + "\n"
            + "B/C 1 10 100 1000 GeV/n: " + " ".join(f"{x:.5g}" for x in d[f"{h}/b_over_c"])
            + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("-o", "--outdir")
    ap.add_argument("--point", type=int, default=0, help="parameter point (default 0)")
    ap.add_argument("--phi", type=float, default=0.61, help="modulation potential [GV]")
    args = ap.parse_args(argv)
    d, _, attrs = load_results(args.results)
    if attrs.get("scenario") != "propagation":
        sys.stderr.write(f"{args.results}: not a propagation results file\n")
        return 2
    out = args.outdir or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(out, exist_ok=True)
    pd = PointData(d, args.point, args.phi)
    plot(pd, os.path.join(out, "propagation_spectra.png"))
    with open(os.path.join(out, "propagation_headline.txt"), "w") as fh:
        fh.write(headline_text(d, args.point))
    print(f"wrote {out}/propagation_spectra.png and propagation_headline.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
