"""Target gas density n(r) inside a wind-blown bubble (seed 000, Menchiari et al. ICRC 2025, Eq. 3).

Zones (R_b = R_fs is the outer radius of the swept-up shell; R_cd = 0.9 R_fs in seed 000):

* free wind, r <= R_ts:            n_w(r) = Mdot / (4 pi r^2 v_w m_p)
* shocked wind, R_ts < r <= R_cd:  n_b = (Mdot_sh + Mdot) t / (V_b m_p),  V_b = 4/3 pi (R_cd^3 - R_ts^3)
* shell, R_cd < r <= R_fs:         n_s = M_s / (V_s m_p),  M_s = 4/3 pi R_fs^3 rho_0,
                                   V_s = 4/3 pi (R_fs^3 - R_cd^3)

Choices (documented for the README "Physics choices"):

* Free wind: seed 000 Eq. 3 prints Mdot / (4 pi R_ts^2 v_w m_p), i.e. a constant equal to the value
  at the shock.  We use the r^-2 profile of a free wind of constant speed, as the public SAETASS
  code (Garcia-Morillo, Menchiari & Lopez-Coto; ``compute_density_profile``) does; we read the
  seed's R_ts as a typo.  Inside the core r < R_c the density is held at n_w(R_c) (SAETASS).
* Number densities are mass / m_p (seed 000 Eq. 3), i.e. nucleons per cm^3 (helium counted as
  4 nucleons); the rate matrices must be consistent with that (no extra nuclear enhancement for
  the target's helium if it is already counted here).
* Shell evaporation Mdot_sh: two forms (see :func:`shell_evaporation_rate`); default is the
  SAETASS numeric form; the prefactor is a parameter.
* Mdot t in the shocked wind counts all the wind mass lost over the cluster age (seed 000 Eq. 3);
  SAETASS keeps only Mdot_sh t.

Units: CGS (g, cm, s); densities in cm^-3.
"""

from __future__ import annotations

import numpy as np

from ..constants import K_BOLTZMANN, M_PROTON, MSUN_PER_YR, MYR

#: Prefactor [Msun/yr] of the SAETASS evaporation rate at eta_m L = 1e37 erg/s,
#: rho_0 = 10 m_p cm^-3, t = 1 Myr (SAETASS 0.5.1, ``compute_density_profile``).
MDOT_SH_COEFF_DEFAULT = 2.0e-4
#: Spitzer conduction coefficient [erg s^-1 cm^-1 K^-7/2] (Spitzer 1962; Weaver et al. 1977).
C_COND_DEFAULT = 6.0e-7
#: Weaver et al. 1977 (ApJ 218, 377) dimensionless constant of the evaporation rate (their A).
A_WEAVER = 1.646
#: Self-similar Weaver constants (Weaver et al. 1977): R_b = 0.76287 (L t^3/rho)^(1/5),
#: P_b = 0.16295 L^(2/5) rho^(3/5) t^(-4/5)  (PHYSICS-NOTES Sec. 4.1, recomputed there).
_WEAVER_R = 0.76287
_WEAVER_P = 0.16295


def wind_density(r, mdot, v_w):
    """Free-wind density [cm^-3]: n_w = Mdot / (4 pi r^2 v_w m_p) (mass continuity; seed 000 Eq. 3
    with r in place of R_ts, see module docstring).  0 where v_w <= 0."""
    r = np.asarray(r, dtype=float)
    mdot, v_w = np.asarray(mdot, float), np.asarray(v_w, float)
    ok = v_w > 0
    return np.where(ok, mdot / (4.0 * np.pi * r**2 * np.where(ok, v_w, 1.0) * M_PROTON), 0.0)


def shell_evaporation_rate(eta_m_L, rho_0, age, form="saetass", coeff=MDOT_SH_COEFF_DEFAULT,
                           C_cond=C_COND_DEFAULT, mu=0.61, A=A_WEAVER):
    """Mass evaporation rate of the swept-up shell into the hot bubble, Mdot_sh [g/s].

    ``form="saetass"`` (default):
        Mdot_sh = coeff (eta_m L / 1e37 erg s^-1)^(27/35) (rho_0 / (10 m_p cm^-3))^(-2/35)
                  (t / 1 Myr)^(6/35)   Msun/yr,   coeff = 2e-4,
    the numeric form coded in SAETASS (group of Menchiari), itself the self-similar scaling of
    Castor, McCray & Weaver 1975 (ApJ 200, L107) / Weaver et al. 1977.
    ``form="weaver"`` (classical, Weaver et al. 1977 self-similar bubble; the form coded in
    WARPFIELD, PHYSICS-NOTES Sec. 4.4):
        Mdot_sh = (4/25) A (4 pi R_b^3 / t) (mu m_p / k_B) (C t / R_b^2)^(2/7) P_b^(5/7),
    with R_b, P_b the self-similar Weaver radius and pressure for power eta_m L, A = 1.646,
    Spitzer C = 6e-7 cgs.  It equals (16 pi/25)(mu m_p/k_B) C T_c^(5/2) R_b (CMW75) with Weaver's
    central temperature.  Both forms have the same exponents; at eta_m L = 1e37 erg/s,
    rho_0 = 10 m_p, t = 1 Myr the Weaver form gives 1.32e-4 Msun/yr (C = 6e-7, mu = 0.61) against
    2e-4 for SAETASS (ratio 0.66, independent of L, rho_0, t).

    eta_m_L [erg/s] is the bubble-driving power (seed 000: eta_m L_tot); rho_0 [g cm^-3];
    age [s].  ``coeff`` multiplies the SAETASS form (Msun/yr); for the Weaver form the knobs are
    C_cond and mu.  Zero where eta_m_L, rho_0 or age is not positive.
    """
    L, rho, t = (np.asarray(a, dtype=float) for a in (eta_m_L, rho_0, age))
    ok = (L > 0) & (rho > 0) & (t > 0)
    L, rho, t = np.where(ok, L, 1.0), np.where(ok, rho, 1.0), np.where(ok, t, 1.0)
    if form == "saetass":
        out = (coeff * (L / 1e37) ** (27.0 / 35.0) * (rho / (10.0 * M_PROTON)) ** (-2.0 / 35.0)
               * (t / MYR) ** (6.0 / 35.0) * MSUN_PER_YR)
    elif form == "weaver":
        R = _WEAVER_R * (L * t**3 / rho) ** 0.2
        P = _WEAVER_P * L**0.4 * rho**0.6 * t**-0.8
        out = (4.0 / 25.0 * A * (4.0 * np.pi * R**3 / t) * (mu * M_PROTON / K_BOLTZMANN)
               * (C_cond * t / R**2) ** (2.0 / 7.0) * P ** (5.0 / 7.0))
    else:
        raise ValueError(f"form must be 'saetass' or 'weaver', got {form!r}")
    return np.where(ok, out, 0.0)


