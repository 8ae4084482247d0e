"""Solar modulation in the force-field approximation (Gleeson & Axford 1968, ApJ 154, 1011).

For a nucleus of charge Z and mass number A, with kinetic energy per nucleon T [GeV/n] and mass
per nucleon m [GeV], the top-of-atmosphere intensity is

    J_TOA(T) = J_LIS(T + Phi) T (T + 2m) / [(T + Phi)(T + Phi + 2m)],    Phi = (|Z| / A) phi

with phi the modulation potential in GV (Phi in GeV/n).  J is per unit kinetic energy per
nucleon; the factor is the ratio of p^2 at the two energies (Liouville).
"""

from __future__ import annotations

import numpy as np

from ..constants import M_PROTON_GEV


def force_field_energy_shift(Z: int, A: int, phi_gv: float) -> float:
    """Phi = |Z| phi / A [GeV/n]."""
    if phi_gv < 0:
        raise ValueError(f"modulation potential must be >= 0 GV, got {phi_gv}")
    return abs(Z) * phi_gv / A


def modulate(e_kn, j_lis, Z: int, A: int, phi_gv: float, m_n: float = M_PROTON_GEV):
    """Force-field TOA intensity on the grid ``e_kn`` [GeV/n] from the LIS ``j_lis`` given on
    the same grid (per GeV/n); the LIS is interpolated log-log at T + Phi (zero above the
    grid)."""
    T = np.asarray(e_kn, dtype=float)
    J = np.asarray(j_lis, dtype=float)
    Phi = force_field_energy_shift(Z, A, phi_gv)
    Ts = T + Phi
    with np.errstate(divide="ignore"):
        logj = np.where(J > 0, np.log(np.where(J > 0, J, 1.0)), -np.inf)
    jl = np.exp(np.interp(np.log(Ts), np.log(T), logj, right=-np.inf))
    return jl * T * (T + 2 * m_n) / (Ts * (Ts + 2 * m_n))
