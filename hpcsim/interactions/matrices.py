"""Hadronic gamma-ray and neutrino "rate matrices" (emission interface of CONVENTIONS.md).

A[k, j] = c beta_k dsigma/dE_out(T_k, E_j) dT_k        [cm^3 s^-1 GeV^-1]

with T_k the proton kinetic-energy grid ``e_p`` [GeV], E_j the output grid ``e_out`` [GeV] and dT_k
the trapezoid-in-ln(T) quadrature weight of the e_p grid (:func:`trapz_log_weights`).  For a proton
density spectrum N_k = dN/dT/dV [GeV^-1 cm^-3] and hydrogen density n_H [cm^-3]:

    q_j = n_H sum_k N_k A[k, j]      [GeV^-1 cm^-3 s^-1]      (:func:`emissivity`)

which is the discretised form of eq. 2 of Menchiari et al. (ICRC2025):
q(E) = c n int dT beta(T) N(T) dsigma/dE(T, E)  (the seed writes c; we keep beta c, which differs
by < 0.5 % for T > 10 GeV).  "gamma": Kafexhiu et al. 2014 (seed ref. [16]) or AAfrag;
"nu": all-flavour nu + anti-nu from AAfrag (Koldobskiy et al. 2021, seed ref. [17]).

Nuclear enhancement (argument ``nuclear_enhancement``; normalisation is always per H atom of the
target and per CR *proton* of the spectrum N):

* ``"target"`` - pure protons (cluster CRs) on ISM-like gas with helium and metals (default).
  K14 gamma: eps_target(T) = 1 + sum_j Y_j [A_j/2 + sigma_R(p,A_j) G(T)/(2 sigma_pp)]
  (K14 eqs. 19-24 with no CR nuclei; ~1.38).  AAfrag channels (nu, "aafrag" gamma):
  dsigma_pp + Y_He dsigma_pHe(AAfrag table) + sum_metals Y_j r_j(T) dsigma_pp.
* ``"cr_ism"`` - CR-sea proton spectrum standing in for all CR nuclei, on ISM gas: K14 eq. 24 with
  their CR+ISM coefficients (eps_c, eps_1, eps_2) = (1.37, 0.29, 0.10), eps ~1.78 (10 GeV) ->
  1.69 (1 PeV); applied to all channels (same factor for nu, an approximation: K14 only derive it
  for gammas; the pion multiplicity argument is channel-blind).
* a float - constant factor for all channels, e.g. 1.8 (Mori 2009, APh 31, 341; Kachelriess,
  Moskalenko & Ostapchenko 2014, ApJ 789, 136 give 1.8-2.0 depending on model/composition).
* ``"none"`` or 1.0 - pure p-p.
"""

from __future__ import annotations

import numpy as np

from hpcsim.constants import C_LIGHT, M_PROTON_GEV, MB
from hpcsim.interactions import kafexhiu2014 as k14
from hpcsim.interactions import neutrinos as nu_mod

__all__ = ["log_grid", "trapz_log_weights", "beta_proton", "rate_matrices", "emissivity",
           "dsigma_matrices"]

GAMMA_MODELS = ("kafexhiu2014", "aafrag")
NUCLEAR_MODES = ("target", "cr_ism", "none")


def log_grid(e_min, e_max, per_decade):
    """Log-spaced grid [same unit as inputs] from e_min to e_max inclusive with ``per_decade``
    points per decade: n = round(per_decade log10(e_max/e_min)) + 1 points (exact end points)."""
    if not (e_min > 0 and e_max > e_min and per_decade > 0):
        raise ValueError("need 0 < e_min < e_max and per_decade > 0")
    n = int(round(per_decade * np.log10(e_max / e_min))) + 1
    g = np.logspace(np.log10(e_min), np.log10(e_max), max(n, 2))
    g[0], g[-1] = e_min, e_max
    return g


def trapz_log_weights(e):
    """Quadrature weights w_k [unit of e] with sum_k w_k f(e_k) ~ int f de over [e_0, e_-1]:
    trapezoid rule in ln e, int f de = int (f e) d ln e, so w_k = e_k (ln e_{k+1} - ln e_{k-1})/2
    (one-sided half interval at the ends)."""
    e = np.asarray(e, dtype=float)
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0) or e[0] <= 0:
        raise ValueError("e must be a 1-D strictly increasing positive grid")
    le = np.log(e)
    d = np.diff(le)
    w = np.zeros_like(e)
    w[:-1] += 0.5 * d
    w[1:] += 0.5 * d
    return w * e


def beta_proton(t_p):
    """Proton speed / c for kinetic energy t_p [GeV]: beta = sqrt(1 - (m_p/(T+m_p))^2)."""
    g = 1.0 + np.asarray(t_p, dtype=float) / M_PROTON_GEV
    return np.sqrt(1.0 - 1.0 / (g * g))


def _parse_enhancement(nuclear_enhancement):
    if isinstance(nuclear_enhancement, (int, float, np.floating)) and not isinstance(
            nuclear_enhancement, bool):
        val = float(nuclear_enhancement)
        if not (0.5 <= val <= 5.0):
            raise ValueError("constant nuclear enhancement must be in [0.5, 5]")
        return "const", val
    mode = str(nuclear_enhancement).lower()
    if mode not in NUCLEAR_MODES:
        raise ValueError(f"nuclear_enhancement must be a float or one of {NUCLEAR_MODES}")
    return mode, None


