#!/usr/bin/env python
"""Figures 2-7 and Tables 1, 3 of seed 001 (time-dependent CR injection by stellar and collective
winds) from the ``injection/`` part of an hpcsim ``stellar_injection`` results file.

Usage:  python tools/plot_injection.py RESULTS.h5 [-o OUTDIR] [--m-up M] [--no-task-files]

Writes into OUTDIR (default: the directory of RESULTS.h5):
  fig2_winds.png    wind speed (dashed, right axis) and H/He/C mass-loss rates (solid, left axis) of the
                    40, 80, 120 Msun stars (a-c) and of the collective wind of the cluster (d);
  fig3_shock.png    termination-shock radius R_s and bubble radius R_b (solid, left), bubble pressure p
                    (dashed, right), same panels;
  fig4_rmax_nz.png  R_max (Bohm, eta_B = injection.eta_B_spectra; solid, left) and injection rates N_Z of
                    H, He, C, O (dashed, right), same panels;
  fig5_spectra.png  time-integrated injection spectra of a cluster (R^2 dN/dR), top: single-star winds
                    (dotted O-type phase, dashed WR phase, solid total), bottom: collective wind (solid
                    total, dash-dot first ``msc_window`` Myr); columns: turbulence models;
  fig6_reff.png     R_max^eff of H (red) and He (blue) vs eta_B (Bohm), solid M_up = 150 (the largest),
                    dashed M_up = 100 (the value nearest to it); (a) single-star winds (O-type + WR),
                    (b) collective wind; LHAASO knee rigidities (proton, helium; 1 sigma) shaded;
  fig7_h_he.png     seed Fig. 7: injected H/He at equal rigidity vs the upper stellar mass M_up
                    (Bohm, eta_B = injection.eta_B_spectra) for every source, the collective wind over
                    its whole life (solid) and over the first msc_window Myr (dashed) apart; LHAASO
                    H/He at 3 PV shaded;
  table1.txt        pass/fail of the three PeVatron tests (seed Table 1) with the seed's verdicts and
                    the numbers behind them (R_eff(He)/R_eff(H), eta_B needed, H/He);
  table3.txt        number fractions of the injected nuclei (seed Table 3) with the seed's values;
  statements.txt    the seed's Sec. II-III statements (R_max jumps, WR onset, energies) as our numbers.

With --convergence RUN1.h5 RUN2.h5 ... it writes only table1_convergence.txt: the Table 1 numbers and
verdicts and the Table 3 H, He, C, O fractions of each run side by side (runs that differ in
injection.n_masses: the mass-grid convergence of the README).

Phase bands.  Single stars: from ``history/star_<M>/phase`` (red O-type, green RSG/transitional, blue
WN, orange WC; white after the end of the track).  Cluster: from the numbers of stars per phase stored
with its history (``history/cluster/n_phase_{WN,WC}``; older files: the run's ``tasks/``): blue where
WR stars (WN or WC) are present, orange inside it where WC stars are present.  Otherwise (or with
--no-task-files on an old file) the WR interval is *inferred* from the wind composition: the He/H
mass-loss ratio exceeds twice its value at the first time step (the O-star value); no WC band is drawn
then.  The caption text written under each figure says which was used.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import tomllib

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from hpcsim.constants import MSUN_PER_YR, MYR  # noqa: E402
from hpcsim.io.results import load_results  # noqa: E402

P = "injection/"
DEFAULT_TURB = ["bohm", "kraichnan", "kolmogorov"]
TURB_LABEL = {"bohm": "Bohm", "kraichnan": "Kraichnan", "kolmogorov": "Kolmogorov"}
PHASE_COLOUR = {1: "#e41a1c", 2: "#4daf4a", 3: "#377eb8", 4: "#ff7f00"}
PHASE_NAME = {1: "O-type", 2: "RSG/transitional", 3: "WN", 4: "WC"}
BAND_ALPHA = 0.16
SPECIES_COLOUR = {"H": "#c0392b", "He": "#1f4e9c", "C": "#1b7a3a", "O": "#7d3c98",
                  "N": "#8c564b", "Fe": "0.3"}
SOURCE_STYLE = {"o_wr": dict(color="#7f7f7f", label="O-type + WR stars"),
                "o_type": dict(color="#e41a1c", label="O-type stars"),
                "wr": dict(color="#ff7f00", label="WR stars"),
                "msc": dict(color="#1f4e9c", label="MSC collective wind"),
                "msc_window": dict(color="#17becf", ls="--", label="MSC collective wind, t < {w:g} Myr")}
STARS = ("star_40", "star_80", "star_120")
PANEL_TITLE = {"star_40": r"40 $M_\odot$", "star_80": r"80 $M_\odot$", "star_120": r"120 $M_\odot$",
               "cluster": "collective wind"}

# Seed 001 Table 1 (verdicts) and Table 3 (number fractions), transcribed for comparison.
SEED_TABLE1 = {"msc_window": ("pass", "pass", "pass"), "msc": ("pass", "pass", "pass"),
               "o_wr": ("fail", "-", "-"),
               "o_type": ("pass", "fail", "pass"), "wr": ("pass", "pass", "fail")}
SEED_TABLE3 = {  # element: (SNRs, O-type stars, WR stars, MSCs)
    "H": (8.00e-1, 8.73e-1, 4.73e-2, 7.99e-1), "He": (1.78e-1, 1.26e-1, 8.66e-1, 1.94e-1),
    "C": (6.69e-3, 1.91e-4, 4.89e-2, 4.80e-3), "O": (8.48e-3, 3.85e-4, 3.48e-2, 1.71e-3),
    "Mg": (1.97e-3, 3.43e-5, 1.14e-4, 4.11e-5), "Si": (1.69e-3, 3.26e-5, 1.06e-4, 3.89e-5),
    "S": (3.30e-4, 1.37e-5, 4.00e-5, 1.61e-5), "Fe": (1.74e-3, 3.95e-5, 1.34e-4, 4.74e-5)}


# ---------------------------------------------------------------------------------------------
class Injection:
    """Thin accessor around the ``injection/`` datasets of a results file."""

    def __init__(self, path):
        self.path = path
        self.data, self.units, self.attrs = load_results(path)
        if P + "rigidity" not in self.data:
            raise SystemExit(f"{path}: no injection/ datasets (not a stellar_injection run?)")
        cfg = {}
        txt = self.attrs.get("config_toml")
        if txt is not None:
            if isinstance(txt, bytes):
                txt = txt.decode()
            cfg = tomllib.loads(str(txt)).get("injection", {})
        self.cfg = cfg
        self.turb = list(cfg.get("turbulence", DEFAULT_TURB))
        self.elements = [e.decode() if isinstance(e, bytes) else str(e) for e in self.data[P + "elements"]]
        self.eta = np.asarray(self.data[P + "eta_B"], float)
        self.m_up = np.asarray(self.data[P + "m_up"], float)
        self.R = np.asarray(self.data[P + "rigidity"], float)
        self.eta_spec = float(cfg.get("eta_B_spectra", 0.01))
        self.window = float(cfg.get("msc_window", 5.0))
        self.cluster_mass = float(cfg.get("cluster_mass", 3.0e4))
        self.gamma = float(cfg.get("gamma_inj", -2.0))
        self.eta_acc = float(cfg.get("eta_acc", 0.1))
        # eta_B actually used for histories/spectra: the grid value nearest eta_B_spectra
        self.eta_hist = float(self.eta[np.argmin(np.abs(np.log(self.eta / self.eta_spec)))])

    def get(self, name, default=None):
        v = self.data.get(P + name)
        return default if v is None else np.asarray(v)

    def has(self, name):
        return P + name in self.data

    def el(self, sym):
        return self.elements.index(sym)

    def iturb(self, name):
        return self.turb.index(name) if name in self.turb else 0

    def hist(self, who, key):
        return self.get(f"history/{who}/{key}")


def intervals(t, mask):
    """[(t_start, t_end)] of the runs of True in ``mask``; a sample's cell extends half-way to its
    neighbours (so bands touch and cover the first/last sample)."""
    t = np.asarray(t, float)
    if t.size == 0:
        return []
    edges = np.concatenate([[t[0]], 0.5 * (t[1:] + t[:-1]), [t[-1]]])
    out, i, n = [], 0, t.size
    while i < n:
        if mask[i]:
            j = i
            while j + 1 < n and mask[j + 1]:
                j += 1
            out.append((edges[i], edges[j + 1]))
            i = j + 1
        else:
            i += 1
    return out


def star_bands(inj, who):
    """{phase code: [(t0, t1), ...]} of a single star."""
    t, ph = inj.hist(who, "t"), inj.hist(who, "phase")
    if t is None or ph is None:
        return {}
    return {k: intervals(t, ph == k) for k in PHASE_COLOUR}


def cluster_phase_mdot(inj, results_path):
    """Per-phase mass-loss rates of the cluster task from the run directory's tasks/ (or None)."""
    tdir = os.path.join(os.path.dirname(os.path.abspath(results_path)), "tasks")
    chash = inj.attrs.get("config_hash")
    if isinstance(chash, bytes):
        chash = chash.decode()
    t_ref = inj.hist("cluster", "t")
    if not os.path.isdir(tdir) or t_ref is None:
        return None
    import h5py
    best = None
    for f in sorted(glob.glob(os.path.join(tdir, "task_*.h5"))):
        try:
            with h5py.File(f, "r") as h:
                h_hash = h.attrs.get("config_hash")
                if isinstance(h_hash, bytes):
                    h_hash = h_hash.decode()
                if chash is not None and h_hash != chash:
                    continue
                if "m_up" not in h or "mdot_phase_WN" not in h:
                    continue
                t = h["t"][()] / MYR
                if t.shape != t_ref.shape or not np.allclose(t, t_ref, rtol=1e-9):
                    continue
                d = {k: h[f"mdot_phase_{k}"][()] for k in ("O", "RSG", "WN", "WC")}
                m_up = float(h["m_up"][()])
        except (OSError, KeyError):
            continue
        if best is None or m_up > best[0]:
            best = (m_up, d)
    return None if best is None else best[1]


