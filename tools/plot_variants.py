#!/usr/bin/env python
"""The variant table of a seed-000 results file: which assumption moves the Section-5 numbers how
far.

Usage:  python tools/plot_variants.py RESULTS.h5 [-o variants.png] [--sea lower|upper] [--text]

One panel per quantity of seed 000 Sec. 5 -- nu_sc/nu_sea at 10 TeV (|b| < 5 deg), gamma_sc/
gamma_sea at 1 TeV (LHAASO inner region, masked) and their double ratio (gamma/nu) -- with one
row per variant (``variants/names``, the baseline first) and, for each turbulence regime, the
median over realisations with the Q1-Q3 range (datasets
``variants/table/<variant>/<regime>/<quantity>/<sea>/{q1,median,q3}``).  Dotted lines: the
seed's values (Menchiari et al. ICRC 2025, Sec. 5: nu <~ 0.15, <~ 0.15, ~0.6; gamma ~0.5, ~0.3,
~1.5 for Kolmogorov, Kraichnan, Bohm; their double ratio >~ 3.3, >~ 2, 2.5).  ``--text`` also
prints the table as text (the same as at the end of a run).
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

QUANTITIES = (("nu_ratio", r"$\phi_{\nu,\rm sc}/\phi_{\nu,\rm sea}$ at 10 TeV, $|b|<5^\circ$"),
              ("gamma_ratio", r"$\phi_{\gamma,\rm sc}/\phi_{\gamma,\rm sea}$ at 1 TeV, "
                              "LHAASO inner (masked)"),
              ("double_ratio", r"double ratio $\gamma/\nu$"))
REGIMES = ("kolmogorov", "kraichnan", "bohm")
COLOURS = {"kolmogorov": "#1b9e77", "kraichnan": "#d95f02", "bohm": "#7570b3"}
#: seed 000 Sec. 5 (upper limits "<~" drawn as the value)
SEED = {"nu_ratio": {"kolmogorov": 0.15, "kraichnan": 0.15, "bohm": 0.6},
        "gamma_ratio": {"kolmogorov": 0.5, "kraichnan": 0.3, "bohm": 1.5},
        "double_ratio": {"kolmogorov": 0.5 / 0.15, "kraichnan": 0.3 / 0.15, "bohm": 1.5 / 0.6}}


def read_table(path, sea="lower"):
    """(names, table) with table[(variant, regime, quantity)] = (q1, median, q3) and
    table[(variant, regime, 'n_resolved')] = mean resolved clusters per realisation."""
    data, _, _ = load_results(path)
    if "variants/names" not in data:
        raise SystemExit(f"{path}: no variant table (not a ymsc_diffuse results file?)")
    names = [n.decode() for n in data["variants/names"]]
    regimes = sorted({k.split("/")[3] for k in data if k.startswith("variants/table/")},
                     key=lambda g: REGIMES.index(g) if g in REGIMES else 9)
    table = {}
    for v in names:
        for g in regimes:
            base = f"variants/table/{v}/{g}"
            table[(v, g, "n_resolved")] = float(np.mean(data[f"{base}/n_resolved"]))
            for q in ("nu_ratio", "gamma_ratio", "gamma_ratio_plane", "double_ratio"):
                table[(v, g, q)] = tuple(float(data[f"{base}/{q}/{sea}/{s}"])
                                         for s in ("q1", "median", "q3"))
    return names, regimes, table


def format_table(names, regimes, table, sea="lower"):
    lines = [f"median [Q1-Q3] over realisations ({sea} CR sea)",
             f"{'variant':24s} {'regime':10s} {'resolved':>8s}  {'nu 10 TeV':22s} "
             f"{'gamma 1 TeV':22s} {'double':22s}"]
    for v in names:
        for g in regimes:
            cells = []
            for q in ("nu_ratio", "gamma_ratio", "double_ratio"):
                q1, q2, q3 = table[(v, g, q)]
                cells.append(f"{q2:6.3f} [{q1:.3f}-{q3:.3f}]")
            lines.append(f"{v:24s} {g:10s} {table[(v, g, 'n_resolved')]:8.1f}  "
                         + " ".join(f"{c:22s}" for c in cells))
    return "\n".join(lines)


def plot(names, regimes, table, out, sea="lower", dpi=120):
    n = len(names)
    fig, axes = plt.subplots(1, 3, figsize=(15, 1.2 + 0.42 * n), sharey=True)
    y = np.arange(n)[::-1].astype(float)
    off = {g: (i - (len(regimes) - 1) / 2) * 0.22 for i, g in enumerate(regimes)}
    for ax, (q, label) in zip(axes, QUANTITIES):
        for g in regimes:
            q1, q2, q3 = (np.array([table[(v, g, q)][k] for v in names]) for k in range(3))
            ok = q2 > 0
            ax.errorbar(q2[ok], y[ok] + off[g], xerr=[(q2 - q1)[ok], (q3 - q2)[ok]], fmt="o",
                        ms=4, lw=1.2, color=COLOURS.get(g, "k"), label=g)
            if g in SEED[q]:
                ax.axvline(SEED[q][g], color=COLOURS.get(g, "k"), ls=":", lw=1.2)
        ax.set_xscale("log")
        ax.set_xlabel(label)
        ax.grid(True, which="both", axis="x", alpha=0.3)
        ax.axhspan(y[0] - 0.5, y[0] + 0.5, color="0.93", zorder=0)  # the baseline row
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(names)
    axes[0].legend(loc="best", fontsize=8, title=f"median, Q1-Q3 ({sea} sea)",
                   title_fontsize=8)
    axes[2].text(0.99, 0.01, "dotted: seed 000 Sec. 5", transform=axes[2].transAxes,
                 ha="right", va="bottom", fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", help="results.h5 of a ymsc_diffuse run")
    ap.add_argument("-o", "--output", default=None,
                    help="PNG file (default: variants.png next to RESULTS.h5)")
    ap.add_argument("--sea", choices=("lower", "upper"), default="lower",
                    help="CR-sea model of the ratios (default lower)")
    ap.add_argument("--dpi", type=int, default=120)
    ap.add_argument("--text", action="store_true", help="also print the table as text")
    args = ap.parse_args(argv)
    names, regimes, table = read_table(args.results, args.sea)
    out = args.output or os.path.join(os.path.dirname(os.path.abspath(args.results)),
                                      "variants.png")
    plot(names, regimes, table, out, args.sea, args.dpi)
    if args.text:
        try:
            print(format_table(names, regimes, table, args.sea))
        except BrokenPipeError:  # piped into e.g. head
            pass
    return out


if __name__ == "__main__":
    main()
