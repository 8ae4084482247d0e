"""Terminal wind velocities, wind power, momentum flux and element injection of massive stars.

Seed 001 Sec. II.1 and II.2.  Mass-loss rates come from the MIST tracks (``-star_mdot``; MESA's
"Dutch" scheme: Vink et al. 2001 for hot H-rich stars, Nugis & Lamers 2000 for WR stars,
de Jager et al. 1988 for cool stars; Choi et al. 2016 Sec. 3.8).  The terminal velocity is not a
MIST output and is computed here per phase (codes of :mod:`hpcsim.stars.phases`):

**O-type** (seed 001 Eq. 1, after Vink, de Koter & Lamers 2001, A&A 369, 574 [Vink01])::

    v_inf = 2.6 v_esc (Z_surf/Z_sun)^0.13   for Teff >= T_jump
    v_inf = 1.3 v_esc (Z_surf/Z_sun)^0.13   for Teff <  T_jump
    v_esc = [2 G M (1 - Gamma_e) / R]^1/2   (Vink01 Sec. 2; seed 001 below Eq. 1)
    T_jump [kK] = 61.2 + 2.59 log<rho>                      (Vink01 Eq. 15)
    log<rho>   = -14.94 + 0.85 log(Z/Z_sun) + 3.2 Gamma_e  (Vink01 Eq. 23)
    Gamma_e    = sigma_e L / (4 pi c G M) = 7.66e-5 sigma_e (L/Lsun)/(M/Msun)  (Vink01 Eq. 11)

  sigma_e [cm^2/g] for O stars: 0.34 (Teff >= 35 kK), 0.32 (30-35 kK), 0.31 (< 30 kK), the
  steps used with the Vink01 recipe in public population-synthesis codes (StarTrack, SeBa;
  PHYSICS-NOTES Sec. 3.2).  At solar Z and Gamma_e ~ 0.25 this gives T_jump ~ 25 kK.
  Choice: Z_sun = 0.0142857 (the MIST solar Z_init, Asplund et al. 2009 proto-solar), not
  Vink's 0.019: a solar MIST star then has (Z/Z_sun)^0.13 = 1, as the seed intends.  Z is the
  MIST surface metal fraction (``log_surf_z``), used both in Eq. 1 and in Eq. 23.

**WR** (WN, WC): the seed adopts "the empirical scaling proposed by Nugis & Lamers (2000, A&A 360,
227), which relates v_inf to the core escape velocity v_esc,core derived from the hydrostatic
core radius (their Sec. 6)".  Section 6 of Nugis & Lamers could not be retrieved here
(PHYSICS-NOTES Sec. 3.3), so the coefficient is ours and a parameter:

  ``wr_mode = "core_escape"`` (default)::

      v_inf = f_wr v_esc,core,  v_esc,core = [2 G M (1 - g Gamma_e) / R_core]^1/2

  with R_core = the MIST radius (MESA's hydrostatic photosphere, which for a stripped star does
  not include the optically thick wind, i.e. it *is* the hydrostatic core radius), M the MIST
  current mass, and g = 1 if ``wr_gamma_e`` else 0 (Gamma_e with sigma_e = 0.2 (1 + X_H)
  cm^2/g, full ionisation).  Defaults (PROPOSED): ``f_wr = 1``, ``wr_gamma_e = False``, i.e.
  v_inf = the plain escape velocity of the hydrostatic core.  Measured on the MIST v1.0
  tracks of 60-150 Msun this gives median v_inf ~ 1430 km/s in the WN and ~ 2290 km/s in the
  WC phase, matching typical Galactic WN / WC values (~1600 / ~2300 km/s; Crowther 2007,
  ARA&A 45, 177, as quoted in PHYSICS-NOTES Sec. 3.3).  With ``wr_gamma_e = True`` the WR
  Eddington factors (0.5-0.8) lower these to ~1060 / ~1740 km/s.  Note: the seed's statement
  (Sec. II.3.1) that for 120 Msun v_inf rises by ~3x and L by ~100x from the O to the WC phase
  is *not* reproduced with the v1.0 tracks under either setting (we get v_inf ~ 2900 -> 2230
  km/s and similar L), because MIST v1.0 WC mass-loss rates are only ~2x the O-phase ones.
  ``wr_mode = "fixed"``: v_inf = ``v_wn`` / ``v_wc`` (defaults 1600 / 2300 km/s, typical
  Galactic values, PHYSICS-NOTES Sec. 3.3; PROPOSED).

**RSG** (cool, Teff <= 1.1e4 K, incl. BSG/LBV-like stages, which the seed does not distinguish):
the seed only says v_inf is "extremely low".  Choice: v_inf = ``f_rsg`` v_esc with
``f_rsg = 1.0`` (Kudritzki & Puls 2000, ARA&A 38, 613, Sec. 2.2: v_inf/v_esc ~ 1 for
Teff <= 10 kK; Lamers et al. 1995, ApJ 455, 269 found ~0.7).  For a red supergiant
(R ~ 1000 Rsun) this gives a few tens of km/s.

**Dead** stars: zero wind.

Wind power L = 1/2 Mdot v_inf^2 and momentum flux F = Mdot v_inf (seed 001 Sec. II.2); element
mass injection rate Mdot_el = Mdot X_el (surface mass fraction).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import C_LIGHT, G_NEWTON, KM, L_SUN, M_SUN, R_SUN
from .phases import DEAD, O_TYPE, RSG, WC, WN

# --- Vink et al. 2001 (A&A 369, 574) ---
VINK_RATIO_HOT, VINK_RATIO_COOL = 2.6, 1.3  # v_inf / v_esc across the bistability jump (Sec. 4)
VINK_Z_EXPONENT = 0.13  # v_inf ~ Z^0.13 (Vink01 Sec. 4 / seed 001 Eq. 1; Leitherer+1992)
VINK_TJUMP_A, VINK_TJUMP_B = 61.2, 2.59  # Eq. 15, T_jump in kK
VINK_RHO_A, VINK_RHO_Z, VINK_RHO_GAMMA = -14.94, 0.85, 3.2  # Eq. 23
Z_SUN_MIST = 1.42857e-2  # MIST Z_init for [Fe/H] = 0 (Choi+2016; Asplund+2009 proto-solar)
GAMMA_E_MAX = 0.95  # cap of Gamma_e before taking 1 - Gamma_e (numerical guard; our choice)

#: Gamma_e = sigma_e L / (4 pi c G M); in solar units Gamma_e = GAMMA_E_PER_SIGMA sigma_e L/M,
#: = 7.66e-5 (Vink01 Eq. 11) with the constants of hpcsim.constants.
GAMMA_E_PER_SIGMA = L_SUN / (4.0 * np.pi * C_LIGHT * G_NEWTON * M_SUN)


@dataclass(frozen=True)
class WindParams:
    """Choices for terminal velocities (module docstring gives the sources)."""

    z_sun: float = Z_SUN_MIST  # reference solar metal mass fraction for (Z/Z_sun)
    z_scaling: bool = True  # apply (Z_surf/Z_sun)^0.13 to O-star v_inf (seed 001 Eq. 1)
    wr_mode: str = "core_escape"  # "core_escape" or "fixed"
    f_wr: float = 1.0  # v_inf / v_esc,core for WR stars (wr_mode = "core_escape")
    wr_gamma_e: bool = False  # include (1 - Gamma_e) in v_esc,core (wr_mode = "core_escape")
    v_wn: float = 1600.0 * KM  # cm/s, WN v_inf (wr_mode = "fixed")
    v_wc: float = 2300.0 * KM  # cm/s, WC v_inf (wr_mode = "fixed")
    f_rsg: float = 1.0  # v_inf / v_esc for cool (RSG) stars


def sigma_e_ostar(teff):
    """Electron-scattering opacity [cm^2/g] for hot H-rich stars, steps in Teff [K] as used with
    the Vink01 recipe (0.34 / 0.32 / 0.31 above 35 kK / 30-35 kK / below 30 kK)."""
    teff = np.asarray(teff, dtype=float)
    return np.where(teff >= 3.5e4, 0.34, np.where(teff >= 3.0e4, 0.32, 0.31))


def sigma_e_ionised(x_h):
    """Thomson opacity [cm^2/g] of a fully ionised H/He/metal mix: 0.2 (1 + X_H)."""
    return 0.2 * (1.0 + np.asarray(x_h, dtype=float))


def gamma_e(L_lsun, M_msun, sigma_e):
    """Electron-scattering Eddington factor sigma_e L / (4 pi c G M) (Vink01 Eq. 11)."""
    return GAMMA_E_PER_SIGMA * np.asarray(sigma_e) * np.asarray(L_lsun) / np.asarray(M_msun)


def v_escape(M_msun, R_rsun, gam=0.0):
    """Effective escape velocity [cm/s]: [2 G M (1 - Gamma_e) / R]^1/2 (Vink01; seed 001 Eq. 1).

    Gamma_e is capped at GAMMA_E_MAX (=0.95) so that the root stays real (our guard)."""
    g = np.minimum(np.asarray(gam, dtype=float), GAMMA_E_MAX)
    return np.sqrt(2.0 * G_NEWTON * np.asarray(M_msun) * M_SUN * (1.0 - g)
                   / (np.asarray(R_rsun) * R_SUN))


def log_rho_mean(gam, z_rel):
    """Vink01 Eq. 23: log of the characteristic wind density <rho> [g cm^-3]."""
    return VINK_RHO_A + VINK_RHO_Z * np.log10(z_rel) + VINK_RHO_GAMMA * np.asarray(gam)


def t_jump(gam, z_rel):
    """Bistability-jump temperature [K]: Vink01 Eq. 15 with <rho> from Eq. 23.

    ``gam`` = Gamma_e, ``z_rel`` = Z / Z_sun."""
    return 1.0e3 * (VINK_TJUMP_A + VINK_TJUMP_B * log_rho_mean(gam, z_rel))


def vinf_ostar(M_msun, R_rsun, L_lsun, teff, z_surf, params: WindParams = WindParams()):
    """O-star terminal velocity [cm/s], seed 001 Eq. 1 (Vink01 ratios 2.6 / 1.3, T_jump Eq. 15/23)."""
    z_rel = np.asarray(z_surf, dtype=float) / params.z_sun
    gam = gamma_e(L_lsun, M_msun, sigma_e_ostar(teff))
    ratio = np.where(np.asarray(teff) >= t_jump(gam, z_rel), VINK_RATIO_HOT, VINK_RATIO_COOL)
    zfac = z_rel ** VINK_Z_EXPONENT if params.z_scaling else 1.0
    return ratio * v_escape(M_msun, R_rsun, gam) * zfac


def vinf_wr(M_msun, R_rsun, L_lsun, x_h, phase, params: WindParams = WindParams()):
    """WR terminal velocity [cm/s] (``wr_mode`` of :class:`WindParams`; see module docstring)."""
    phase = np.asarray(phase)
    if params.wr_mode == "fixed":
        return np.where(phase == WC, params.v_wc, params.v_wn) * np.ones(np.shape(M_msun))
    if params.wr_mode != "core_escape":
        raise ValueError(f"unknown wr_mode {params.wr_mode!r} (core_escape, fixed)")
    gam = gamma_e(L_lsun, M_msun, sigma_e_ionised(x_h)) if params.wr_gamma_e else 0.0
    return params.f_wr * v_escape(M_msun, R_rsun, gam)


def vinf_rsg(M_msun, R_rsun, L_lsun, x_h, params: WindParams = WindParams()):
    """Cool-star terminal velocity [cm/s]: f_rsg v_esc (KP00 Sec. 2.2; our choice)."""
    gam = gamma_e(L_lsun, M_msun, sigma_e_ionised(x_h))
    return params.f_rsg * v_escape(M_msun, R_rsun, gam)


def terminal_velocity(hist: dict, params: WindParams = WindParams()):
    """v_inf [cm/s] for a star-history dict (:meth:`TrackGrid.star_history`), per phase."""
    ph = np.asarray(hist["phase"])
    M, R, L = hist["mass"], 10.0 ** hist["log_R"], 10.0 ** hist["log_L"]
    teff = 10.0 ** hist["log_Teff"]
    v = np.zeros(ph.shape)
    o = ph == O_TYPE
    v[o] = vinf_ostar(M[o], R[o], L[o], teff[o], hist["Z_surf"][o], params)
    wr = (ph == WN) | (ph == WC)
    v[wr] = vinf_wr(M[wr], R[wr], L[wr], hist["X_H"][wr], ph[wr], params)
    c = ph == RSG
    v[c] = vinf_rsg(M[c], R[c], L[c], hist["X_H"][c], params)
    v[ph == DEAD] = 0.0
    return v


def wind_power(mdot, vinf):
    """Mechanical luminosity L = 1/2 Mdot v_inf^2 [erg/s] (seed 001 Sec. II.2)."""
    return 0.5 * np.asarray(mdot) * np.asarray(vinf) ** 2


def momentum_flux(mdot, vinf):
    """Momentum flux F = Mdot v_inf [dyn] (seed 001 Sec. II.2)."""
    return np.asarray(mdot) * np.asarray(vinf)


def wind_history(hist: dict, params: WindParams = WindParams(),
                 elements: tuple[str, ...] | None = None) -> dict:
    """Wind of one star along a history: adds ``vinf`` [cm/s], ``L_w`` [erg/s], ``F_w`` [dyn] and
    ``mdot_<El>`` [g/s] (= Mdot X_El) for each element to a copy of ``hist``."""
    from .tracks import ELEMENTS
    out = dict(hist)
    v = terminal_velocity(hist, params)
    out["vinf"] = v
    out["L_w"] = wind_power(hist["mdot"], v)
    out["F_w"] = momentum_flux(hist["mdot"], v)
    for e in (ELEMENTS if elements is None else elements):
        out[f"mdot_{e}"] = hist["mdot"] * hist[f"X_{e}"]
    return out
