"""Spatial diffusion and reacceleration (diffusion in momentum) of cosmic rays.

Spatial diffusion coefficient (seed 001, Qiu, Lin & Yang 2026, Eq. 15; the Model B' form of
Ma et al. 2023, Front. Phys. 18, 44301), a function of rigidity R and velocity beta:

    D_xx = D0 beta^eta (R / R0)^delta                            R <= R_h
    D_xx = D0 beta^eta (R_h / R0)^delta (R / R_h)^delta_h        R >  R_h

with R0 = 4 GV in the seed (DRAGON2's ``DiffRefRig``).  Always a function of rigidity, never of
momentum per nucleon (DRAGON2-Beta issue #8 is that mix-up).  Spatially constant.

Reacceleration (Seo & Ptuskin 1994, ApJ 431, 705, Eq. 9, as used by GALPROP: Strong &
Moskalenko 1998, ApJ 509, 212, Eq. 2 and by DRAGON2's "Ptuskin94" option):

    D_pp D_xx = 4 p^2 v_A^2 / [3 delta (4 - delta^2)(4 - delta) w]

with w = 1 (ratio of the wave to the magnetic energy density) and delta the low-rigidity slope.
The solver uses K = D_pp / p^2 [s^-1], which depends on the species only through D_xx(R).
"""

from __future__ import annotations

import numpy as np

from ..constants import C_LIGHT, KM


def diffusion_coefficient(rigidity, beta, D0: float, delta: float, eta: float = 1.0,
                          R0: float = 4.0, R_h: float = np.inf, delta_h: float | None = None):
    """D_xx [cm^2 s^-1] at rigidity [GV] and velocity beta (seed 001 Eq. 15).

    D0 [cm^2 s^-1] at R0 [GV]; above R_h [GV] the slope is delta_h (continuous break)."""
    R = np.asarray(rigidity, dtype=float)
    if delta_h is None:
        delta_h = delta
    lo = (R / R0) ** delta
    hi = (R_h / R0) ** delta * (R / R_h) ** delta_h if np.isfinite(R_h) else lo
    return D0 * np.asarray(beta, dtype=float) ** eta * np.where(R <= R_h, lo, hi)


def reacceleration_rate(d_xx, v_alfven_kms: float, delta: float):
    """K = D_pp / p^2 [s^-1] of Seo & Ptuskin (1994) Eq. 9 for D_xx [cm^2 s^-1] and the Alfven
    speed [km s^-1]; ``delta`` is the low-rigidity slope of D_xx (0 < delta < 2)."""
    if not 0.0 < delta < 2.0:
        raise ValueError(f"reacceleration needs 0 < delta < 2, got {delta}")
    vA = v_alfven_kms * KM
    return 4.0 * vA ** 2 / (3.0 * delta * (4.0 - delta ** 2) * (4.0 - delta)
                            * np.asarray(d_xx, dtype=float))


def particle_speed(beta):
    """beta c [cm s^-1]."""
    return np.asarray(beta, dtype=float) * C_LIGHT


def diffusion_smooth_break(rigidity, beta, D0: float, delta: float, R_b: float,
                           d_delta: float, s: float, R0: float = 1.0):
    """D_xx [cm^2 s^-1] with a smooth break (Evoli, Aloisio & Blasi 2019, PRD 99, 103023,
    Eq. 4): D0 beta (R/R0)^delta [1 + (R/R_b)^(d_delta/s)]^(-s); slope delta below R_b and
    delta - d_delta above, the transition's sharpness set by s (R in GV)."""
    R = np.asarray(rigidity, dtype=float)
    return (D0 * np.asarray(beta, dtype=float) * (R / R0) ** delta
            * (1.0 + (R / R_b) ** (d_delta / s)) ** (-s))