def cluster_bands(inj, results_path, use_tasks=True):
    """(bands, how): WR-present interval(s) of the collective wind (see module docstring)."""
    t = inj.hist("cluster", "t")
    if t is None:
        return {}, "none"
    nwn, nwc = inj.hist("cluster", "n_phase_WN"), inj.hist("cluster", "n_phase_WC")
    if nwn is not None and nwc is not None:
        return {3: intervals(t, (nwn + nwc) > 0), 4: intervals(t, nwc > 0)}, "history"
    d = cluster_phase_mdot(inj, results_path) if use_tasks else None
    if d is not None:
        wr = (d["WN"] + d["WC"]) > 0
        wc = d["WC"] > 0
        return {3: intervals(t, wr), 4: intervals(t, wc)}, "tasks"
    m = inj.hist("cluster", "mdot_el")
    h, he = m[:, inj.el("H")], m[:, inj.el("He")]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(h > 0, he / h, np.nan)
    ok = np.isfinite(ratio)
    if not ok.any():
        return {}, "none"
    base = ratio[np.flatnonzero(ok)[0]]
    return {3: intervals(t, ok & (ratio > 2.0 * base))}, "inferred"


def shade(ax, bands):
    # WC drawn after WN so that it lies on top
    for k in (1, 2, 3, 4):
        for a, b in bands.get(k, []):
            ax.axvspan(a, b, color=PHASE_COLOUR[k], alpha=BAND_ALPHA if k != 4 else 0.25, lw=0, zorder=0)


