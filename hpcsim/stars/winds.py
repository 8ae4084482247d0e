"""Empirical stellar-wind laws for main-sequence O/B stars and Wolf-Rayet stars.

All functions are vectorised over NumPy arrays; inputs in solar units, outputs in CGS unless
stated.  These are also the NumPy reference of the Cython kernel
``hpcsim.kernels.stellar_winds``.

* Mass-loss rate of main-sequence stars: Nieuwenhuijzen & de Jager 1990 (A&A 231, 134), Eq. 2:
  log(Mdot / Msun yr^-1) = -14.02 + 1.24 log(L/Lsun) + 0.16 log(M/Msun) + 0.81 log(R/Rsun).
* Terminal velocity: Kudritzki & Puls 2000 (ARA&A 38, 613), Sec. 2.2 / Eqs. 8-9:
  v_inf = C(Teff) v_esc,eff, v_esc,eff = [2 G M (1 - Gamma_e) / R]^1/2,
  C = 2.65 (Teff >= 21 kK), 1.4 (10 kK < Teff < 21 kK), 1.0 (Teff <= 10 kK),
  Gamma_e = 7.66e-5 sigma_e (L/Lsun)/(M/Msun), sigma_e = 0.398 (1 + I_He Y)/(1 + 4 Y) cm^2/g
  with Y = N(He)/N(H) = 0.1 and I_He = 2 (O stars).
* Wolf-Rayet mass loss: Nugis & Lamers 2000 (A&A 360, 227), Eq. 22:
  log(Mdot / Msun yr^-1) = -11.00 + 1.29 log(L/Lsun) + 1.73 log Y + 0.47 log Z,
  Y, Z surface mass fractions of He and metals.
* Wind power of one star L = Mdot v_inf^2 / 2.
"""

from __future__ import annotations

import numpy as np

from ..constants import G_NEWTON, L_SUN, M_SUN, MSUN_PER_YR, R_SUN

NJ90_LOG_A = -14.02  # Nieuwenhuijzen & de Jager 1990, Eq. 2
NJ90_L, NJ90_M, NJ90_R = 1.24, 0.16, 0.81
KP00_HE_NUMBER_RATIO = 0.1  # N(He)/N(H), Kudritzki & Puls 2000
KP00_I_HE = 2.0  # free electrons per He nucleus in O-star winds (KP00)
NL00_LOG_A, NL00_L, NL00_Y, NL00_Z = -11.00, 1.29, 1.73, 0.47  # Nugis & Lamers 2000, Eq. 22


def mdot_nj90(L_lsun, M_msun, R_rsun):
    """Mass-loss rate [g/s] of a main-sequence star (Nieuwenhuijzen & de Jager 1990, Eq. 2)."""
    logm = (NJ90_LOG_A + NJ90_L * np.log10(L_lsun) + NJ90_M * np.log10(M_msun)
            + NJ90_R * np.log10(R_rsun))
    return 10.0 ** logm * MSUN_PER_YR


def kp00_ratio(teff):
    """v_inf / v_esc,eff as a function of Teff [K] (Kudritzki & Puls 2000, Sec. 2.2)."""
    teff = np.asarray(teff, dtype=float)
    return np.where(teff >= 21000.0, 2.65, np.where(teff > 10000.0, 1.4, 1.0))


def eddington_gamma_e(L_lsun, M_msun):
    """Electron-scattering Eddington factor Gamma_e (Kudritzki & Puls 2000, Eq. 8)."""
    y = KP00_HE_NUMBER_RATIO
    sigma_e = 0.398 * (1.0 + KP00_I_HE * y) / (1.0 + 4.0 * y)
    return 7.66e-5 * sigma_e * L_lsun / M_msun


def vinf_kp00(L_lsun, M_msun, R_rsun, teff):
    """Terminal wind velocity [cm/s] (Kudritzki & Puls 2000, Eqs. 8-9)."""
    gam = np.minimum(eddington_gamma_e(L_lsun, M_msun), 0.99)
    vesc = np.sqrt(2.0 * G_NEWTON * M_msun * M_SUN * (1.0 - gam) / (R_rsun * R_SUN))
    return kp00_ratio(teff) * vesc


def mdot_nl00(L_lsun, Y, Z):
    """Wolf-Rayet mass-loss rate [g/s] (Nugis & Lamers 2000, Eq. 22)."""
    logm = NL00_LOG_A + NL00_L * np.log10(L_lsun) + NL00_Y * np.log10(Y) + NL00_Z * np.log10(Z)
    return 10.0 ** logm * MSUN_PER_YR


def wind_power(mdot, vinf):
    """Kinetic power of a wind [erg/s]: L = Mdot v^2 / 2."""
    return 0.5 * mdot * vinf * vinf


__all__ = ["mdot_nj90", "vinf_kp00", "mdot_nl00", "wind_power", "kp00_ratio",
           "eddington_gamma_e", "L_SUN"]
