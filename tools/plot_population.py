#!/usr/bin/env python
"""Plots of the synthetic YMSC population of a results file.

Usage:  python tools/plot_population.py RESULTS.h5 [-o OUTDIR] [--realisation K] [--colour lw|none]

Writes (PNG, in OUTDIR, default: the directory of RESULTS.h5 + /plots):
* population_histograms.png : mass, age, distance, R_fs, L_w histograms (median over realisations, Q1-Q3
  band; datasets ``population/histograms/<name>/{edges,counts}``) and the Galactic-longitude distribution
  of the clusters (computed from ``population/realisation_*/l``, same median/quartiles);
* hist_<name>.png            : each histogram alone;
* population_faceon.png      : face-on view of realisation K (default 0): clusters at (x, y) with marker
  area ~ R_fs^2 and colour ~ log10 L_w, over the Hou & Han (2014, A&A 569, A125) spiral arms
  (hpcsim.galaxy.spiral_arms.arm_curve), Sun (x = -R0, y = 0) and Galactic centre marked.
"""

from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from hpcsim.constants import R_SUN_GC_KPC  # noqa: E402
from hpcsim.galaxy.spiral_arms import ARM_NAMES, HH14_ARMS, arm_curve  # noqa: E402
from hpcsim.io.results import load_results  # noqa: E402

HISTS = ("mass", "age", "distance", "R_fs", "L_w")
LABELS = {"mass": r"$M_{\rm sc}$", "age": "age", "distance": r"distance $d$", "R_fs": r"$R_{\rm fs}$",
          "L_w": r"$L_w$", "l": r"Galactic longitude $l$"}
ARM_COLOURS = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628")


def pretty_unit(unit):
    """Unit string to mathtext for axis labels (erg s^-1 -> erg s$^{-1}$, Msun -> M$_\\odot$)."""
    import re
    u = str(unit).replace("Msun", r"M$_\odot$")
    return re.sub(r"\^(-?[0-9.]+)", r"$^{\1}$", u)