def phase_legend_handles(cluster_how=None):
    hs = [Patch(color=PHASE_COLOUR[k], alpha=0.35, label=PHASE_NAME[k]) for k in (1, 2, 3, 4)]
    return hs


def zoom_window(inj, who):
    """(t0, t1) of the late-phase zoom of a single star, or None if the non-O phases already fill
    more than 20 % of its life."""
    t, ph = inj.hist(who, "t"), inj.hist(who, "phase")
    if t is None or ph is None:
        return None
    life = float(t[-1])
    late = np.flatnonzero((ph != 1) & (ph != 0))
    if late.size == 0:
        return None
    t_late = float(t[late[0]])
    if (life - t_late) / life > 0.2:
        return None
    span = life - t_late
    return (max(0.0, t_late - 0.6 * span), life + 0.15 * span)


def time_figure(inj, bands, draw, path, handles, caption, ncol):
    """Four panels: (a)-(c) 40/80/120 Msun stars on a common linear time axis, each with a zoom on
    its late (post-main-sequence) phases when these are short; (d) the cluster on a log time axis.
    ``draw(ax, who)`` draws one panel and returns its right-hand twin axis."""
    fig = plt.figure(figsize=(13.5, 9.2))
    gs = fig.add_gridspec(2, 2, hspace=0.30, wspace=0.32, left=0.065, right=0.935, top=0.91,
                          bottom=0.10)
    tmax = max(float(np.nanmax(inj.hist(w, "t"))) for w in STARS if inj.hist(w, "t") is not None)
    t_lim = (0.0, np.ceil(tmax * 1.05 * 2) / 2)
    for i, who in enumerate((*STARS, "cluster")):
        t = inj.hist(who, "t")
        zw = zoom_window(inj, who) if who != "cluster" else None
        if zw is not None:
            sub = gs[i].subgridspec(1, 2, width_ratios=[2.2, 1.0], wspace=0.05)
            ax, axz = fig.add_subplot(sub[0]), fig.add_subplot(sub[1])
        else:
            ax, axz = fig.add_subplot(gs[i]), None
        if t is None:
            ax.set_visible(False)
            continue
        shade(ax, bands[who])
        ax2 = draw(ax, who)
        panel_label(ax, i, who)
        if who == "cluster":
            ax.set_xscale("log")
            ax.set_xlim(max(0.1, float(t[0])), float(t[-1]))
        else:
            ax.set_xlim(*t_lim)
        ax.set_xlabel("time since formation [Myr]")
        if axz is None:
            continue
        shade(axz, bands[who])
        axz2 = draw(axz, who)
        axz.set_xlim(*zw)
        axz.set_ylim(ax.get_ylim())
        axz2.set_ylim(ax2.get_ylim())
        axz.set_ylabel("")
        axz.tick_params(labelleft=False)
        ax2.set_ylabel("")
        ax2.tick_params(labelright=False)
        axz.set_title("zoom: late phases", fontsize=9, loc="left")
        axz.set_xlabel("[Myr]")
        axz.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
        ax.axvspan(*zw, facecolor="none", edgecolor="0.25", ls=":", lw=1.0, zorder=3)
    fig.legend(handles=handles, loc="upper center", ncol=ncol, frameon=False, fontsize=9.5)
    finish(fig, path, caption)


def panel_label(ax, i, who, extra=""):
    ax.set_title(f"({'abcd'[i]}) {PANEL_TITLE[who]}{extra}", loc="left", fontsize=11)


def _positive(y):
    y = np.asarray(y, float).copy()
    y[~(y > 0)] = np.nan
    return y


def _log_ylim(ax, arrays, decades=None):
    vals = np.concatenate([np.ravel(a)[np.isfinite(np.ravel(a)) & (np.ravel(a) > 0)] for a in arrays])
    if vals.size == 0:
        return
    hi = vals.max() * 3.0
    lo = vals.min() / 2.0
    if decades is not None:
        lo = max(lo, hi / 10 ** decades)
    ax.set_ylim(lo, hi)


def band_note(how):
    return {"history": "cluster bands: blue = WR stars (X_H < 0.1) present, orange = WC stars present",
            "tasks": "cluster bands: blue = WR stars present, orange = WC stars present "
                     "(from the run's per-phase mass-loss rates)",
            "inferred": "cluster band (blue): WR phase inferred from the wind He/H mass ratio "
                        "> 2x its initial value; no WC band",
            "none": "no phase bands for the cluster"}[how]


