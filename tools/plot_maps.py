#!/usr/bin/env python
"""Mollweide sky maps (Galactic coordinates, l = 0 at the centre, l increasing to the left) of a results file.

Usage:  python tools/plot_maps.py RESULTS.h5 [-o OUTDIR] [--apply-mask] [--no-e2] [--lat-zoom B]

Reads RING-ordered HEALPix maps ``maps/<m>/<regime>/band_<k>`` and ``maps/<m>/cr_sea/<model>/band_<k>``
(intensity [GeV^-1 cm^-2 s^-1 sr^-1] at energy ``maps/band_energy[k]`` [GeV]) and, if present,
``maps/mask`` (bool/uint8, nonzero = masked).  Writes one PNG per map group (all energy bands of one
messenger/regime side by side), ``map_<m>_<regime>.png`` / ``map_<m>_cr_sea_<model>.png``, plus
``map_mask.png``.  Colour: log10 of E^2 I [GeV cm^-2 s^-1 sr^-1] (default) or of I (--no-e2); pixels
<= 0 and, with --apply-mask, masked pixels are shown grey.  Drawn with healpy.mollview (maps are already in
Galactic coordinates: no rotation).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import healpy as hp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from hpcsim.io.results import load_results  # noqa: E402

MESSENGER = {"gamma": r"$\gamma$ rays", "nu": r"neutrinos"}
BAND = re.compile(r"^maps/(.+)/band_(\d+)$")


def map_groups(data):
    """{group path (e.g. 'gamma/kolmogorov', 'nu/cr_sea/lower'): {band index: dataset key}}."""
    groups = {}
    for k in data:
        mt = BAND.match(k)
        if mt:
            groups.setdefault(mt.group(1), {})[int(mt.group(2))] = k
    return dict(sorted(groups.items()))


def format_energy(e_gev):
    for unit, s in (("PeV", 1e6), ("TeV", 1e3), ("GeV", 1.0)):
        if e_gev >= s:
            return f"{e_gev / s:.3g} {unit}"
    return f"{e_gev:.3g} GeV"


def group_title(group):
    parts = group.split("/")
    m = MESSENGER.get(parts[0], parts[0])
    if len(parts) >= 3 and parts[1] == "cr_sea":
        return f"{m}, CR sea ({parts[2]} model)"
    return f"{m}, YMSCs ({' / '.join(p.capitalize() for p in parts[1:])})"


def _ncols(n):
    return 1 if n == 1 else 2


def plot_group(data, group, bands, band_energy, mask, outdir, dpi, e2=True, apply_mask=False, max_decades=4.0):
    """One PNG with every energy band of a map group; colour range [max(2nd percentile, max/10^max_decades), max]."""
    ks = sorted(bands)
    n = len(ks)
    ncol = _ncols(n)
    nrow = int(np.ceil(n / ncol))
    fig = plt.figure(figsize=(6.4 * ncol, 3.9 * nrow))
    for i, k in enumerate(ks):
        m = np.asarray(data[bands[k]], dtype=float).copy()
        ek = float(band_energy[k]) if band_energy is not None and k < len(band_energy) else None
        if e2 and ek is not None:
            m *= ek ** 2
        bad = ~np.isfinite(m) | (m <= 0)
        if apply_mask and mask is not None and mask.size == m.size:
            bad |= mask
        m[bad] = hp.UNSEEN
        good = m[~bad]
        vmin, vmax = (np.percentile(good, [2.0, 100.0]) if good.size else (1e-12, 1e-11))
        vmin = max(vmin, vmax * 10.0 ** -max_decades)  # keep the colour scale readable
        if vmin >= vmax:
            vmin = vmax / 10.0
        unit = (r"$E^2 I$ [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]" if (e2 and ek is not None)
                else r"$I$ [GeV$^{-1}$ cm$^{-2}$ s$^{-1}$ sr$^{-1}$]")
        title = f"{group_title(group)}, E = {format_energy(ek)}" if ek is not None else f"{group}, band {k}"
        hp.mollview(m, fig=fig.number, sub=(nrow, ncol, i + 1), norm="log", min=vmin, max=vmax,
                    title=title, unit=unit, cmap="inferno", badcolor="0.75", bgcolor="white",
                    cbar=True, format="%.2g")
        hp.graticule(dpar=30, dmer=60, alpha=0.3, color="0.6")
    name = "map_" + group.replace("/", "_") + ".png"
    p = os.path.join(outdir, name)
    fig.savefig(p, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return p


def plot_mask(mask, outdir, dpi):
    fig = plt.figure(figsize=(6.4, 3.9))
    hp.mollview(mask.astype(float), fig=fig.number, title="mask (1 = removed: resolved YMSCs, inner plane)",
                cmap="Greys", min=0, max=1, cbar=True, unit="masked")
    hp.graticule(dpar=30, dmer=60, alpha=0.3, color="0.6")
    p = os.path.join(outdir, "map_mask.png")
    fig.savefig(p, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return p


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("results")
    p.add_argument("-o", "--outdir", default=None)
    p.add_argument("--apply-mask", action="store_true", help="grey out the pixels of maps/mask")
    p.add_argument("--no-e2", action="store_true", help="plot I instead of E^2 I")
    p.add_argument("--dpi", type=int, default=150)
    a = p.parse_args(argv)
    warnings.filterwarnings("ignore", message="Ignoring specified arguments in this call")
    data, _, _ = load_results(a.results)
    outdir = a.outdir or os.path.join(os.path.dirname(os.path.abspath(a.results)), "plots")
    os.makedirs(outdir, exist_ok=True)
    band_energy = data.get("maps/band_energy")
    mask = data.get("maps/mask")
    mask = None if mask is None else np.asarray(mask).astype(bool)
    outs = [plot_group(data, g, b, band_energy, mask, outdir, a.dpi, not a.no_e2, a.apply_mask)
            for g, b in map_groups(data).items()]
    if mask is not None:
        outs.append(plot_mask(mask, outdir, a.dpi))
    if not outs:
        print(f"{a.results}: no maps/ datasets", file=sys.stderr)
    for o in outs:
        print(o)
    return outs


if __name__ == "__main__":
    main()
