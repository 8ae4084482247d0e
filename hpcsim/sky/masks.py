"""Masks applied to the gamma-ray diffuse comparison (seed 000, Sec. 4, third paragraph).

1. **Inner-plane mask** (seed 000 Sec. 4): "l <= 70 deg and |b| < 1.5 deg" to mimic the removal of
   other source classes (PWNe, SNRs).  The seed does not say whether negative longitudes are
   included.  Default (our choice): 0 <= l <= 70 deg only (``symmetric=False``); with
   ``symmetric=True`` the mask is |l| <= 70 deg (l in [290, 360) U [0, 70]).  For every gamma-ray
   region used (LHAASO inner/outer, ARGO-YBJ: l > 15 deg) both readings give the same pixels.

2. **Resolved-cluster mask** (seed 000 Sec. 4: "all the positions in the sky where the flux at
   100 TeV from YMSCs is expected to be detected by LHAASO with a significance higher than
   5 sigma"; the recipe of Menchiari et al. 2025, A&A 695, A175, App. B could not be read): a
   cluster is "detected" when its differential flux at 100 TeV exceeds the LHAASO 5-sigma
   sensitivity for a source of its angular size; the pixels of its disc (same disc as
   :mod:`hpcsim.sky.paint`) are then masked.

   Point-source sensitivity: the published LHAASO 1-year curve (LHAASO Collaboration 2018,
   Radiat. Detect. Technol. Methods, doi:10.1007/s41605-018-0037-3, Fig. 2; a third-party
   digitization, ``hpcsim/data/observations/lhaaso_2018_1yr_point_sensitivity.csv`` and
   :func:`hpcsim.observations.lhaaso_point_sensitivity_1yr`), log-log interpolated:
   E^2 S_pt(100 TeV, 1 yr) = 5.3e-14 erg cm^-2 s^-1, about 5 % of the Crab there.  Exposure T:
       S_pt(T) = factor * S_pt(1 yr) * (1 yr / T)^index,
   index 1/2 for a background-limited search (significance ~ sqrt(T)); ``factor`` scales the
   curve (default 1).  Extension (``law="background"``, background-limited: the signal is
   collected over the source convolved with the PSF, the background over the same area):
       S_ext = S_pt * sqrt(theta_src^2 + theta_psf^2) / theta_psf,
   or ``law="point"``: S_ext = S_pt.  theta_psf = 0.25 deg at 100 TeV is a placeholder
   (PHYSICS-NOTES Sec. 9; no readable LHAASO source for the KM2A PSF was found), configurable.

   The Crab spectrum below (KM2A log-parabola, Aharonian et al. 2021, Chinese Phys. C 45, 025002;
   quoted from memory, NOT re-read) is only used to express sensitivities in Crab units; at
   100 TeV it agrees within 7 % with the LHAASO Crab of Science 373, 425 (2021) as encoded in
   sst1mpipe (../shared/data/observations/PROVENANCE.md: E^2 F = 1.07e-12 erg cm^-2 s^-1).
"""

from __future__ import annotations

import healpy as hp
import numpy as np

from .paint import disc_pixels
from .regions import pixel_lb

# --- KM2A Crab log-parabola (Aharonian et al. 2021, CPC 45, 025002; from memory, see module doc)
CRAB_KM2A_N0 = 1.13e-14 * 1.0e-3  # GeV^-1 cm^-2 s^-1 at E0 (1.13e-14 TeV^-1 cm^-2 s^-1)
CRAB_KM2A_E0 = 20.0e3  # GeV
CRAB_KM2A_ALPHA = 3.09
CRAB_KM2A_BETA = 0.20  # log10 curvature
# --- detection criterion defaults (see module doc)
KM2A_PSF_100TEV_DEG = 0.25  # deg (placeholder, PHYSICS-NOTES Sec. 9)
EXPOSURE_INDEX = 0.5  # background-limited: S ~ T^-1/2
DETECTION_ENERGY_GEV = 1.0e5  # 100 TeV (seed 000 Sec. 4)
INNER_PLANE_L_MAX_DEG = 70.0  # seed 000 Sec. 4
INNER_PLANE_B_MAX_DEG = 1.5  # seed 000 Sec. 4