def finish(fig, path, caption):
    fig.text(0.01, 0.005, caption, fontsize=8, ha="left", va="bottom", wrap=True, color="0.25")
    fig.savefig(path, dpi=130)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
def fig2(inj, out, bands, how):
    species = ("H", "He", "C")

    def draw(ax, who):
        t = inj.hist(who, "t")
        m = inj.hist(who, "mdot_el") / MSUN_PER_YR
        ys = []
        for s in species:
            y = _positive(m[:, inj.el(s)])
            ys.append(y)
            ax.plot(t, y, color=SPECIES_COLOUR[s], lw=1.6)
        ax.set_yscale("log")
        _log_ylim(ax, ys, decades=7)
        unit = "cluster" if who == "cluster" else "star"
        ax.set_ylabel(rf"mass-loss rate per {unit} [$M_\odot$ yr$^{{-1}}$]")
        ax2 = ax.twinx()
        v = _positive(inj.hist(who, "V") / 1e5)
        ax2.plot(t, v, color="k", ls="--", lw=1.3)
        ax2.set_yscale("log")
        _log_ylim(ax2, [v], decades=3)
        ax2.set_ylabel(r"wind speed [km s$^{-1}$]")
        return ax2

    handles = [Line2D([], [], color=SPECIES_COLOUR[s], lw=1.6, label=rf"$\dot M_{{\rm {s}}}$ (left axis)")
               for s in species]
    handles.append(Line2D([], [], color="k", ls="--", label="wind speed (right axis)"))
    handles += phase_legend_handles()
    time_figure(inj, bands, draw, os.path.join(out, "fig2_winds.png"), handles,
                "Solid: mass-loss rates of H, He, C (left axis); dashed: terminal wind speed v_inf "
                "(stars) or momentum-weighted collective wind speed V (cluster, seed Eq. 2) (right axis). "
                f"Cluster: {inj.cluster_mass:.0e} Msun, M_up = {inj.m_up.max():g} Msun. "
                + band_note(how) + ".", ncol=8)


def fig3(inj, out, bands, how):
    def draw(ax, who):
        t = inj.hist(who, "t")
        rs, rb = _positive(inj.hist(who, "R_s")), _positive(inj.hist(who, "R_b"))
        ax.plot(t, rs, color="#1f4e9c", lw=1.7)
        ax.plot(t, rb, color="#c0392b", lw=1.7)
        ax.set_yscale("log")
        _log_ylim(ax, [rs, rb], decades=4)
        ax.set_ylabel("radius [pc]")
        ax2 = ax.twinx()
        p = _positive(inj.hist(who, "p"))
        ax2.plot(t, p, color="k", ls="--", lw=1.3)
        ax2.set_yscale("log")
        _log_ylim(ax2, [p], decades=5)
        ax2.set_ylabel(r"bubble pressure $p$ [dyn cm$^{-2}$]")
        return ax2

    handles = [Line2D([], [], color="#1f4e9c", lw=1.7, label=r"$R_s$ termination shock (left)"),
               Line2D([], [], color="#c0392b", lw=1.7, label=r"$R_b$ bubble (left)"),
               Line2D([], [], color="k", ls="--", label=r"$p$ (right axis)")]
    handles += phase_legend_handles()
    time_figure(inj, bands, draw, os.path.join(out, "fig3_shock.png"), handles,
                "Solid: R_s and R_b (left axis); dashed: pressure p inside the wind bubble (right axis). "
                + band_note(how) + ".", ncol=7)


def fig4(inj, out, bands, how):
    a = inj.iturb("bohm")
    species = [s for s in ("H", "He", "C", "O") if s in inj.elements]

    def draw(ax, who):
        t = inj.hist(who, "t")
        r = _positive(inj.hist(who, "r_max")[a])
        ax.plot(t, r, color="k", lw=1.8, zorder=4)
        ax.set_yscale("log")
        _log_ylim(ax, [r], decades=4)
        ax.set_ylabel(r"$R_{\rm max}$ (Bohm) [GV]")
        ax2 = ax.twinx()
        nz = inj.hist(who, "N_z")[a]
        ys = []
        for s in species:
            y = _positive(nz[:, inj.el(s)])
            ys.append(y)
            ax2.plot(t, y, color=SPECIES_COLOUR[s], ls="--", lw=1.4)
        ax2.set_yscale("log")
        _log_ylim(ax2, ys, decades=8)
        unit = "cluster" if who == "cluster" else "star"
        ax2.set_ylabel(rf"$N_Z$ per {unit} [s$^{{-1}}$]")
        return ax2

    handles = [Line2D([], [], color="k", lw=1.8, label=r"$R_{\rm max}$ (left axis)")]
    handles += [Line2D([], [], color=SPECIES_COLOUR[s], ls="--", lw=1.4, label=rf"$N_Z$ {s} (right)")
                for s in species]
    handles += phase_legend_handles()
    time_figure(inj, bands, draw, os.path.join(out, "fig4_rmax_nz.png"), handles,
                f"Bohm turbulence, eta_B = {inj.eta_hist:g}, gamma = {inj.gamma:g}, eta_acc = {inj.eta_acc:g}. "
                "Solid: R_max (left axis); dashed: injection rates N_Z of nuclei with R > 1 GV (right axis). "
                + band_note(how) + ".", ncol=9)