def quartiles(counts):
    """(Q1, median, Q3) over realisations (axis 0) of a [n_real, n_bins] count array."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    q1, med, q3 = np.percentile(counts, [25.0, 50.0, 75.0], axis=0)
    return q1, med, q3


def is_log_binned(edges):
    edges = np.asarray(edges, dtype=float)
    if edges.size < 3 or np.any(edges <= 0):
        return False
    r = edges[1:] / edges[:-1]
    return np.allclose(r, r[0], rtol=1e-6) and not np.allclose(np.diff(edges), edges[1] - edges[0], rtol=1e-6)


def draw_hist(ax, edges, counts, label, unit, colour="#1f77b4"):
    """Median step histogram with a Q1-Q3 band; log x axis for logarithmic bins."""
    q1, med, q3 = quartiles(counts)
    n_real = np.atleast_2d(counts).shape[0]
    ax.fill_between(edges, np.r_[q1, q1[-1]], np.r_[q3, q3[-1]], step="post", color=colour, alpha=0.3,
                    lw=0, label=f"Q1-Q3 ({n_real} realisations)")
    ax.stairs(med, edges, color=colour, lw=1.6, label="median")
    if is_log_binned(edges):
        ax.set_xscale("log")
    ax.set_yscale("log" if med.max() > 0 and med[med > 0].min() * 100 < med.max() else "linear")
    u = f" [{pretty_unit(unit)}]" if unit and unit != "1" else ""
    ax.set_xlabel(f"{label}{u}")
    ax.set_ylabel("clusters per bin")
    ax.set_xlim(edges[0], edges[-1])
    ax.tick_params(which="both", direction="in", top=True, right=True)
    ax.grid(True, alpha=0.25)


def realisation_keys(data):
    return sorted({k.split("/")[1] for k in data if k.startswith("population/realisation_")})


def longitude_counts(data, edges):
    rows = [np.histogram(np.mod(data[f"population/{r}/l"], 360.0), bins=edges)[0]
            for r in realisation_keys(data) if f"population/{r}/l" in data]
    return np.array(rows) if rows else None


def plot_histograms(data, units, outdir, dpi):
    outs = []
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    for ax, name in zip(axes.flat, HISTS):
        e, c = f"population/histograms/{name}/edges", f"population/histograms/{name}/counts"
        if e not in data or c not in data:
            ax.text(0.5, 0.5, f"{name}: not in file", ha="center", transform=ax.transAxes)
            continue
        draw_hist(ax, data[e], data[c], LABELS.get(name, name), units.get(e, ""))
        f1, a1 = plt.subplots(figsize=(5.5, 4.2))
        draw_hist(a1, data[e], data[c], LABELS.get(name, name), units.get(e, ""))
        a1.legend(fontsize=8)
        f1.tight_layout()
        p = os.path.join(outdir, f"hist_{name}.png")
        f1.savefig(p, dpi=dpi)
        plt.close(f1)
        outs.append(p)
    ax = axes.flat[5]
    l_edges = np.linspace(0.0, 360.0, 37)
    lc = longitude_counts(data, l_edges)
    if lc is not None:
        draw_hist(ax, l_edges, lc, LABELS["l"], "deg", colour="#9467bd")
        ax.set_xticks(np.arange(0, 361, 60))
    axes.flat[0].legend(fontsize=8, loc="best")
    n = data.get("population/n_clusters")
    if n is not None:
        fig.suptitle(f"Synthetic YMSC population: {np.size(n)} realisations, "
                     f"{np.mean(n):.0f} clusters per realisation on average", fontsize=12)
    fig.tight_layout()
    p = os.path.join(outdir, "population_histograms.png")
    fig.savefig(p, dpi=dpi)
    plt.close(fig)
    return [p] + outs


def plot_faceon(data, units, outdir, dpi, k=0, colour="lw"):
    r = f"population/realisation_{k:05d}"
    if f"{r}/x" not in data:
        return []
    x, y = np.asarray(data[f"{r}/x"], float), np.asarray(data[f"{r}/y"], float)
    fig, ax = plt.subplots(figsize=(8.2, 7.2))
    for i in range(len(HH14_ARMS)):
        ax_, ay_ = arm_curve(i)
        ax.plot(ax_, ay_, color=ARM_COLOURS[i % len(ARM_COLOURS)], lw=2.2, alpha=0.55, zorder=1,
                label=ARM_NAMES[i])
    rfs = np.asarray(data.get(f"{r}/R_fs", np.full(x.size, 10.0)), float)
    ref = np.nanmedian(rfs) if np.any(rfs > 0) else 1.0
    size = np.clip(6.0 * (rfs / ref) ** 2, 0.5, 200.0)
    order = np.argsort(rfs)  # big bubbles drawn last
    if colour == "lw" and f"{r}/L_w" in data:
        lw_raw = np.asarray(data[f"{r}/L_w"], float)
        pos = lw_raw > 0
        lw = np.full(lw_raw.shape, np.nan)
        lw[pos] = np.log10(lw_raw[pos])
        vmin, vmax = (np.percentile(lw[pos], [1.0, 99.5]) if pos.any() else (30.0, 40.0))
        if (~pos).any():  # clusters without wind (all massive stars gone): grey
            ax.scatter(x[~pos], y[~pos], s=size[~pos], color="0.6", alpha=0.6, edgecolors="none", zorder=2,
                       label=r"$L_w = 0$")
        o = order[pos[order]]
        sc = ax.scatter(x[o], y[o], s=size[o], c=lw[o], cmap="viridis", vmin=vmin, vmax=vmax, alpha=0.8,
                        edgecolors="none", zorder=3)
        cb = fig.colorbar(sc, ax=ax, fraction=0.046, pad=0.02)
        cb.set_label(r"$\log_{10}\,(L_w$ / erg s$^{-1})$")
    else:
        ax.scatter(x[order], y[order], s=size[order], color="k", alpha=0.5, edgecolors="none", zorder=3)
    ax.plot([-R_SUN_GC_KPC], [0.0], marker="o", ms=11, mfc="gold", mec="k", mew=1.2, ls="none", zorder=5)
    ax.plot([-R_SUN_GC_KPC], [0.0], marker=".", ms=4, color="k", ls="none", zorder=6)
    ax.annotate("Sun", (-R_SUN_GC_KPC, 0.0), xytext=(-R_SUN_GC_KPC - 3.2, 0.9), fontsize=10, zorder=7,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    ax.plot([0], [0], marker="+", ms=12, mew=2, color="k", ls="none", zorder=5)
    ax.annotate("GC", (0, 0), xytext=(0.4, 0.4), fontsize=10)
    handles, labels = ax.get_legend_handles_labels()
    for val in (0.5 * ref, ref, 2.0 * ref):
        handles.append(Line2D([], [], marker="o", ls="none", color="0.4", alpha=0.75,
                              ms=np.sqrt(np.clip(6.0 * (val / ref) ** 2, 0.5, 200.0))))
        labels.append(rf"$R_{{\rm fs}}$ = {val:.0f} pc")
    ax.legend(handles, labels, fontsize=8, loc="upper right", framealpha=0.85,
              title="Hou & Han 2014 arms", title_fontsize=8)
    lim = max(16.0, np.nanpercentile(np.hypot(x, y), 99.5) + 1.0)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$x$ [kpc]")
    ax.set_ylabel(r"$y$ [kpc]")
    ax.set_title(f"Face-on view, realisation {k}: {x.size} clusters "
                 r"(marker area $\propto R_{\rm fs}^2$)", fontsize=11)
    ax.tick_params(which="both", direction="in", top=True, right=True)
    ax.grid(True, alpha=0.2)
    fig.tight_layout()
    p = os.path.join(outdir, "population_faceon.png")
    fig.savefig(p, dpi=dpi)
    plt.close(fig)
    return [p]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("results")
    p.add_argument("-o", "--outdir", default=None)
    p.add_argument("--realisation", type=int, default=0, help="realisation shown in the face-on map")
    p.add_argument("--colour", choices=("lw", "none"), default="lw", help="colour clusters by log L_w")
    p.add_argument("--dpi", type=int, default=150)
    a = p.parse_args(argv)
    data, units, _ = load_results(a.results)
    outdir = a.outdir or os.path.join(os.path.dirname(os.path.abspath(a.results)), "plots")
    os.makedirs(outdir, exist_ok=True)
    outs = plot_histograms(data, units, outdir, a.dpi)
    outs += plot_faceon(data, units, outdir, a.dpi, a.realisation, a.colour)
    for o in outs:
        print(o)
    return outs


if __name__ == "__main__":
    main()
