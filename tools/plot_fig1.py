#!/usr/bin/env python
"""Figure like Fig. 1 of Menchiari et al. (ICRC2025, seed 000): diffuse neutrino (top) and gamma-ray
(bottom) spectra for the Kolmogorov, Kraichnan and Bohm diffusion regimes (columns).

Usage:  python tools/plot_fig1.py RESULTS.h5 [-o OUT.png] [--region lhaaso_inner|lhaaso_outer|argo]
        [--all-gamma-data] [--icecube-flavour-factor F] [--icecube-plane-fraction f] [--emin E] [--emax E]

Every panel shows E^2 x intensity [GeV cm^-2 s^-1 sr^-1] vs E [GeV]:
* YMSC population: median over realisations (solid) and Q1-Q3 band (``emission/<m>/<regime>/<region>``);
* Galactic CR sea: band between the lower and upper CR models (``emission/<m>/cr_sea/{lower,upper}/<region>``),
  grey with dashed edges, as in the seed's caption;
* total: band ``emission/<m>/total/<regime>/<region>/{lower,upper}`` (CR sea + YMSC median), grey;
* measurements.  Bottom row: those of hpcsim.observations for the chosen region (LHAASO-KM2A inner/outer;
  ARGO-YBJ and LHAASO-WCDA only if transcribed).  Top row: IceCube 2023 KRA-gamma (5 and 50 PeV) best
  fits, hatched, union of their 1-sigma normalisation ranges.

IceCube conversion (see hpcsim.observations): the KRA-gamma curves are FULL-SKY fluxes per flavour.  They
are drawn at  k * f * F_allsky / Omega(|b|<5 deg)  with f = --icecube-plane-fraction (default 1: all of
the template flux assumed inside |b|<5 deg, i.e. an UPPER BOUND on the |b|<5 deg mean intensity) and k
= --icecube-flavour-factor (default: 3 if the results' neutrino datasets say "all flavour" in their
units attribute, else 1).  A twin right axis gives the region-integrated flux E^2 Phi(|b|<5) = E^2 I x
Omega(|b|<5), in which the hatched band is exactly the published full-sky flux (for f = 1).  The neutrino
curves are plotted as stored (the seed's factor-3 flavour handling is done when the file is written).
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

from hpcsim import observations as obs  # noqa: E402
from hpcsim.io.results import load_results  # noqa: E402

REGIMES = ("kolmogorov", "kraichnan", "bohm")
REGIME_LABEL = {"kolmogorov": "Kolmogorov", "kraichnan": "Kraichnan", "bohm": "Bohm"}
REGIME_COLOUR = {"kolmogorov": "#1f77b4", "kraichnan": "#2ca02c", "bohm": "#d62728"}
REGION_LABEL = {
    "icecube": r"$|b|<5^\circ$",
    "lhaaso_inner": r"$15^\circ<l<125^\circ,\ |b|<5^\circ$",
    "lhaaso_outer": r"$125^\circ<l<235^\circ,\ |b|<5^\circ$",
    "argo": r"$25^\circ<l<100^\circ,\ |b|<5^\circ$",
}
DATA_STYLE = {"LHAASO-KM2A": dict(fmt="o", color="k", ms=4),
              "LHAASO-WCDA": dict(fmt="s", color="0.25", ms=4, mfc="white"),
              "ARGO-YBJ": dict(fmt="D", color="#8c564b", ms=4)}
ICECUBE_B_MAX = 5.0


def _get(data, key):
    v = data.get(key)
    return None if v is None else np.asarray(v, dtype=float)


def neutrino_flavour_factor(units):
    """Factor applied to the per-flavour IceCube curves, from the neutrino datasets' units attribute:
    1 if it says "per flavour" (checked first), 3 if it says "all flavour(s)", else 1."""
    txt = " ".join(str(u).lower() for k, u in units.items() if k.startswith("emission/nu/"))
    txt = txt.replace("-", " ").replace("flavor", "flavour")
    if "per flavour" in txt:
        return 1.0
    return 3.0 if "all flavour" in txt else 1.0


def draw_panel(ax, data, m, regime, region, energy):
    """Model curves of one panel; returns True if anything was drawn."""
    e2 = energy ** 2
    base = f"emission/{m}"
    drawn = False
    lo, up = _get(data, f"{base}/cr_sea/lower/{region}"), _get(data, f"{base}/cr_sea/upper/{region}")
    if lo is not None and up is not None:
        ax.fill_between(energy, e2 * np.minimum(lo, up), e2 * np.maximum(lo, up), facecolor="0.85",
                        edgecolor="none", zorder=1, label="CR sea (lower-upper)")
        for arr in (lo, up):
            ax.plot(energy, e2 * arr, color="0.45", ls="--", lw=1.0, zorder=2)
        drawn = True
    tlo, tup = (_get(data, f"{base}/total/{regime}/{region}/lower"),
                _get(data, f"{base}/total/{regime}/{region}/upper"))
    if tlo is not None and tup is not None:
        ax.fill_between(energy, e2 * np.minimum(tlo, tup), e2 * np.maximum(tlo, tup), facecolor="0.55",
                        alpha=0.45, edgecolor="0.35", lw=0.6, zorder=3, label="total (CR sea + YMSC)")
        drawn = True
    c = REGIME_COLOUR[regime]
    q1, med, q3 = (_get(data, f"{base}/{regime}/{region}/{q}") for q in ("q1", "median", "q3"))
    if q1 is not None and q3 is not None:
        ax.fill_between(energy, e2 * q1, e2 * q3, facecolor=c, alpha=0.30, edgecolor=c, lw=0.5, zorder=4,
                        label="YMSC Q1-Q3")
        drawn = True
    if med is not None:
        ax.plot(energy, e2 * med, color=c, lw=2.0, zorder=5, label="YMSC median")
        drawn = True
    return drawn


def draw_icecube(ax, factor, plane_fraction):
    """Hatched IceCube band (union of the KRA-gamma 5/50 PeV 1-sigma normalisation ranges)."""
    curves = [obs.icecube_kra_gamma_plane_intensity(c, ICECUBE_B_MAX, plane_fraction) for c in (5, 50)]
    e = np.geomspace(max(c.energy[0] for c in curves), min(c.energy[-1] for c in curves), 60)
    lows = [np.exp(np.interp(np.log(e), np.log(c.energy), np.log(c.value - c.err_lo))) for c in curves]
    highs = [np.exp(np.interp(np.log(e), np.log(c.energy), np.log(c.value + c.err_hi))) for c in curves]
    lo, hi = factor * e ** 2 * np.minimum(*lows), factor * e ** 2 * np.maximum(*highs)
    flav = "per flavour" if factor == 1 else f"x{factor:g} flavours"
    ax.fill_between(e, lo, hi, facecolor="none", edgecolor="#6a3d9a", hatch="////", lw=0.8, zorder=6,
                    label=f"IceCube 2023 KRA$_\\gamma$ fits ({flav})")
    for c in curves:
        ax.plot(c.energy, factor * c.energy ** 2 * c.value, color="#6a3d9a", lw=0.8, zorder=6)
    return float(hi.max())


def draw_gamma_data(ax, region, all_data):
    regions = ("lhaaso_inner", "lhaaso_outer", "argo") if all_data else (region,)
    found = []
    for reg in regions:
        for mes in obs.gamma_measurements(reg):
            key = next((k for k in DATA_STYLE if mes.name.startswith(k)), None)
            style = dict(DATA_STYLE.get(key, dict(fmt="o", color="k", ms=4)))
            if all_data and reg == "lhaaso_outer":
                style.update(mfc="white")
            y, ylo, yhi = mes.e2()
            ax.errorbar(mes.energy, y, yerr=[ylo, yhi], capsize=2, lw=1.0, zorder=7, label=mes.name,
                        **style)
            found.append((mes.name, float(np.max(y + yhi))))
    return found


def y_limits(data, energy, m, region, emin=None, emax=None, decades=4.5):
    """(bottom, top) for E^2 I: top = 3 x the largest model value within [emin, emax], `decades` below."""
    sel = np.ones(energy.shape, bool)
    if emin is not None:
        sel &= energy >= emin
    if emax is not None:
        sel &= energy <= emax
    vals = []
    for k, v in data.items():
        parts = k.split("/")
        if parts[:2] != ["emission", m] or region not in parts or parts[-1] == "per_realisation":
            continue
        v = np.asarray(v, dtype=float)
        if v.shape == energy.shape:
            vals.append((energy ** 2 * v)[sel])
    if not vals:
        return None
    vals = np.concatenate(vals)
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size == 0:
        return None
    top = vals.max() * 3.0
    return top * 10.0 ** -decades, top


def make_figure(data, units, region="lhaaso_inner", all_gamma_data=False, flavour_factor=None,
                plane_fraction=1.0, emin=None, emax=None):
    energy = _get(data, "emission/energy")
    if energy is None:
        raise KeyError("results file has no emission/energy dataset")
    if flavour_factor is None:
        flavour_factor = neutrino_flavour_factor(units)
    fig, axes = plt.subplots(2, 3, figsize=(13.5, 8.0), sharex=True, sharey="row")
    omega5 = obs.solid_angle_band(ICECUBE_B_MAX)
    rows = (("nu", "icecube"), ("gamma", region))
    for i, (m, reg) in enumerate(rows):
        data_top = 0.0
        for j, regime in enumerate(REGIMES):
            ax = axes[i, j]
            ax.set_xscale("log")
            ax.set_yscale("log")
            drawn = draw_panel(ax, data, m, regime, reg, energy)
            if m == "nu":
                data_top = max(data_top, draw_icecube(ax, flavour_factor, plane_fraction))
            else:
                found = draw_gamma_data(ax, reg, all_gamma_data)
                data_top = max([data_top] + [v for _, v in found])
                if not found:
                    ax.text(0.03, 0.04, "no transcribed measurement for this region", transform=ax.transAxes,
                            fontsize=8, color="0.3")
            if not drawn:
                ax.text(0.5, 0.5, "no model data in file", transform=ax.transAxes, ha="center", color="0.3")
            name = r"$\nu$" if m == "nu" else r"$\gamma$"
            ax.set_title(f"{REGIME_LABEL[regime]} — {name}, {REGION_LABEL.get(reg, reg)}", fontsize=10)
            ax.grid(True, which="major", alpha=0.3)
            ax.tick_params(which="both", direction="in", top=True)
            if j == 0:
                flav = "" if m == "gamma" else (" (all flavours)" if flavour_factor == 3 else " (per flavour)")
                ax.set_ylabel(r"$E^2\,I(E)$ [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]" + flav)
            if i == 1:
                ax.set_xlabel(r"$E$ [GeV]")
            if m == "nu" and j == 2:
                sec = ax.secondary_yaxis("right", functions=(lambda y: y * omega5, lambda y: y / omega5))
                sec.set_ylabel(r"$E^2\Phi$ in $|b|<5^\circ$ [GeV cm$^{-2}$ s$^{-1}$]")
        lims = y_limits(data, energy, m, reg, emin, emax)
        if lims is not None:
            top = max(lims[1], 2.0 * data_top)
            axes[i, 0].set_ylim(top * 10.0 ** -4.5, top)
    lo = emin if emin is not None else energy[0]
    hi = emax if emax is not None else energy[-1]
    axes[0, 0].set_xlim(lo, hi)
    for i in range(2):
        handles, labels = [], []
        for ax in axes[i]:
            for h, lab in zip(*ax.get_legend_handles_labels()):
                if lab not in labels:
                    handles.append(h)
                    labels.append(lab)
        axes[i, 0].legend(handles, labels, fontsize=7.5, loc="lower left", frameon=True, framealpha=0.85)
    note = (f"IceCube: full-sky KRA$_\\gamma$ flux x {plane_fraction:g} / $\\Omega(|b|<5^\\circ)$ "
            f"= {omega5:.3f} sr (f=1: upper bound of the mean intensity); right axis: x $\\Omega$.")
    fig.text(0.5, 0.005, note, ha="center", fontsize=8, color="0.3")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("results")
    p.add_argument("-o", "--output", default=None, help="output PNG (default: fig1.png next to RESULTS)")
    p.add_argument("--region", default="lhaaso_inner", choices=("lhaaso_inner", "lhaaso_outer", "argo"),
                   help="gamma-ray region (bottom row)")
    p.add_argument("--all-gamma-data", action="store_true",
                   help="overlay every gamma-ray measurement (all regions) in the bottom row")
    p.add_argument("--icecube-flavour-factor", type=float, default=None,
                   help="multiply the per-flavour IceCube curves by this (default: auto from units, 1 or 3)")
    p.add_argument("--icecube-plane-fraction", type=float, default=1.0,
                   help="fraction of the KRA-gamma full-sky flux inside |b|<5 deg (default 1 = upper bound)")
    p.add_argument("--emin", type=float, default=None, help="x-axis minimum [GeV]")
    p.add_argument("--emax", type=float, default=None, help="x-axis maximum [GeV]")
    p.add_argument("--dpi", type=int, default=150)
    a = p.parse_args(argv)
    data, units, _ = load_results(a.results)
    out = a.output or os.path.join(os.path.dirname(os.path.abspath(a.results)), "fig1.png")
    fig = make_figure(data, units, a.region, a.all_gamma_data, a.icecube_flavour_factor,
                      a.icecube_plane_fraction, a.emin, a.emax)
    fig.savefig(out, dpi=a.dpi)
    plt.close(fig)
    print(out)
    return out


if __name__ == "__main__":
    main()