def fig5(inj, out, m_up=None, species=("H", "He", "C", "O")):
    m_up = float(inj.m_up.max()) if m_up is None else m_up
    species = [s for s in species if s in inj.elements]
    R = inj.R
    w = R ** 2
    fig, axes = plt.subplots(2, len(inj.turb), figsize=(4.3 * len(inj.turb) + 0.8, 8.4),
                             sharex=True, sharey="row", squeeze=False)
    rows = ((("o_type", ":"), ("wr", "--"), ("o_wr", "-")), (("msc_window", "-."), ("msc", "-")))
    for r, comps in enumerate(rows):
        top = []
        for c, turb in enumerate(inj.turb):
            ax = axes[r, c]
            for src, ls in comps:
                S = inj.get(f"spectra/m_up_{m_up:g}/{turb}/{src}")
                if S is None:
                    continue
                for s in species:
                    y = _positive(w * S[inj.el(s)])
                    lw = 1.8 if ls == "-" else 1.3
                    ax.plot(R, y, color=SPECIES_COLOUR[s], ls=ls, lw=lw)
                    yy = y[R >= 10.0]  # ignore the pile-up just above 1 GV (R_max ~ GV epochs)
                    top.append(np.nanmax(yy) if np.isfinite(yy).any() else np.nan)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.grid(alpha=0.25, which="major")
            who = "single-star winds" if r == 0 else "collective wind"
            ax.set_title(f"({'abcdef'[r * len(inj.turb) + c]}) {who}, {TURB_LABEL.get(turb, turb)}",
                         loc="left", fontsize=10.5)
            if r == 1:
                ax.set_xlabel("rigidity $R$ [GV]")
            if c == 0:
                ax.set_ylabel(r"$R^2\,dN/dR$ per cluster [GV]")
        if top:
            hi = np.nanmax(top)
            axes[r, 0].set_ylim(hi * 1e-6, hi * 4)
    axes[0, 0].set_xlim(R[0], R[-1])
    h_sp = [Line2D([], [], color=SPECIES_COLOUR[s], lw=1.8, label=s) for s in species]
    h_ls = [Line2D([], [], color="k", ls=":", lw=1.3, label="O-type phase (top)"),
            Line2D([], [], color="k", ls="--", lw=1.3, label="WR phase (top)"),
            Line2D([], [], color="k", ls="-", lw=1.8, label="total"),
            Line2D([], [], color="k", ls="-.", lw=1.3, label=f"collective, first {inj.window:g} Myr (bottom)")]
    fig.legend(handles=h_sp + h_ls, loc="upper center", ncol=8, frameon=False, fontsize=9.5)
    fig.tight_layout(rect=(0, 0.03, 1, 0.96))
    finish(fig, os.path.join(out, "fig5_spectra.png"),
           f"Time-integrated injection spectra (nuclei per GV, times R^2) of a {inj.cluster_mass:.0e} Msun "
           f"cluster, M_up = {m_up:g} Msun, eta_B = {inj.eta_hist:g}, gamma = {inj.gamma:g}, "
           f"eta_acc = {inj.eta_acc:g}. WR phase: X_H < 0.1.")


def _knee_bands(ax, inj):
    kp, kh = inj.get("lhaaso/knee_proton"), inj.get("lhaaso/knee_helium")
    hs = []
    if kp is not None:
        ax.axhspan(kp[0] - kp[1], kp[0] + kp[1], color="#c0392b", alpha=0.15, lw=0)
        ax.axhline(kp[0], color="#c0392b", lw=0.6, alpha=0.6)
        hs.append(Patch(color="#c0392b", alpha=0.25, label=f"LHAASO proton knee {kp[0] / 1e6:.2f}"
                        rf"$\pm${kp[1] / 1e6:.2f} PV"))
    if kh is not None:
        ax.axhspan(kh[0] - kh[1], kh[0] + kh[1], facecolor="none", edgecolor="#1f4e9c", hatch="///",
                   alpha=0.5, lw=0)
        ax.axhline(kh[0], color="#1f4e9c", lw=0.6, alpha=0.6)
        hs.append(Patch(facecolor="none", edgecolor="#1f4e9c", hatch="///",
                        label=f"LHAASO helium knee {kh[0] / 1e6:.2f}" rf"$\pm${kh[1] / 1e6:.2f} PV"))
    return hs


def _fig6_m_ups(inj):
    """Indices of the M_up curves of Fig. 6: the largest (solid) and the one nearest 100 Msun
    (dashed), as in the seed (150 and 100 Msun)."""
    u0 = int(np.argmax(inj.m_up))
    rest = [u for u in range(inj.m_up.size) if u != u0]
    if not rest:
        return [u0]
    return [u0, min(rest, key=lambda u: abs(np.log(inj.m_up[u] / 100.0)))]


