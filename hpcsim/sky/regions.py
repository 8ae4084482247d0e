"""Named sky regions of the diffuse measurements compared with in seed 000 (Fig. 1).

Each region is a function of Galactic (l, b) in degrees (l taken modulo 360) and, on a HEALPix
grid, a boolean mask of the pixels whose centres lie inside (RING ordering).

* ``icecube``       : |b| < 5 deg, all l.  IceCube Galactic-plane comparison region of seed 000
  Fig. 1 caption ("diffuse neutrino flux measured by IceCube within a region with |b| < 5 deg";
  IceCube Collaboration 2023, Science 380, 1338).
* ``lhaaso_inner``  : 15 < l < 125 deg, |b| < 5 deg   (Cao et al. 2023, PRL 131, 151001).
* ``lhaaso_outer``  : 125 < l < 235 deg, |b| < 5 deg  (same paper).
* ``argo``          : 25 < l < 100 deg, |b| < 5 deg   (ARGO-YBJ, Bartoli et al. 2015, ApJ 806, 20).

Region spectrum of a flux-per-pixel map (:mod:`hpcsim.sky.paint`):

    I_region(E) = sum_{p in region, not masked} F_p(E) / (N_unmasked * Omega_pix)
                  [GeV^-1 cm^-2 s^-1 sr^-1],

i.e. total flux over the unmasked region pixels divided by their solid angle.  For an intensity
map (per sr, e.g. the CR sea) the same quantity is the plain mean over the unmasked pixels.
Pixel-centre membership: the region's solid angle is exact only up to pixel-boundary effects
(~ pixel size / region size).
"""

from __future__ import annotations

import healpy as hp
import numpy as np

#: (l_min, l_max, |b|_max) in degrees; l_min = l_max = None means all longitudes.
REGIONS = {
    "icecube": (None, None, 5.0),
    "lhaaso_inner": (15.0, 125.0, 5.0),
    "lhaaso_outer": (125.0, 235.0, 5.0),
    "argo": (25.0, 100.0, 5.0),
}


def in_region(name, l_deg, b_deg):
    """Boolean array: (l, b) [deg] inside region ``name`` (strict inequalities as published)."""
    if name not in REGIONS:
        raise KeyError(f"unknown region {name!r}; known: {sorted(REGIONS)}")
    lmin, lmax, bmax = REGIONS[name]
    l = np.mod(np.asarray(l_deg, dtype=float), 360.0)
    b = np.asarray(b_deg, dtype=float)
    inside = np.abs(b) < bmax
    if lmin is not None:
        inside = inside & (l > lmin) & (l < lmax)
    return inside


def pixel_lb(nside):
    """Galactic l in [0, 360) and b [deg] of all RING pixel centres."""
    l, b = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)), lonlat=True)
    return np.mod(l, 360.0), b


def region_mask(name, nside):
    """Boolean [12 nside^2] mask (True = pixel centre inside region ``name``)."""
    l, b = pixel_lb(nside)
    return in_region(name, l, b)


def region_solid_angle(name, nside, exclude=None):
    """Solid angle [sr] of the region's pixels that are not excluded (exclude: bool mask)."""
    sel = region_mask(name, nside)
    if exclude is not None:
        sel = sel & ~np.asarray(exclude, dtype=bool)
    return np.count_nonzero(sel) * hp.nside2pixarea(nside)


def _region_sum(values, name, nside, exclude):
    """(sum over the unmasked pixels of region ``name`` in index order, their number)."""
    values = np.asarray(values, dtype=float)
    sel = region_mask(name, nside)
    if exclude is not None:
        sel = sel & ~np.asarray(exclude, dtype=bool)
    return values[sel].sum(axis=0), np.count_nonzero(sel)


def region_spectrum(flux_map, name, nside, exclude=None):
    """Average intensity [GeV^-1 cm^-2 s^-1 sr^-1] of a flux-per-pixel map over a region.

    flux_map: [npix] or [npix, n_bands] flux per pixel [GeV^-1 cm^-2 s^-1].
    exclude: optional bool [npix] mask, True = pixel removed (resolved sources, inner plane).
    Returns sum of unmasked region pixels / solid angle of unmasked region pixels (module doc).
    Pixels are summed in index order (deterministic).  NaN if no pixel is left.
    """
    total, n = _region_sum(flux_map, name, nside, exclude)
    if n == 0:
        return np.full(np.shape(total), np.nan)
    return total / (n * hp.nside2pixarea(nside))


def region_mean_intensity(intensity_map, name, nside, exclude=None):
    """Mean of an intensity map [.. sr^-1] over the unmasked region pixels (same units)."""
    total, n = _region_sum(intensity_map, name, nside, exclude)
    if n == 0:
        return np.full(np.shape(total), np.nan)
    return total / n