def inner_plane(l_deg, b_deg, l_max_deg=INNER_PLANE_L_MAX_DEG, b_max_deg=INNER_PLANE_B_MAX_DEG,
                symmetric=False):
    """True where (l, b) [deg] is in the inner-plane mask: l <= l_max and |b| < b_max (seed 000).

    symmetric=False: 0 <= l <= l_max; symmetric=True: |l| <= l_max (l wrapped to (-180, 180]).
    """
    l = np.mod(np.asarray(l_deg, dtype=float), 360.0)
    b = np.asarray(b_deg, dtype=float)
    if symmetric:
        l = np.where(l > 180.0, l - 360.0, l)
        in_l = np.abs(l) <= l_max_deg
    else:
        in_l = l <= l_max_deg
    return in_l & (np.abs(b) < b_max_deg)


def inner_plane_mask(nside, l_max_deg=INNER_PLANE_L_MAX_DEG, b_max_deg=INNER_PLANE_B_MAX_DEG,
                     symmetric=False):
    """Boolean [12 nside^2] pixel mask (True = masked) of :func:`inner_plane` at pixel centres."""
    l, b = pixel_lb(nside)
    return inner_plane(l, b, l_max_deg, b_max_deg, symmetric)


def crab_km2a(e_gev):
    """KM2A Crab differential flux [GeV^-1 cm^-2 s^-1] at energy e_gev [GeV] (log-parabola,
    Aharonian et al. 2021, CPC 45, 025002; coefficients in module constants)."""
    x = np.asarray(e_gev, dtype=float) / CRAB_KM2A_E0
    return CRAB_KM2A_N0 * x ** (-CRAB_KM2A_ALPHA - CRAB_KM2A_BETA * np.log10(x))


def published_point_sensitivity(e_gev=DETECTION_ENERGY_GEV):
    """LHAASO 1-yr 5-sigma point-source sensitivity [GeV^-1 cm^-2 s^-1] at e_gev [GeV]: log-log
    interpolation of the published curve (module doc; 154 GeV - 750 TeV)."""
    from ..observations import lhaaso_point_sensitivity_1yr
    e, s = lhaaso_point_sensitivity_1yr()
    x = np.log(np.asarray(e_gev, dtype=float))
    if np.any(x < np.log(e[0])) or np.any(x > np.log(e[-1])):
        raise ValueError("energy outside the published sensitivity curve (154 GeV - 750 TeV)")
    return np.exp(np.interp(x, np.log(e), np.log(s)))


def point_sensitivity(exposure_years=1.0, e_gev=DETECTION_ENERGY_GEV, factor=1.0,
                      exposure_index=EXPOSURE_INDEX):
    """5-sigma point-source differential sensitivity [GeV^-1 cm^-2 s^-1] at e_gev:
    factor * S_pt,1yr(e) * (1 yr / exposure_years)^exposure_index (module doc)."""
    exposure_years = np.asarray(exposure_years, dtype=float)
    if np.any(exposure_years <= 0):
        raise ValueError("exposure_years must be > 0")
    return factor * published_point_sensitivity(e_gev) * exposure_years ** (-exposure_index)


