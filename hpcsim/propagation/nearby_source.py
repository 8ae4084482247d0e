"""A single nearby burst source: the 3D diffusion Green's function (seed 001 Sec. IV.3, the
nearby Type Ia supernova remnant of Fig. 10).

A burst at distance d and age t injects Q(R) particles per unit rigidity; with the Galactic
diffusion coefficient D(R), no losses and no boundaries (Syrovatskii 1959; e.g. Atoyan,
Aharonian & Voelk 1995, PRD 52, 3265, Eq. 3 without losses), the density per unit rigidity is

    n(R) = Q(R) exp[-d^2 / (4 D t)] / (4 pi D t)^(3/2)

and the intensity J(R) = v n / (4 pi).  Seed 001: t = 50 kyr, d = 1 kpc, Q ~ R^-2 with the
energy of the particles above 1 GV equal to 5.5e50 erg, elemental composition from the ejecta
of the N100 delayed-detonation model (Seitenzahl et al. 2013, MNRAS 429, 1156).
"""

from __future__ import annotations

import numpy as np

from ..constants import AMU_GEV, C_LIGHT, ERG_PER_GEV, KPC, YR

#: N100 ejecta yields [Msun] of Seitenzahl et al. 2013 (MNRAS 429, 1156, Table 2, solar
#: metallicity; element sums of the stable isotopes, as transcribed by the VICE and Chempy
#: chemical-evolution codes, which agree except for Mn: 1.33e-2 (Chempy, from the author's
#: file) vs 9.29e-3 (VICE); we take 1.33e-2)
N100_YIELDS_MSUN = {6: 3.04e-3, 8: 1.01e-1, 10: 3.57e-3, 11: 3.74e-5, 12: 1.54e-2, 13: 6.74e-4,
                    14: 2.87e-1, 15: 5.77e-4, 16: 1.15e-1, 18: 1.96e-2, 20: 1.48e-2, 22: 3.62e-4,
                    24: 1.03e-2, 25: 1.33e-2, 26: 7.40e-1, 28: 7.40e-2}
#: mass numbers of the dominant isotope of each element in the N100 ejecta
N100_A = {6: 12, 8: 16, 10: 20, 11: 23, 12: 24, 13: 27, 14: 28, 15: 31, 16: 32, 18: 36, 20: 40,
          22: 48, 24: 52, 25: 55, 26: 56, 28: 58}


def green_3d(distance, D, t):
    """exp(-d^2 / 4Dt) / (4 pi D t)^(3/2): density per particle injected at distance d after a
    time t (any consistent units)."""
    return np.exp(-distance ** 2 / (4.0 * D * t)) / (4.0 * np.pi * D * t) ** 1.5


def burst_number_fractions(yields=N100_YIELDS_MSUN, mass_numbers=N100_A) -> dict:
    """Number fractions of nuclei {Z: f} from mass yields (n ~ M / A)."""
    n = {Z: y / mass_numbers[Z] for Z, y in yields.items()}
    tot = sum(n.values())
    return {Z: v / tot for Z, v in n.items()}


def burst_spectra(rigidity, d_xx_of, fractions: dict, slope: float, energy_erg: float,
                  age_yr: float, distance_kpc: float, r_min: float = 1.0) -> dict:
    """{Z: J(R)} [m^-2 s^-1 sr^-1 GV^-1] of a burst (module docstring) on ``rigidity`` [GV].

    ``d_xx_of(Z, A, R)`` -> D [cm^2 s^-1]; ``fractions``: number fractions of the injected
    nuclei at equal rigidity; Q_Z(R) = f_Z K R^-slope with K fixed by the kinetic energy above
    ``r_min`` GV."""
    R = np.asarray(rigidity, dtype=float)
    Rg = np.geomspace(r_min, 1e9, 2000)
    e_tot = 0.0
    for Z, f in fractions.items():
        A = N100_A.get(Z, 2 * Z)
        m = A * AMU_GEV
        ek = np.sqrt((Z * Rg) ** 2 + m * m) - m
        e_tot += f * np.trapezoid(ek * Rg ** -slope * Rg, np.log(Rg))  # GeV per unit K
    K = energy_erg / ERG_PER_GEV / e_tot
    t = age_yr * YR
    d = distance_kpc * KPC
    out = {}
    for Z, f in fractions.items():
        A = N100_A.get(Z, 2 * Z)
        m = A * AMU_GEV
        p = Z * R
        beta = p / np.sqrt(p * p + m * m)
        D = d_xx_of(Z, A, R)
        n = f * K * R ** -slope * green_3d(d, D, t)
        out[Z] = beta * C_LIGHT * n / (4 * np.pi) * 1e4  # per cm^2 -> per m^2
    return out
