"""Mock stellar populations of clusters and their collective wind (seed 000 Sec. 2).

For each cluster, stars above 8 Msun are drawn from the Kroupa (2001) IMF: their number is
Poisson with mean M_cl x (stars >= 8 Msun per Msun formed), and their masses follow the
m^-2.3 segment between 8 Msun and the IMF upper mass.  Lower-mass stars carry neither winds nor
supernovae that matter here (seed 000 Sec. 2; Menchiari et al. 2025).

A star of initial mass m in a cluster of age t:
* is on the main sequence while t < t_TO(m) (MIST TAMS age) and blows an NJ90/KP00 wind;
* if m > wr_mass_min, is a Wolf-Rayet star for wr_duration after t_TO (NL00 wind);
* has exploded as a supernova afterwards (explosion age t_SN = t_TO, or t_TO + wr_duration).

Collective wind (Menchiari et al. 2024, A&A 686, A242; seed 000 Sec. 2):
L_w = sum L_i, Mdot = sum Mdot_i, v_w = (2 L_w / Mdot)^1/2.

``collective_wind_numpy`` is the plain NumPy reference of the Cython kernel
``hpcsim.kernels.stellar_winds.collective_wind``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import KM
from ..stars.imf import massive_stars_per_msun, powerlaw_inverse_cdf
from ..stars.table import StarTable
from ..stars.winds import mdot_nj90, mdot_nl00, vinf_kp00, wind_power

M_MASSIVE = 8.0  # Msun: lower mass of stars that end as core-collapse supernovae
KROUPA_HIGH_SLOPE = 2.3  # Kroupa 2001 Eq. 2, m > 0.5 Msun


@dataclass(frozen=True)
class WindParams:
    imf_m_min: float = 0.08  # Msun
    imf_m_max: float = 150.0  # Msun
    wr_mass_min: float = 25.0  # Msun
    wr_duration: float = 0.3  # Myr
    wr_vinf: float = 1600.0  # km/s
    wr_Y: float = 0.98  # surface He mass fraction of WR stars
    wr_Z: float = 0.02  # surface metal mass fraction of WR stars


def draw_massive_stars(cluster_mass, rng: np.random.Generator, p: WindParams):
    """Counts per cluster and uniform deviates for the masses of stars >= 8 Msun.

    Returns (offsets, u): stars of cluster i are u[offsets[i]:offsets[i+1]].
    """
    lam = np.asarray(cluster_mass) * massive_stars_per_msun(M_MASSIVE, p.imf_m_min, p.imf_m_max)
    counts = rng.poisson(lam)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets, rng.random(int(offsets[-1]))


def star_masses(u, p: WindParams):
    """Initial masses [Msun] of stars >= 8 Msun from uniform deviates (inverse CDF)."""
    return powerlaw_inverse_cdf(u, M_MASSIVE, p.imf_m_max, KROUPA_HIGH_SLOPE)


def collective_wind_numpy(u, offsets, age_myr, table: StarTable, p: WindParams):
    """Reference implementation: per-cluster wind sums and per-star explosion ages.

    Returns dict with L_w [erg/s], Mdot [g/s], n_sn, n_ms, n_wr per cluster, and per star
    ``m_star`` [Msun] and ``t_sn`` [Myr] (explosion age; > cluster age if not yet exploded).
    """
    m = star_masses(u, p)
    n_cl = len(offsets) - 1
    cl = np.repeat(np.arange(n_cl), np.diff(offsets))
    age = np.asarray(age_myr)[cl]
    t_to = table.interp("t_tams", m)
    is_wr_mass = m > p.wr_mass_min
    t_sn = np.where(is_wr_mass, t_to + p.wr_duration, t_to)
    ms = age < t_to
    wr = is_wr_mass & (age >= t_to) & (age < t_sn)
    L = 10.0 ** table.interp("log_l", m)
    M = table.interp("mass", m)
    R = 10.0 ** table.interp("log_r", m)
    T = 10.0 ** table.interp("log_teff", m)
    mdot_ms = mdot_nj90(L, M, R)
    l_ms = wind_power(mdot_ms, vinf_kp00(L, M, R, T))
    mdot_wr = mdot_nl00(10.0 ** table.interp("log_l_tams", m), p.wr_Y, p.wr_Z)
    l_wr = wind_power(mdot_wr, p.wr_vinf * KM)
    mdot = np.where(ms, mdot_ms, 0.0) + np.where(wr, mdot_wr, 0.0)
    lw = np.where(ms, l_ms, 0.0) + np.where(wr, l_wr, 0.0)
    out = {
        "L_w": np.bincount(cl, lw, minlength=n_cl),
        "Mdot": np.bincount(cl, mdot, minlength=n_cl),
        "n_sn": np.bincount(cl, age >= t_sn, minlength=n_cl).astype(np.int64),
        "n_ms": np.bincount(cl, ms, minlength=n_cl).astype(np.int64),
        "n_wr": np.bincount(cl, wr, minlength=n_cl).astype(np.int64),
        "m_star": m,
        "t_sn": t_sn,
    }
    return out


def wind_speed(L_w, Mdot):
    """Collective wind speed v_w = (2 L_w / Mdot)^1/2 [cm/s]; 0 where there is no wind."""
    L_w, Mdot = np.asarray(L_w), np.asarray(Mdot)
    return np.sqrt(2.0 * L_w / np.where(Mdot > 0, Mdot, 1.0)) * (Mdot > 0)