def extended_sensitivity(theta_src_deg, exposure_years=1.0, e_gev=DETECTION_ENERGY_GEV,
                         factor=1.0, theta_psf_deg=KM2A_PSF_100TEV_DEG,
                         exposure_index=EXPOSURE_INDEX, law="background"):
    """Sensitivity for a source of angular radius theta_src [deg] [GeV^-1 cm^-2 s^-1]:
    law "background": S_pt sqrt(theta_src^2 + theta_psf^2) / theta_psf; "point": S_pt."""
    th = np.asarray(theta_src_deg, dtype=float)
    s_pt = point_sensitivity(exposure_years, e_gev, factor, exposure_index)
    if law == "point":
        return s_pt * np.ones_like(th)
    if law != "background":
        raise ValueError(f"unknown extension law {law!r}; choose 'background' or 'point'")
    return s_pt * np.sqrt(th ** 2 + theta_psf_deg ** 2) / theta_psf_deg


def sensitivity_in_crab(exposure_years=1.0, e_gev=DETECTION_ENERGY_GEV, factor=1.0,
                        exposure_index=EXPOSURE_INDEX):
    """Point-source sensitivity as a fraction of the Crab flux at e_gev (reporting only)."""
    return point_sensitivity(exposure_years, e_gev, factor, exposure_index) / crab_km2a(e_gev)


def flux_at_energy(e_grid, flux, e0=DETECTION_ENERGY_GEV):
    """Log-log interpolation of flux [n_cl, n_e] (or [n_e]) on e_grid [GeV] at e0 [GeV].

    Zero or negative fluxes are treated as zero (log of a tiny floor).  Returns [n_cl] (or scalar).
    """
    e_grid = np.asarray(e_grid, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if not (e_grid[0] <= e0 <= e_grid[-1]):
        raise ValueError("e0 outside the energy grid")
    j = int(np.clip(np.searchsorted(e_grid, e0) - 1, 0, e_grid.size - 2))
    w = np.log(e0 / e_grid[j]) / np.log(e_grid[j + 1] / e_grid[j])
    tiny = 1e-300
    f0 = np.maximum(flux[..., j], tiny)
    f1 = np.maximum(flux[..., j + 1], tiny)
    out = np.exp((1.0 - w) * np.log(f0) + w * np.log(f1))
    return np.where((flux[..., j] <= 0) & (flux[..., j + 1] <= 0), 0.0, out)


def detected(flux, theta_src_deg, exposure_years=1.0, factor=1.0,
             theta_psf_deg=KM2A_PSF_100TEV_DEG, e_gev=DETECTION_ENERGY_GEV,
             exposure_index=EXPOSURE_INDEX, law="background"):
    """Boolean array: cluster flux at e_gev (100 TeV) [GeV^-1 cm^-2 s^-1] >= extended-source
    5-sigma sensitivity for its angular radius theta_src [deg] (seed 000 Sec. 4; module doc)."""
    return np.asarray(flux, dtype=float) >= extended_sensitivity(
        theta_src_deg, exposure_years, e_gev, factor, theta_psf_deg, exposure_index, law)


def detected_cfg(flux, theta_src_deg, sky):
    """:func:`detected` with the parameters of a ``[sky]`` configuration section."""
    return detected(flux, theta_src_deg, sky.lhaaso_exposure, sky.sensitivity_factor,
                    sky.km2a_psf, DETECTION_ENERGY_GEV, sky.exposure_index, sky.extension_law)


def resolved_mask(nside, l_deg, b_deg, theta_rad, is_detected):
    """Boolean [12 nside^2] mask: union of the disc pixels of the detected clusters.

    Discs as in :func:`hpcsim.sky.paint.disc_pixels` (pixel centres inside theta; centre pixel
    for sub-pixel discs), so every masked cluster's painted flux is removed entirely.
    """
    mask = np.zeros(hp.nside2npix(nside), dtype=bool)
    l_deg = np.atleast_1d(np.asarray(l_deg, float))
    b_deg = np.atleast_1d(np.asarray(b_deg, float))
    theta_rad = np.atleast_1d(np.asarray(theta_rad, float))
    for i in np.flatnonzero(np.atleast_1d(np.asarray(is_detected, dtype=bool))):
        mask[disc_pixels(nside, l_deg[i], b_deg[i], theta_rad[i])] = True
    return mask
