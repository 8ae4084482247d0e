#!/usr/bin/env python
"""Figures 8-10 of seed 001 (the four source classes propagated to Earth) from a ``knee``
results file.

Usage:  python tools/plot_knee.py RESULTS.h5 [-o OUTDIR]

Writes into OUTDIR (default: the directory of RESULTS.h5):
  fig8_classes.png  R^2.6 J(R) of p, He, C and O: total (black), SNRs, O-type winds (red
                    dashed), WR winds (blue dashed), MSC winds; modulated with the fitted phi;
                    the fitted hardening rigidities of p (red dotted) and He (blue dotted);
  fig9_groups.png   He, C, O (top) and Mg, Si, S (bottom), same curves;
  fig10_typeia.png  Fe, Si, O and Mg without (dashed) and with (solid) the nearby Type Ia SNR
                    (dotted: the SNR alone);
  knee_claims.txt   the seed's statements as numbers.
Data: AMS-02 (Phys. Rep. 894; PRL 124, 211102; PRL 126, 041104; PRL 130, 211002), DAMPE
(Nature 653, 52), CALET, NUCLEON (Adv. Space Res. 64, 2546) and LHAASO (arXiv:2505.14447,
2511.05013), converted to rigidity with the element's dominant isotope (display convention).
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
from hpcsim.observations import DOMINANT_A, cr_measurement, cr_to_rigidity  # noqa: E402
from hpcsim.propagation.source_classes import CLASSES, LABELS  # noqa: E402

K = "knee/"
NAME = {1: "H", 2: "He", 6: "C", 7: "N", 8: "O", 10: "Ne", 12: "Mg", 14: "Si", 16: "S",
        26: "Fe"}
STYLE = {"snr": ("g", "-."), "o_type": ("r", "--"), "wr": ("b", "--"), "msc": ("m", ":")}
EXP_STYLE = {"AMS-02": ("o", "c"), "DAMPE": ("s", "gold"), "CALET": ("^", "orange"),
             "NUCLEON": ("D", "purple"), "LHAASO": ("*", "red")}
POWER = 2.6


def _data(ax, Z):
    for exp, (mk, col) in EXP_STYLE.items():
        try:
            m = cr_measurement(exp, NAME[Z] if Z > 1 else "H")
        except KeyError:
            continue
        R, J, e = cr_to_rigidity(m, Z, DOMINANT_A[Z])
        ax.errorbar(R, R ** POWER * J, yerr=R ** POWER * e, fmt=mk, ms=3, color=col, lw=0.7,
                    label=exp)


def _panel(ax, d, Z, classes=True, typeia=False):
    R = d[K + "rigidity"]
    zs = list(d[K + "elements"])
    i = zs.index(Z)
    tot = d[K + "total/flux_mod"][i]
    if typeia:
        ia = d[K + "typeia/flux"][i]
        ax.plot(R, R ** POWER * tot, "k--", lw=1.2, label="without Type Ia")
        ax.plot(R, R ** POWER * ia, "k:", lw=1.0, label="Type Ia SNR")
        ax.plot(R, R ** POWER * (tot + ia), "k-", lw=1.4, label="with Type Ia")
    else:
        ax.plot(R, R ** POWER * tot, "k-", lw=1.5, label="total")
    if classes:
        for c in CLASSES:
            col, ls = STYLE[c]
            f = d[K + f"classes/{c}/flux_mod"][i]
            ax.plot(R, R ** POWER * np.where(f > 0, f, np.nan), ls, color=col, lw=1.0,
                    label=LABELS[c])
    _data(ax, Z)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(10.0, 3e7)
    good = tot[(R > 10) & (R < 3e7)] * R[(R > 10) & (R < 3e7)] ** POWER
    ax.set_ylim(good.max() * 3e-3, good.max() * 5)
    ax.set_xlabel("R [GV]")
    ax.set_ylabel(f"R^{POWER} J [GV^{POWER - 1:.1f} m^-2 s^-1 sr^-1]")
    ax.set_title(NAME[Z], fontsize=10)


def fig8(d, path):
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    for ax, Z in zip(axes.ravel(), (1, 2, 6, 8)):
        _panel(ax, d, Z)
        for z, col in ((1, "r"), (2, "b")):
            for r in d[K + f"claims/hardening_{'p' if z == 1 else 'He'}"]:
                if np.isfinite(r):
                    ax.axvline(r, color=col, ls=":", lw=0.8)
    axes[0, 0].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fig9(d, path):
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    for ax, Z in zip(axes.ravel(), (2, 6, 8, 12, 14, 16)):
        _panel(ax, d, Z)
    axes[0, 0].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fig10(d, path):
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    for ax, Z in zip(axes.ravel(), (26, 14, 8, 12)):
        _panel(ax, d, Z, classes=False, typeia=True)
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def claims_text(d):
    bands = ["1e1-1e2", "1e2-1e3", "1e3-1e4", "1e4-1e5", "1e5-1e6", "1e6-1e7"]
    dom = d[K + "claims/dominant_class"]
    lines = ["dominant class per rigidity band [GV] (LIS):"]
    for a, name in enumerate(("p", "He")):
        lines.append(f"  {name}: " + ", ".join(f"{b}: {CLASSES[c]}" for b, c in zip(bands,
                                                                                   dom[a])))
    for z in ("p", "He", "C", "O"):
        h = d[K + f"claims/hardening_{z}"]
        lines.append(f"hardening of {z}: {h[0]:.3g} GV (50 GV-20 TV), {h[1]:.3g} GV "
                     "(20 TV-3 PV)")
    lk = d[K + "claims/lhaaso_knee_proton"]
    lines.append(f"knee of p: {float(d[K + 'claims/knee_rigidity']):.3g} GV (LHAASO protons: "
                 f"{lk[0]:.3g} +- {lk[1]:.2g} GV)")
    lines.append(f"p/He at the knee: {float(d[K + 'claims/h_he_at_knee']):.2f}; MSC injection "
                 f"(Table 3): {float(d[K + 'claims/msc_injected_h_he']):.2f}")
    zs = list(d[K + "elements"])
    ch, chi = d[K + "claims/slope_change_1TV"], d[K + "claims/slope_change_1TV_with_typeia"]
    lines.append("index change 0.1-1 TV -> 1-10 TV (positive = hardening), without / with Type Ia:")
    for k, z in enumerate(zs):
        lines.append(f"  {NAME[z]:3s} {ch[k]:+.3f} / {chi[k]:+.3f}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("-o", "--outdir")
    args = ap.parse_args(argv)
    d, _, attrs = load_results(args.results)
    if attrs.get("scenario") != "knee":
        sys.stderr.write(f"{args.results}: not a knee results file\n")
        return 2
    out = args.outdir or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(out, exist_ok=True)
    fig8(d, os.path.join(out, "fig8_classes.png"))
    fig9(d, os.path.join(out, "fig9_groups.png"))
    fig10(d, os.path.join(out, "fig10_typeia.png"))
    with open(os.path.join(out, "knee_claims.txt"), "w") as fh:
        fh.write(claims_text(d))
    print(f"wrote fig8_classes.png, fig9_groups.png, fig10_typeia.png, knee_claims.txt in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