def bubble_density(mdot, mdot_sh, age, r_ts, r_cd):
    """Shocked-wind density [cm^-3]: n_b = (Mdot_sh + Mdot) t / (V_b m_p),
    V_b = 4/3 pi (R_cd^3 - R_ts^3)  (seed 000 Eq. 3).  0 where V_b <= 0."""
    mdot, mdot_sh, age, r_ts, r_cd = (np.asarray(a, dtype=float)
                                      for a in (mdot, mdot_sh, age, r_ts, r_cd))
    vb = 4.0 / 3.0 * np.pi * (r_cd**3 - np.maximum(r_ts, 0.0) ** 3)
    ok = vb > 0
    return np.where(ok, (mdot_sh + mdot) * age / (np.where(ok, vb, 1.0) * M_PROTON), 0.0)


def shell_density(r_cd, r_fs, rho_0):
    """Shell density [cm^-3]: n_s = M_s / (V_s m_p), M_s = 4/3 pi R_fs^3 rho_0 (all swept-up gas),
    V_s = 4/3 pi (R_fs^3 - R_cd^3) (seed 000 Eq. 3).  For R_cd = 0.9 R_fs, n_s = rho_0/m_p / 0.271
    = 3.69 rho_0/m_p.  0 where V_s <= 0."""
    r_cd, r_fs, rho_0 = (np.asarray(a, dtype=float) for a in (r_cd, r_fs, rho_0))
    ok = r_fs > r_cd
    ratio = r_fs**3 / np.where(ok, r_fs**3 - r_cd**3, 1.0)
    return np.where(ok, ratio * rho_0 / M_PROTON, 0.0)


def target_density_params(mdot, v_w, r_ts, r_cd, r_fs, age, eta_m_L_tot, rho_0, mu=0.61,
                          evap_form="saetass", evap_coeff=MDOT_SH_COEFF_DEFAULT,
                          C_cond=C_COND_DEFAULT):
    """Per-cluster zone parameters of n(r) (seed 000 Eq. 3).

    Inputs (arrays): mdot [g/s], v_w [cm/s], r_ts, r_cd, r_fs [cm], age [s],
    eta_m_L_tot [erg/s] (eta_m L_tot, seed 000 Sec. 2), rho_0 [g/cm^3], mu (mean molecular weight
    of the evaporated gas, only for the ``weaver`` evaporation form).
    Returns dict: ``mdot_sh`` [g/s], ``N_b`` = (Mdot_sh + Mdot) t / m_p (nucleons in the shocked
    wind, finite also when its volume vanishes), ``n_b`` and ``n_sh`` [cm^-3], and
    ``wind_coeff`` = Mdot/(4 pi v_w m_p) [cm^-1] so that n_w(r) = wind_coeff / r^2.
    """
    mdot_sh = shell_evaporation_rate(eta_m_L_tot, rho_0, age, form=evap_form, coeff=evap_coeff,
                                     C_cond=C_cond, mu=mu)
    v_w = np.asarray(v_w, dtype=float)
    okw = v_w > 0
    return {
        "mdot_sh": mdot_sh,
        "N_b": (mdot_sh + np.asarray(mdot, dtype=float)) * np.asarray(age, dtype=float) / M_PROTON,
        "n_b": bubble_density(mdot, mdot_sh, age, r_ts, r_cd),
        "n_sh": shell_density(r_cd, r_fs, rho_0),
        "wind_coeff": np.where(okw, np.asarray(mdot, float)
                               / (4.0 * np.pi * np.where(okw, v_w, 1.0) * M_PROTON), 0.0),
    }


def target_density(r, mdot, v_w, r_ts, r_cd, r_fs, n_b, n_sh, r_c=0.0):
    """n(r) [cm^-3] of one cluster on radii r [cm] (seed 000 Eq. 3): wind (r <= R_ts, held at
    n_w(R_c) for r < R_c), shocked wind (R_ts < r <= R_cd), shell (R_cd < r <= R_fs), 0 beyond
    R_fs (the emission integral stops at R_b = R_fs; seed 000 Eq. 2)."""
    r = np.asarray(r, dtype=float)
    nw = wind_density(np.maximum(r, max(r_c, 1e-300)), mdot, v_w)
    return np.where(r <= r_ts, nw, np.where(r <= r_cd, n_b, np.where(r <= r_fs, n_sh, 0.0)))