def _aafrag_with_target(channel, t, e, dsig_pp, ism_composition, low_energy):
    """dsigma per H atom for p on (H + He + metals) gas using AAfrag p-He tables (see module doc)."""
    out = dsig_pp.copy()
    for a, y in ism_composition:
        if int(a) == 4:
            out += y * nu_mod.dsigma_p_he(channel, t, e, low_energy)
        else:
            out += y * k14.wounded_nucleon_ratio(t, a)[:, None] * dsig_pp
    return out


def dsigma_matrices(e_p, e_out, gamma_model="kafexhiu2014", high_energy_model="pythia8",
                    nuclear_enhancement="target", ism_composition=None,
                    nu_low_energy="kamae2006", gamma_low_energy="kafexhiu2014"):
    """Differential cross sections dsigma/dE [mb/GeV] (per H atom of the target, nuclear
    enhancement included), dict {"gamma": (len(e_p), len(e_out)), "nu": (...)}.
    Arguments as :func:`rate_matrices`."""
    t = np.atleast_1d(np.asarray(e_p, dtype=float))
    e = np.atleast_1d(np.asarray(e_out, dtype=float))
    mode, const = _parse_enhancement(nuclear_enhancement)
    comp = k14.ISM_ABUNDANCES_ASPLUND09 if ism_composition is None else tuple(ism_composition)
    gm = str(gamma_model).lower()
    if gm not in GAMMA_MODELS:
        raise ValueError(f"gamma_model must be one of {GAMMA_MODELS}")

    if gm == "kafexhiu2014":
        g = k14.dsigma_dE_gamma(t[:, None], e[None, :], high_energy_model)
        if mode == "target":
            g = g * k14.epsilon_target_only(t, comp)[:, None]
    else:
        g = nu_mod.dsigma_dE_gamma_aafrag(t, e, low_energy=gamma_low_energy)
        if mode == "target":
            g = _aafrag_with_target("gamma", t, e, g, comp, gamma_low_energy)
    n = nu_mod.dsigma_dE_nu_all(t, e, low_energy=nu_low_energy)
    if mode == "target":
        n = _aafrag_with_target("nu", t, e, n, comp, nu_low_energy)

    if mode == "cr_ism":
        eps = k14.epsilon_k14_cr_ism(t)[:, None]
        g, n = g * eps, n * eps
    elif mode == "const":
        g, n = g * const, n * const
    return {"gamma": g, "nu": n}


def rate_matrices(e_p, e_out, gamma_model="kafexhiu2014", high_energy_model="pythia8",
                  nuclear_enhancement="target", ism_composition=None,
                  nu_low_energy="kamae2006", gamma_low_energy="kafexhiu2014"):
    """Rate matrices A[k, j] = c beta_k dsigma/dE(T_k, E_j) dT_k  [cm^3 s^-1 GeV^-1].

    Parameters
    ----------
    e_p : proton kinetic-energy grid [GeV], strictly increasing (log-spaced recommended).
    e_out : photon / neutrino energy grid [GeV].
    gamma_model : "kafexhiu2014" (Kafexhiu et al. 2014 PRD 90 123014, seed ref. [16]; default) or
        "aafrag" (Koldobskiy et al. 2021 PRD 104 123027 tables, K14 Geant4 below E_tot = 4 GeV).
    high_energy_model : K14 high-energy model "pythia8" (default), "sibyll", "qgsjet", "geant4".
    nuclear_enhancement : "target" (default), "cr_ism", "none" or a float (module docstring).
    ism_composition : sequence of (A, n_X/n_H) for the target gas without H; default He/H = 0.096
        + Asplund 2009 metals (:data:`kafexhiu2014.ISM_ABUNDANCES_ASPLUND09`). Used by "target".
    nu_low_energy / gamma_low_energy : splice below the AAfrag table (E_tot < 4 GeV):
        "kamae2006" | "kafexhiu2014" | "zero" (see :mod:`hpcsim.interactions.neutrinos`).

    Returns {"gamma": A_g, "nu": A_nu}, each of shape (len(e_p), len(e_out)); "nu" is all-flavour
    (nu_e + anti-nu_e + nu_mu + anti-nu_mu).  Emissivity: q_j = n_H sum_k N_k A[k, j].
    """
    t = np.atleast_1d(np.asarray(e_p, dtype=float))
    ds = dsigma_matrices(t, e_out, gamma_model, high_energy_model, nuclear_enhancement,
                         ism_composition, nu_low_energy, gamma_low_energy)
    fac = (C_LIGHT * MB) * beta_proton(t) * trapz_log_weights(t)
    return {key: np.ascontiguousarray(val * fac[:, None]) for key, val in ds.items()}


def emissivity(N_p, A, n_H=1.0):
    """Emissivity q_j = n_H sum_k N_k A[k, j]  [GeV^-1 cm^-3 s^-1].

    N_p: proton density spectrum dN/dT/dV [GeV^-1 cm^-3] on the e_p grid, shape (n_p,) or
    (..., n_p) for several spectra; A: rate matrix (n_p, n_out) [cm^3 s^-1 GeV^-1]; n_H [cm^-3]
    scalar or broadcastable to N_p's leading shape.  The same call with W_k (target-weighted
    proton content) and n_H = 1 gives 4 pi d^2 times the flux.  Uses ``np.einsum`` without
    BLAS (optimize=False) so the summation order is fixed and results are reproducible.
    """
    N = np.asarray(N_p, dtype=float)
    A = np.asarray(A, dtype=float)
    q = np.einsum("...k,kj->...j", N, A, optimize=False)
    nh = np.asarray(n_H, dtype=float)
    if nh.ndim:
        nh = nh[..., None]
    return nh * q
