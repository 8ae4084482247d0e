"""Smooth 3D model of the Galactic interstellar gas: atomic (H I) plus molecular (H2) hydrogen.

Used for the ambient density around each cluster (seed 000 Sec. 2) and as the target of the
CR-sea emission (seed 000 Sec. 4).  Positions are Galactocentric x, y, z in kpc (frame of
:mod:`hpcsim.galaxy.coordinates`); densities are hydrogen nuclei per cm^3.

Molecular gas, Ferriere 2001 (Rev. Mod. Phys. 73, 1031), Eq. 3 (valid for R >= 3 kpc; after
Bronfman et al. 1988 and Clemens et al. 1988):
    n_H2(R, z) = 0.58 cm^-3 exp{-[(R - 4.5)^2 - (R_F - 4.5)^2] / 2.9^2} exp{-[z / H2(R)]^2},
    H2(R) = 81 pc (R / R_F)^0.58, R in kpc, R_F = 8.5 kpc (the Sun in Ferriere's model).
    n_H = 2 n_H2.
Atomic gas, Dickey & Lockman 1990 (ARA&A 28, 215) vertical profile as adopted by Ferriere 2001
Eq. 5 for 3.5 kpc <= R <= R_F:
    n_HI(z) = 0.395 e^{-(z/212 pc)^2} + 0.107 e^{-(z/530 pc)^2} + 0.064 e^{-|z|/403 pc} cm^-3.
    Outside R_F the disc flares: scale heights grow as R/R_F while the midplane densities fall
    as R_F/R (constant surface density, a simplification of Ferriere's Eq. 6; see README).
Inside R = 3 kpc (H2) / 3.5 kpc (H I) this model has no gas: the central molecular zone and
the Galactic bar region are not modelled (README, "Physics choices").
"""

from __future__ import annotations

import numpy as np

R_F = 8.5  # kpc, Sun-centre distance in Ferriere 2001
H2_N0, H2_RING, H2_WIDTH, H2_H0, H2_FLARE = 0.58, 4.5, 2.9, 0.081, 0.58  # Ferriere 2001 Eq. 3
H2_R_MIN = 3.0  # kpc
HI_N = (0.395, 0.107, 0.064)  # cm^-3, Dickey & Lockman 1990
HI_H = (0.212, 0.530, 0.403)  # kpc
HI_R_MIN = 3.5  # kpc


def n_h2_nuclei(x, y, z):
    """Hydrogen nuclei in H2 [cm^-3] = 2 n_H2 (Ferriere 2001, Eq. 3)."""
    R = np.hypot(x, y)
    h = H2_H0 * (R / R_F) ** H2_FLARE
    n = H2_N0 * np.exp(-((R - H2_RING) ** 2 - (R_F - H2_RING) ** 2) / H2_WIDTH ** 2)
    n = n * np.exp(-(z / np.where(h > 0, h, 1.0)) ** 2)
    return np.where(R >= H2_R_MIN, 2.0 * n, 0.0)


def n_hi(x, y, z):
    """Atomic hydrogen density [cm^-3] (Dickey & Lockman 1990 profile, flaring beyond R_F)."""
    R = np.hypot(x, y)
    s = np.maximum(R / R_F, 1.0)  # flare factor outside the solar circle
    az = np.abs(z) / s
    n = (HI_N[0] * np.exp(-(az / HI_H[0]) ** 2) + HI_N[1] * np.exp(-(az / HI_H[1]) ** 2)
         + HI_N[2] * np.exp(-az / HI_H[2])) / s
    return np.where(R >= HI_R_MIN, n, 0.0)


def n_hydrogen(x, y, z):
    """Total hydrogen nuclei density n_HI + 2 n_H2 [cm^-3]."""
    return n_hi(x, y, z) + n_h2_nuclei(x, y, z)


def h2_surface_density_profile(R):
    """Relative H2 surface density Sigma_H2(R)/Sigma_H2(R_F) from Ferriere 2001 Eq. 3.

    Integrating Eq. 3 over z gives Sigma ~ n(R, 0) H2(R).  Used as the Galactocentric
    distribution of giant molecular clouds, hence of young clusters.
    """
    R = np.asarray(R, dtype=float)
    prof = np.exp(-((R - H2_RING) ** 2 - (R_F - H2_RING) ** 2) / H2_WIDTH ** 2) \
        * (R / R_F) ** H2_FLARE
    return np.where(R >= H2_R_MIN, prof, 0.0)