def fig6(inj, out):
    a = inj.iturb("bohm")
    order = _fig6_m_ups(inj)
    fig, axes = plt.subplots(1, 2, figsize=(12.0, 5.4), sharey=True)
    for ax, src, title in zip(axes, ("o_wr", "msc"), ("(a) single-star winds (O-type + WR)",
                                                       "(b) collective wind of the cluster")):
        hs = _knee_bands(ax, inj)
        d = inj.get(f"r_max_eff/{src}")
        if d is None and src == "msc":
            d = inj.get("r_max_eff/msc_window")
        for j, u in enumerate(order):
            ls = "-" if j == 0 else "--"
            if d is None:
                continue
            for k, (sym, col) in enumerate((("H", "#c0392b"), ("He", "#1f4e9c"))):
                ax.plot(inj.eta, d[u, a, :, k], color=col, ls=ls, marker="o", ms=3.5, lw=1.6)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"magnetic-field efficiency $\eta_B$")
        ax.set_title(title, loc="left", fontsize=11)
        ax.grid(alpha=0.25, which="major")
    axes[0].set_ylabel(r"$R_{\rm max}^{\rm eff}$ (Bohm) [GV]")
    lines = [Line2D([], [], color="#c0392b", lw=1.6, label="H"),
             Line2D([], [], color="#1f4e9c", lw=1.6, label="He")]
    for j, u in enumerate(order):
        lines.append(Line2D([], [], color="k", ls=("-", "--")[j],
                            label=rf"$M_{{\rm up}}={inj.m_up[u]:g}\,M_\odot$"))
    axes[0].legend(handles=lines + hs, fontsize=9, loc="upper left")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    finish(fig, os.path.join(out, "fig6_reff.png"),
           "Effective maximum rigidity (local slope of the time-integrated spectrum = gamma - 1, "
           "seed Eq. 13) of H (red) and He (blue); missing points: slope never reached on the grid.")


def fig7(inj, out):
    """Seed Fig. 7: injected H/He (equal rigidity, below the cutoffs) vs M_up."""
    a = inj.iturb("bohm")
    b = int(np.argmin(np.abs(np.log(inj.eta / inj.eta_spec))))
    fig, ax = plt.subplots(figsize=(7.6, 5.4))
    obs = inj.get("lhaaso/h_he_3PV")
    handles = []
    if obs is not None:
        ax.axhspan(obs[0] - obs[1], obs[0] + obs[1], color="0.6", alpha=0.35, lw=0)
        ax.axhline(obs[0], color="0.35", lw=0.8)
        handles.append(Patch(color="0.6", alpha=0.5,
                             label=rf"LHAASO at 3 PV: {obs[0]:.2f} $\pm$ {obs[1]:.2f}"))
    key = "h_he_injected" if inj.has("h_he_injected/msc") else "h_he_3PV"
    for src in ("o_wr", "o_type", "wr", "msc", "msc_window"):
        d = inj.get(f"{key}/{src}")
        if d is None:
            continue
        st = dict(SOURCE_STYLE[src])
        lab = st.pop("label").format(w=inj.window)
        ls = st.pop("ls", "-")
        (ln,) = ax.plot(inj.m_up, d[:, a, b], ls=ls, marker="o", ms=4, lw=1.8, label=lab, **st)
        handles.append(ln)
    ax.set_yscale("log")
    ax.set_xlabel(r"upper stellar mass $M_{\rm up}$ [$M_\odot$]")
    ax.set_ylabel("injected H/He at equal rigidity")
    ax.set_title(rf"Bohm, $\eta_B$ = {inj.eta[b]:g}", loc="left", fontsize=11)
    ax.grid(alpha=0.25, which="both")
    ax.legend(handles=handles, fontsize=9, loc="best")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    what = ("ratio of the time-integrated H and He injection spectra at equal rigidity below the "
            "cutoffs (seed Table 3 normalisation)" if key == "h_he_injected" else
            "ratio of the time-integrated H and He spectra at 3 PV")
    finish(fig, os.path.join(out, "fig7_h_he.png"), "H/He: " + what + ".")


# ---------------------------------------------------------------------------------------------
def _verdict(code):
    return {1: "pass", 0: "fail", -1: "-"}.get(int(code), "?")


def _t1_index(inj):
    """Index of the M_up of seed Table 1 in the file's m_up axis."""
    m = inj.get("table1/m_up")
    m = float(inj.m_up.max()) if m is None else float(m)
    return int(np.argmin(np.abs(inj.m_up - m)))


def table1(inj, out):
    rows = [("msc_window", f"MSCs (first {inj.window:g} Myr)"), ("msc", "MSCs (whole life)"),
            ("o_wr", "O-type + WR stars"), ("o_type", "O-type stars"), ("wr", "WR stars")]
    u = _t1_index(inj)
    kr = inj.get("table1/lhaaso_knee_ratio")
    obs = inj.get("lhaaso/h_he_3PV")
    lines = ["Table 1 (seed 001): tests of sources as the primary PeVatron",
             f"Bohm turbulence, M_up = {inj.m_up[u]:g} Msun.  Model verdict / seed verdict.",
             "break: R_eff(He)/R_eff(H) at the eta_B where their geometric mean reaches the LHAASO "
             "knee, vs the LHAASO" + (f" He/H knee ratio {kr[0]:.2f} +- {kr[1]:.2f}" if kr is not None
                                      else " knee ratio") + ";",
             "eta_B: that eta_B (eta req; '*' = extrapolated beyond the scan) <= injection.eta_B_max;",
             "H/He: injected H/He at equal rigidity vs LHAASO at 3 PV"
             + (f" {obs[0]:.2f} +- {obs[1]:.2f}." if obs is not None else "."), ""]
    hdr = (f"{'Source type':26s} {'Break of knee':>14s} {'eta_B limit':>12s} {'H/He':>12s} "
           f"{'He/H R_eff':>11s} {'eta req':>9s} {'H/He':>7s}")
    lines += [hdr, "-" * len(hdr)]
    for key, label in rows:
        code = inj.get(f"table1/{key}/verdicts")
        if code is None:
            continue
        code = code[u]
        seed = SEED_TABLE1[key]
        cells = [f"{_verdict(c)} / {sd}" for c, sd in zip(code, seed)]
        er = float(inj.get(f"table1/{key}/eta_required")[u])
        ex = "*" if float(inj.get(f"table1/{key}/extrapolated")[u]) > 0 else " "
        ratio = float(inj.get(f"table1/{key}/reff_ratio")[u])
        hh = float(inj.get(f"table1/{key}/h_he")[u])
        lines.append(f"{label:26s} {cells[0]:>14s} {cells[1]:>12s} {cells[2]:>12s} "
                     f"{ratio:11.2f} {er:8.3g}{ex} {hh:7.2f}")
    lines += ["", "'-': not evaluated (the break test failed: as in the seed's note for O-type + WR).",
              "Seed Table 1 has one MSC row; it is compared with both MSC rows here."]
    txt = "\n".join(lines) + "\n"
    with open(os.path.join(out, "table1.txt"), "w") as fh:
        fh.write(txt)
    return txt


