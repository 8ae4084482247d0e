#!/usr/bin/env python
"""Figures of seed 002 (cosmic-ray cocoons) from a ``cocoons`` results file.

Usage:  python tools/plot_cocoons.py RESULTS.h5 [-o OUTDIR]

Writes into OUTDIR (default: the directory of RESULTS.h5):
  fig1_bc.png       B/C vs E_k/n: best fit (total), Galactic-only and cocoon-only parts, with
                    AMS-02 (PRL 117, 231102), DAMPE (Sci. Bull. 67, 2162) and CALET (PRL 129,
                    251103); inset: the chi^2 profile over chi_c0 with Delta chi^2 = 1, 4;
  fig2_gamma.png    E^2 I of gamma rays in the LHAASO inner (x inner_factor) and outer regions:
                    cocoons (main grammage model), the project's CR sea (lower-upper band) and
                    their sum, with LHAASO-KM2A (PRL 131, 151001);
  figB1_nu.png      all-sky neutrinos per flavour: cocoons, CR sea band, total, with the IceCube
                    KRA-gamma 5 and 50 PeV best fits (Science 380, 1338);
  figB2_R0.png      cocoon gamma rays for the exp(-R/R0) models (R0 = 10, 20, 50, 90 TV by
                    default) alone (dashed) and with the CR sea's lower bound (solid);
  figB3_broken.png  the chi_c0 [1 + (R/R0)^delta]^-1 models (Kraichnan, Bohm), as Fig. 2;
  cocoons.txt       the numbers: best chi_c0, intervals, Eqs. 9-10, cocoon/CR-sea ratios.
WCDA (1-25 TeV) and Fermi-LAT data in the LHAASO regions, on the seed's figures, are not
available here (README).
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
from hpcsim.observations import cr_measurement, icecube_kra_gamma, lhaaso_km2a  # noqa: E402

C = "cocoons/"
REGION_LABEL = {"lhaaso_inner": "inner (15 < l < 125, |b| < 5)",
                "lhaaso_outer": "outer (125 < l < 235, |b| < 5)"}


def fig1(d, path):
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    e = d[C + "bc/energy_kn"]
    for part, style, lab in (("total", "-", "total"), ("galactic", "--", "Galactic grammage"),
                             ("cocoon", ":", "cocoons")):
        ax.plot(e, d[C + f"bc/best/{part}_ekn"], style, color="C1" if part == "total" else "k",
                label=f"{lab} (chi_c0 = {float(d[C + 'fit/best_chi_c0']):.2f})")
    for exp, col, kind in (("AMS-02", "c", "ekn"), ("DAMPE", "gold", None), ("CALET", "r", None)):
        m = cr_measurement(exp, "B/C", x_kind=kind) if kind else cr_measurement(exp, "B/C")
        ax.errorbar(m.x, m.y, yerr=m.err(), fmt="o", ms=3, color=col, label=exp, lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("E_k/n [GeV/n]")
    ax.set_ylabel("B/C")
    ax.set_ylim(0.01, 0.6)
    ax.legend(fontsize=8, loc="lower left")
    ins = ax.inset_axes([0.62, 0.62, 0.35, 0.33])
    x, y = d[C + "fit/chi_c0"], d[C + "fit/chi2"]
    ins.plot(x, y - y.min(), "o-", ms=3)
    for lev in (1, 4):
        ins.axhline(lev, color="grey", lw=0.6, ls="--")
    ins.set_xlabel("chi_c0 [g/cm2]", fontsize=7)
    ins.set_ylabel("Delta chi2", fontsize=7)
    ins.tick_params(labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _sed(ax, e, d, region, model, colour="C0", total=True, label_cocoon="cocoons"):
    base = C + f"regions/{region}/"
    coc = d[base + f"model_{model}/gamma"]
    lo, hi = d[base + "sea_lower/gamma"], d[base + "sea_upper/gamma"]
    ax.plot(e, e ** 2 * coc, "-", color=colour, label=label_cocoon)
    if total:
        ax.fill_between(e, e ** 2 * (lo + coc), e ** 2 * (hi + coc), color="gold", alpha=0.5,
                        label="CR sea + cocoons")
        ax.fill_between(e, e ** 2 * lo, e ** 2 * hi, color="grey", alpha=0.3,
                        label="CR sea (lower-upper)")


def _km2a(ax, region):
    m = lhaaso_km2a("inner" if region == "lhaaso_inner" else "outer")
    ax.errorbar(m.energy, m.energy ** 2 * m.value,
                yerr=[m.energy ** 2 * m.err_lo, m.energy ** 2 * m.err_hi], fmt="s", color="r",
                ms=4, label="LHAASO-KM2A")


def _axes(ax, title):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1e2, 3e6)
    ax.set_ylim(1e-9, 3e-6)
    ax.set_xlabel("E [GeV]")
    ax.set_ylabel("E^2 I [GeV cm^-2 s^-1 sr^-1]")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)


def fig2(d, path, model=0, title_extra=""):
    e = d[C + "energy"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, r in zip(axes, ("lhaaso_inner", "lhaaso_outer")):
        _sed(ax, e, d, r, model)
        _km2a(ax, r)
        _axes(ax, f"gamma rays, {REGION_LABEL[r]}{title_extra}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fig_models(d, path, rows, title):
    """One figure: a panel pair (inner, outer) per model index in ``rows``."""
    e = d[C + "energy"]
    names = [s.decode() for s in d[C + "production/models"]]
    fig, axes = plt.subplots(len(rows), 2, figsize=(12, 4.2 * len(rows)), squeeze=False)
    for row, k in zip(axes, rows):
        for ax, r in zip(row, ("lhaaso_inner", "lhaaso_outer")):
            _sed(ax, e, d, r, k, label_cocoon=f"cocoons ({names[k]})")
            _km2a(ax, r)
            _axes(ax, f"{title}: {names[k]}, {REGION_LABEL[r]}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fig_r0(d, path):
    e = d[C + "energy"]
    names = [s.decode() for s in d[C + "production/models"]]
    exp_models = [k for k, n in enumerate(names) if n.startswith("exp")]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, r in zip(axes, ("lhaaso_inner", "lhaaso_outer")):
        lo = d[C + f"regions/{r}/sea_lower/gamma"]
        for j, k in enumerate(exp_models):
            coc = d[C + f"regions/{r}/model_{k}/gamma"]
            ax.plot(e, e ** 2 * coc, "--", color=f"C{j}", label=f"cocoons {names[k]} TV")
            ax.plot(e, e ** 2 * (coc + lo), "-", color=f"C{j}")
        _km2a(ax, r)
        _axes(ax, f"R0 dependence (solid: + CR sea lower), {REGION_LABEL[r]}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fig_nu(d, path):
    e = d[C + "energy"]
    coc = d[C + "allsky/model_0/nu"]
    lo, hi = d[C + "allsky/sea_lower/nu"], d[C + "allsky/sea_upper/nu"]
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.plot(e, e ** 2 * coc, color="C0", label="cocoons")
    ax.fill_between(e, e ** 2 * (lo + coc), e ** 2 * (hi + coc), color="gold", alpha=0.5,
                    label="CR sea + cocoons")
    for cut, col in ((5, "k"), (50, "m")):
        m = icecube_kra_gamma(cut)
        ax.fill_between(m.energy, m.energy ** 2 * (m.value - m.err_lo),
                        m.energy ** 2 * (m.value + m.err_hi), color=col, alpha=0.2,
                        label=f"IceCube KRA-gamma {cut} PeV")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1e2, 3e6)
    ax.set_ylim(1e-10, 1e-6)
    ax.set_xlabel("E_nu [GeV]")
    ax.set_ylabel("E^2 F (all sky, per flavour) [GeV cm^-2 s^-1]")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def numbers(d):
    e = d[C + "energy"]
    lines = [f"best chi_c0 = {float(d[C + 'fit/best_chi_c0']):.3f} g/cm^2",
             f"Delta chi^2 = 1 interval: {d[C + 'fit/interval_1']}",
             f"Delta chi^2 = 4 interval: {d[C + 'fit/interval_4']}",
             "chi_c0 chi^2 D0[cm^2/s] delta v_A[km/s] phi[GV]"]
    for row in zip(d[C + "fit/chi_c0"], d[C + "fit/chi2"], d[C + "fit/D0"], d[C + "fit/delta"],
                   d[C + "fit/v_alfven"], d[C + "fit/phi"]):
        lines.append(" ".join(f"{x:.4g}" for x in row))
    lines.append(f"Eq. 9: cocoon lifetime >= {float(d[C + 'eq9_lifetime']):.3g} yr")
    lines.append(f"Eq. 10: cocoon radius <= {float(d[C + 'eq10_radius']):.1f} pc")
    for r in ("lhaaso_inner", "lhaaso_outer"):
        coc = d[C + f"regions/{r}/model_0/gamma"]
        lo, hi = d[C + f"regions/{r}/sea_lower/gamma"], d[C + f"regions/{r}/sea_upper/gamma"]
        for E in (1e3, 3e3, 1e4, 3e4, 1e5):
            j = int(np.argmin(np.abs(np.log(e / E))))
            lines.append(f"{r} E = {e[j]:.3g} GeV: cocoons/CR sea = {coc[j] / hi[j]:.3f} - "
                         f"{coc[j] / lo[j]:.3f}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("-o", "--outdir")
    args = ap.parse_args(argv)
    d, _, attrs = load_results(args.results)
    if attrs.get("scenario") != "cocoons":
        sys.stderr.write(f"{args.results}: not a cocoons results file\n")
        return 2
    out = args.outdir or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(out, exist_ok=True)
    fig1(d, os.path.join(out, "fig1_bc.png"))
    fig2(d, os.path.join(out, "fig2_gamma.png"))
    fig_nu(d, os.path.join(out, "figB1_nu.png"))
    fig_r0(d, os.path.join(out, "figB2_R0.png"))
    names = [s.decode() for s in d[C + "production/models"]]
    broken = [k for k, n in enumerate(names) if n.startswith("broken")]
    if broken:
        fig_models(d, os.path.join(out, "figB3_broken.png"), broken, "Eq. B.1")
    with open(os.path.join(out, "cocoons.txt"), "w") as fh:
        fh.write(numbers(d))
    print(f"wrote the cocoon figures and cocoons.txt into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
