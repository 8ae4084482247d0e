"""Continuous energy losses of cosmic-ray nuclei: ionisation and Coulomb scattering.

Formulas of Mannheim & Schlickeiser 1994 (A&A 286, 983, Eqs. 4.13-4.17) in the form used by
GALPROP (Strong & Moskalenko 1998, ApJ 509, 212, App. A; code ``nucleon_loss``) and DRAGON2
(Evoli et al. 2017, JCAP 02, 015, App. B), for a nucleus of charge Z, mass number A, Lorentz
factor gamma (velocity beta):

Ionisation of neutral H and He (He at ``f_he`` = 0.11 per H atom; I_H = 19 eV, I_He = 44 eV):

    -dE/dt = 2 pi r_e^2 m_e c^3 (Z^2 / beta) n_neutral [B_H + f_he B_He],
    B_X = ln[2 m_e c^2 (gamma^2 - 1) Q_max / I_X^2] - 2 beta^2,
    Q_max = 2 m_e c^2 (gamma^2 - 1) / (1 + 2 gamma m_e / M),   M = A m_n.

Coulomb scattering on the ionised gas (electron temperature T_e = 1e4 K):

    -dE/dt = 4 pi r_e^2 m_e c^3 Z^2 (n_e / beta) Lambda beta^3 / (x_m + beta^3),
    Lambda = -(1/2) ln[pi r_e (hbar c)^2 n_e (M + 2 gamma m_e) / (gamma^2 beta^4 m_e^2 M)],
    x_m = (3 sqrt(pi) / 4) beta_e^3,   beta_e = sqrt(2 k T_e / m_e c^2).

Both are per nucleus; the solver needs b = -pdot/p = (-dE/dt) / (beta c p) per unit ln p.
"""

from __future__ import annotations

import numpy as np

from ..constants import C_LIGHT, EV, K_BOLTZMANN

R_E = 2.8179403262e-13  # cm, classical electron radius (CODATA 2018)
M_E_MEV = 0.51099895  # MeV, electron rest energy (CODATA 2018)
HBAR_C_MEV_CM = 1.973269804e-11  # MeV cm (CODATA 2018)
I_H_EV = 19.0  # eV, mean excitation energy of atomic hydrogen (GALPROP, DRAGON2)
I_HE_EV = 44.0  # eV, of helium
F_HE = 0.11  # He atoms per H atom in the ISM (PROPAGATION.md; DRAGON2 He_abundance)
T_E_K = 1.0e4  # K, temperature of the ionised gas

_PI_RE2_MEC3_EV = np.pi * R_E ** 2 * (M_E_MEV * 1e6) * C_LIGHT  # eV cm^3 s^-1 (pi r_e^2 m_e c^3)


def ionisation_rate(Z: int, A: int, gamma, m_n_gev: float, f_he: float = F_HE):
    """-dE/dt [eV s^-1] per neutral H atom per cm^3 (multiply by n_HI + 2 n_H2)."""
    g = np.asarray(gamma, dtype=float)
    beta = np.sqrt(1.0 - 1.0 / g ** 2)
    M_mev = A * m_n_gev * 1e3
    me2 = 2.0 * M_E_MEV * 1e6  # eV
    q_max = me2 * (g ** 2 - 1) / (1.0 + 2.0 * g * M_E_MEV / M_mev)
    B = [np.log(me2 * (g ** 2 - 1) * q_max / I ** 2) - 2.0 * beta ** 2 for I in (I_H_EV, I_HE_EV)]
    return 2.0 * _PI_RE2_MEC3_EV * Z ** 2 / beta * (B[0] + f_he * B[1])


def coulomb_rate(Z: int, A: int, gamma, m_n_gev: float, n_e, t_e: float = T_E_K):
    """-dE/dt [eV s^-1] on ionised gas of electron density ``n_e`` [cm^-3] (array allowed;
    the Coulomb logarithm depends on n_e).  Zero where n_e = 0."""
    g = np.asarray(gamma, dtype=float)
    beta = np.sqrt(1.0 - 1.0 / g ** 2)
    ne = np.asarray(n_e, dtype=float)
    M = A * m_n_gev * 1e3
    beta_e = np.sqrt(2.0 * K_BOLTZMANN * t_e / (M_E_MEV * 1e6 * EV))
    x_m = 0.75 * np.sqrt(np.pi) * beta_e ** 3
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = -0.5 * np.log(np.pi * R_E * HBAR_C_MEV_CM ** 2 * ne * (M + 2 * g * M_E_MEV)
                            / (g ** 2 * beta ** 4 * M_E_MEV ** 2 * M))
        rate = 4.0 * _PI_RE2_MEC3_EV * Z ** 2 * ne / beta * lam * beta ** 3 / (x_m + beta ** 3)
    return np.where(ne > 0, rate, 0.0)


def loss_rate_per_lnp(Z: int, A: int, kin, n_neutral, n_e, f_he: float = F_HE):
    """b = -pdot/p [s^-1] on the grid, shape (n_r, n_z, n_e): ionisation on ``n_neutral`` and
    Coulomb on ``n_e`` (both (n_r, n_z) in cm^-3).  ``kin``: :class:`~.grid.Kinematics`."""
    m_n = kin.m_n
    ion = ionisation_rate(Z, A, kin.gamma, m_n, f_he)  # (ne,)
    coul = coulomb_rate(Z, A, kin.gamma[None, None, :], m_n, np.asarray(n_e)[:, :, None])
    dEdt = np.asarray(n_neutral)[:, :, None] * ion[None, None, :] + coul  # eV/s
    p_ev = A * kin.p_n * 1e9  # eV/c
    return dEdt / (kin.beta * p_ev)[None, None, :]  # (dE/dt) / (beta c p), c cancels in eV units