def table3(inj, out):
    cols = [("o_type", "O-type"), ("wr", "WR"), ("msc_window", f"MSC<{inj.window:g}Myr")]
    cols = [(k, n) for k, n in cols if inj.has(f"table3/{k}")]
    vals = {k: inj.get(f"table3/{k}") for k, _ in cols}
    mups = {k: inj.get(f"classes/{k}/bohm/m_up") for k, _ in cols}
    mtxt = ", ".join(f"{n} M_up = {float(mups[k]):g}" for k, n in cols if mups[k] is not None)
    lines = ["Table 3 (seed 001): number fractions of the injected nuclei",
             f"model: Bohm, eta_B = {inj.eta_hist:g}; WR = X_H < 0.1; {mtxt}.",
             "seed: Table 3 of seed 001 (SNRs, O-type, WR, MSCs; M_up = 105 for single stars, 150 "
             "for MSCs).  ratio = model / seed.", ""]
    hdr = (f"{'Element':8s}" + "".join(f"{n:>12s}" for _, n in cols) + "  |"
           + "".join(f"{n:>10s}" for n in ("seed O", "seed WR", "seed MSC"))
           + "  |" + "".join(f"{'ratio ' + n:>13s}" for n in ("O", "WR", "MSC")))
    lines += [hdr, "-" * len(hdr)]
    seed_col = {"o_type": 1, "wr": 2, "msc_window": 3}
    for i, e in enumerate(inj.elements):
        row = f"{e:8s}" + "".join(f"{vals[k][i]:12.3e}" for k, _ in cols) + "  |"
        sv = SEED_TABLE3.get(e)
        if sv:
            row += "".join(f"{v:10.2e}" for v in sv[1:]) + "  |"
            row += "".join(f"{vals[k][i] / sv[seed_col[k]]:13.2f}" for k, _ in cols)
        else:
            row += "".join(f"{'-':>10s}" for _ in range(3))
        lines.append(row)
    lines.append(f"{'sum':8s}" + "".join(f"{np.sum(vals[k]):12.3e}" for k, _ in cols))
    txt = "\n".join(lines) + "\n"
    with open(os.path.join(out, "table3.txt"), "w") as fh:
        fh.write(txt)
    return txt


def table1_convergence(paths, out):
    """Table 1 numbers and Table 3 light-element fractions of several runs side by side (the
    mass-grid convergence study of the README); writes OUT/table1_convergence.txt."""
    runs = [Injection(p) for p in paths]
    lines = ["Mass-grid convergence of seed 001 Tables 1 and 3 (Bohm).",
             "n_M = number of single-star initial masses (tasks); per source: verdicts (break, "
             "eta_B, H/He; 1 pass, 0 fail, - not evaluated), R_eff(He)/R_eff(H), eta_B needed "
             "('*' extrapolated), injected H/He.", ""]
    for key, label in (("msc_window", "MSC first window"), ("msc", "MSC whole life"),
                       ("o_wr", "O-type + WR"), ("o_type", "O-type"), ("wr", "WR")):
        lines.append(label)
        for inj in runs:
            u = _t1_index(inj)
            code = inj.get(f"table1/{key}/verdicts")
            if code is None:
                continue
            v = "".join({1: "1", 0: "0"}.get(int(c), "-") for c in code[u])
            ex = "*" if float(inj.get(f"table1/{key}/extrapolated")[u]) > 0 else " "
            lines.append(f"  n_M = {inj.get('masses').size:4d}  {v}  ratio "
                         f"{float(inj.get(f'table1/{key}/reff_ratio')[u]):6.3f}  eta "
                         f"{float(inj.get(f'table1/{key}/eta_required')[u]):7.4f}{ex}  H/He "
                         f"{float(inj.get(f'table1/{key}/h_he')[u]):6.3f}")
    lines += ["", "Table 3 (H, He, C, O number fractions)"]
    for key in ("o_type", "wr", "msc_window"):
        lines.append(key)
        for inj in runs:
            t3 = inj.get(f"table3/{key}")
            if t3 is None:
                continue
            lines.append(f"  n_M = {inj.get('masses').size:4d}  " + "  ".join(
                f"{e} {t3[inj.el(e)]:.4e}" for e in ("H", "He", "C", "O") if e in inj.elements))
    txt = "\n".join(lines) + "\n"
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "table1_convergence.txt"), "w") as fh:
        fh.write(txt)
    return txt


def statements(inj, out):
    """The seed's Sec. II-III statements about single stars and the cluster, as our numbers
    (statements.txt)."""
    lines = ["Seed 001 Secs. II-III statements next to this run's numbers", ""]
    ph = inj.hist("star_120", "phase")
    t = inj.hist("star_120", "t")
    r = inj.hist("star_120", "r_max")
    if ph is not None and r is not None:
        lines.append("120 Msun star, R_max from the O-type to the WC phase (seed Sec. II.3.1: x10 Bohm, "
                     "x100 Kraichnan, x1000 Kolmogorov):")
        for a, turb in enumerate(inj.turb):
            o, wc = r[a][ph == 1], r[a][ph == 4]
            if o.size and wc.size:
                lines.append(f"  {turb:10s} max(WC) / median(O) = {wc.max() / np.median(o):7.3g};  "
                             f"max(WC) / last O = {wc.max() / o[-1]:7.3g}")
        for k, name in ((2, "RSG/transitional"), (3, "WN"), (4, "WC")):
            sel = ph == k
            if sel.any():
                lines.append(f"  {name} phase {t[sel][0]:.2f}-{t[sel][-1]:.2f} Myr")
    for who, seed in (("star_40", "RSG"), ("star_80", "WC, after a long WN phase")):
        p = inj.hist(who, "phase")
        if p is not None:
            alive = p[p != 0]
            lines.append(f"{who.replace('star_', '')} Msun star ends its life as "
                         f"{PHASE_NAME.get(int(alive[-1]), '?')} (seed Fig. 2: {seed})")
    t = inj.hist("cluster", "t")
    nwn, nwc = inj.hist("cluster", "n_phase_WN"), inj.hist("cluster", "n_phase_WC")
    if t is not None and nwn is not None:
        i = int(np.argmax((nwn + nwc) > 0))
        lines.append(f"cluster: first WR star (X_H < 0.1) at {t[i]:.2f} Myr (seed: ~2.6 Myr)")
        r = inj.hist("cluster", "r_max")
        for a, turb in enumerate(inj.turb):
            ra = r[a]
            before = ra[i - 1]
            wr = ra[(t >= t[i]) & ((nwn + nwc) > 0)]
            early = ra[(t > 0.1) & (t < t[i])]
            late = ra[(t > 8.0) & (t < 12.0)]
            lines.append(f"  {turb:10s} R_max just before WR onset {before:.3g} GV, max during WR "
                         f"{wr.max():.3g} GV (x{wr.max() / before:.2f}), max before WR {early.max():.3g} GV;"
                         f" at 8-12 Myr {np.median(late):.3g} GV")
    for key, what in (("cluster_wind_energy", "cluster wind energy [erg] (seed ~1e53)"),
                      ("msc_energy_rate", "Eq. 14 MSC power [erg/yr] (seed ~4e48)"),
                      ("msc_energy_rate_seed_inputs", "Eq. 14 with the seed's inputs [erg/yr]"),
                      ("small_cluster_energy_rate", "clusters below the collective-wind mass "
                                                    "[erg/yr] (seed ~1e49)")):
        v = inj.get(key)
        if v is not None:
            lines.append(f"{what}: {float(v):.3g}")
    txt = "\n".join(lines) + "\n"
    with open(os.path.join(out, "statements.txt"), "w") as fh:
        fh.write(txt)
    return txt


OUTPUTS = ("fig2_winds.png", "fig3_shock.png", "fig4_rmax_nz.png", "fig5_spectra.png", "fig6_reff.png",
           "fig7_h_he.png", "table1.txt", "table3.txt", "statements.txt")


def make_all(path, outdir=None, use_tasks=True):
    """Write every figure and table; returns the list of written paths."""
    inj = Injection(path)
    out = outdir or os.path.dirname(os.path.abspath(path))
    os.makedirs(out, exist_ok=True)
    bands = {w: star_bands(inj, w) for w in STARS}
    bands["cluster"], how = cluster_bands(inj, path, use_tasks=use_tasks)
    plt.rcParams.update({"font.size": 10})
    fig2(inj, out, bands, how)
    fig3(inj, out, bands, how)
    fig4(inj, out, bands, how)
    fig5(inj, out)
    fig6(inj, out)
    fig7(inj, out)
    table1(inj, out)
    table3(inj, out)
    statements(inj, out)
    return [os.path.join(out, f) for f in OUTPUTS]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", help="results.h5 of a stellar_injection run")
    ap.add_argument("-o", "--outdir", default=None, help="output directory (default: next to RESULTS)")
    ap.add_argument("--no-task-files", action="store_true",
                    help="do not read the run's tasks/ for the cluster phase bands (infer them)")
    ap.add_argument("--convergence", nargs="+", metavar="RUN.h5",
                    help="write table1_convergence.txt comparing RESULTS and these runs")
    a = ap.parse_args(argv)
    if a.convergence:
        out = a.outdir or os.path.dirname(os.path.abspath(a.results))
        print(table1_convergence([a.results, *a.convergence], out), end="")
        return 0
    for p in make_all(a.results, a.outdir, use_tasks=not a.no_task_files):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
