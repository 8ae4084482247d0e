"""Per-cluster CR content and gamma/neutrino fluxes: NumPy reference and Python driver.

Seed 000 (Menchiari et al. ICRC 2025):
    Eq. 1  f_cr(r, p) = (f_ts(p) + <f_SN(p)>) Gamma(r, p)
    Eq. 2  phi(E) = (c/d^2) int dr r^2 n(r) int dE_p f_cr dsigma/dE      (written with the
           CONVENTIONS.md rate matrices)
    Eq. 3  n(r) three-zone target density
with f_ts, Gamma from :mod:`hpcsim.acceleration.wind_termination_shock` (Morlino et al. 2021;
Menchiari et al. 2024), <f_SN> from :mod:`hpcsim.acceleration.supernovae` (PROPOSED
reconstruction of Mitchell et al. 2024) and n(r) from :mod:`hpcsim.clusters.target_gas`.

Quantities per cluster i, proton kinetic energy T_k (grid ``e_p`` [GeV]):

    N(r, T) = 4 pi p^2 f_cr(r, p) dp/dT = 4 pi p^2 f_cr / beta          [GeV^-1 cm^-3]
    W_k     = int_0^{R_fs} 4 pi r^2 n(r) N(r, T_k) dr = (f_ts + <f_SN>)(p_k) (4 pi p_k^2/beta_k) G_k
    G_k     = int 4 pi r^2 n(r) Gamma(r, p_k) dr    (Gamma-weighted number of target nucleons)
    phi_j   = sum_k W_k A[k, j] / (4 pi d^2)                              [GeV^-1 cm^-2 s^-1]

Radial quadrature of G (cost O(N_r N_p) per cluster), n_r log-spaced nodes in each zone:

* core r < R_c: n = n_w(R_c), Gamma = Gamma_w(R_c): contributes Mdot R_c / (3 v_w m_p) Gamma_w(R_c);
* wind R_c..R_ts: 4 pi r^2 n_w = Mdot/(v_w m_p), int Gamma_w dr = int r Gamma_w d ln r;
* shocked wind R_ts..R_cd (n_b) and shell R_cd..R_fs (n_sh), with
  Gamma_b = [beta + (1 - beta) E] / den, E = exp(-A2 (R_ts/r - R_ts/R_b)):
  int r^2 Gamma_b dr = [beta C - (beta - 1) int r^3 E d ln r] / den, C = (r2^3 - r1^3)/3 exact.
* each cell integral uses the log-linear rule int exp(ly) du = du exp(max) (1 - e^-|d|)/|d|
  (exact for exponentials, so the thin boundary layers Gamma_w ~ exp(-a_w (1 - r/R_ts)) at
  a_w ~ 1e5 and E near R_b are integrated correctly on a coarse grid; exact for E = 1 too).
The Galactic background is not included (f_gal = 0; the CR sea is a separate model).

Edge cases (status codes, identical in the Cython kernel):
    0 ok;
    1 no wind (Mdot <= 0, v_w <= 0, R_ts <= 0 or R_fs <= 0): W = 0 (Gamma and t_adv need the wind);
    2 R_ts <= R_c: no developed termination shock: f_ts = 0, wind/core zones skipped, the SN term
      is kept in the bubble and shell (PHYSICS-NOTES Sec. 4.2 guard);
    3 R_ts >= R_cd (TS inside the shell: early, wind-dominated stage where the Weaver structure is
      not valid) or R_cd > R_fs (inconsistent input): W = 0.
"""

from __future__ import annotations

import numpy as np

from ..clusters.target_gas import MDOT_SH_COEFF_DEFAULT, C_COND_DEFAULT, target_density_params
from ..constants import C_LIGHT, E_CHARGE, GEV, M_PROTON, M_PROTON_GEV, MYR, PC
from .supernovae import (ESC_COEFF_DEFAULT, E_SN_DEFAULT, P_MAX_SN_DEFAULT, XI_SN_DEFAULT,
                         sn_spectrum_norm)
from .wind_termination_shock import (CUTOFF_COEFFICIENTS, DIFFUSION_EXPONENT, ETA_B_DEFAULT,
                                     L_C_DEFAULT, P_INJ_DEFAULT, XI_CR_DEFAULT, d_ism,
                                     f_ts_norm, p_max_downstream, p_max_upstream, regime_name)

R_C_DEFAULT = 1.0 * PC  # cluster core radius [cm] (PHYSICS-NOTES Sec. 10, PROPOSED)
N_R_DEFAULT = 64  # radial nodes per zone
SQRT11 = 3.3166247903554  # same literal as the kernel


def _loglin(du, ly0, ly1):
    m = np.maximum(ly0, ly1)
    d = np.abs(ly1 - ly0)
    small = d < 1e-8
    ds = np.where(small, 1.0, d)
    phi = np.where(small, 1.0 - 0.5 * d + d * d / 6.0, -np.expm1(-ds) / ds)
    return du * np.exp(m) * phi


def prepare_clusters(mdot, v_w, r_ts, r_cd, r_fs, age, eta_m_L_tot, rho_0, regime, *,
                     eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT, xi_cr=XI_CR_DEFAULT, norm="pressure",
                     p_inj=P_INJ_DEFAULT, mu=0.61, evap_form="saetass",
                     evap_coeff=MDOT_SH_COEFF_DEFAULT, C_cond=C_COND_DEFAULT):
    """Per-cluster inputs of the kernel from physical cluster properties (vectorised).

    mdot [g/s], v_w [cm/s], r_ts, r_cd, r_fs [cm], age [s], eta_m_L_tot [erg/s], rho_0 [g/cm^3].
    Returns dict with ``p_max`` (upstream, [GeV/c]), ``p_max_down`` (downstream condition,
    diagnostic), ``k_ts`` [(GeV/c) cm^-3], ``n_b``, ``n_sh`` [cm^-3], ``mdot_sh`` [g/s].
    """
    regime = regime_name(regime)
    mdot, v_w, r_ts = (np.asarray(a, dtype=float) for a in (mdot, v_w, r_ts))
    pm = p_max_upstream(mdot, v_w, r_ts, regime, eta_B, L_c)
    pmd = p_max_downstream(mdot, v_w, r_ts, regime, eta_B, L_c)
    k = f_ts_norm(mdot, v_w, r_ts, pm, regime, xi_cr=xi_cr, norm=norm, p_inj=p_inj)
    tg = target_density_params(mdot, v_w, r_ts, r_cd, r_fs, age, eta_m_L_tot, rho_0, mu=mu,
                               evap_form=evap_form, evap_coeff=evap_coeff, C_cond=C_cond)
    return {"p_max": pm, "p_max_down": pmd, "k_ts": k, "n_b": tg["n_b"], "n_sh": tg["n_sh"],
            "mdot_sh": tg["mdot_sh"]}


def cluster_content_ref(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, n_b, n_sh, k_ts, p_max,
                        sn_dt, sn_offsets, regime, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT,
                        r_c=R_C_DEFAULT, n_r=N_R_DEFAULT, k_sn=0.0, p_max_sn=P_MAX_SN_DEFAULT,
                        esc_coeff=ESC_COEFF_DEFAULT):
    """NumPy reference of ``hpcsim.kernels.cluster_emission.cluster_content``.

    e_p [GeV] kinetic-energy grid; d_out [cm^2/s] ISM diffusion on that grid; per-cluster arrays
    (see :func:`prepare_clusters`); sn_dt [Myr] ragged times since explosion with sn_offsets
    (int64, n_cl + 1); k_sn [(GeV/c)] per-SN spectrum normalisation (0 disables the SN term).
    Returns (W [n_cl, n_p] in GeV^-1 cm^-3, status int64 [n_cl]); see the module docstring.
    """
    w = DIFFUSION_EXPONENT[regime_name(regime)]
    a1, a2, a3, a4 = CUTOFF_COEFFICIENTS[regime_name(regime)]
    e_p = np.asarray(e_p, dtype=float)
    d_out = np.asarray(d_out, dtype=float)
    mdot, v_w, r_ts, r_cd, r_fs, n_b, n_sh, k_ts, p_max = (
        np.atleast_1d(np.asarray(a, dtype=float))
        for a in (mdot, v_w, r_ts, r_cd, r_fs, n_b, n_sh, k_ts, p_max))
    sn_dt = np.asarray(sn_dt, dtype=float)
    sn_offsets = np.asarray(sn_offsets, dtype=np.int64)
    if n_r < 2:
        raise ValueError("n_r must be >= 2")
    n_cl, n_p = mdot.size, e_p.size
    T = e_p
    p = np.sqrt(T * (T + 2.0 * M_PROTON_GEV))
    E = T + M_PROTON_GEV
    bv = p / E
    jac = 4.0 * np.pi * p * p / (p / E)
    lc_fac = L_c ** (1.0 - w)
    t = np.arange(n_r, dtype=float) / float(n_r - 1)
    W = np.zeros((n_cl, n_p))
    status = np.zeros(n_cl, dtype=np.int64)
    for i in range(n_cl):
        if not (mdot[i] > 0.0 and v_w[i] > 0.0 and r_ts[i] > 0.0 and r_fs[i] > 0.0):
            status[i] = 1
            continue
        if r_ts[i] >= r_cd[i] or r_cd[i] > r_fs[i]:
            status[i] = 3
            continue
        ts_on = r_ts[i] > r_c
        status[i] = 0 if ts_on else 2
        rb = r_fs[i]
        u2 = 0.25 * v_w[i]
        B1 = np.sqrt(0.5 * eta_B * mdot[i] * v_w[i]) / r_ts[i]
        B2 = SQRT11 * B1
        t_adv = 4.0 * (rb * rb * rb - r_ts[i] * r_ts[i] * r_ts[i]) / (3.0 * v_w[i] * r_ts[i] * r_ts[i])
        vb = 4.0 / 3.0 * np.pi * (rb * rb * rb - r_ts[i] * r_ts[i] * r_ts[i])
        wind_fac = mdot[i] / (v_w[i] * M_PROTON)
        lnr_ts = np.log(r_ts[i])
        pre = bv * C_LIGHT / 3.0 * lc_fac
        D1 = pre * (p * GEV / (E_CHARGE * B1)) ** w
        D2 = pre * (p * GEV / (E_CHARGE * B2)) ** w
        a_w = v_w[i] * r_ts[i] / D1
        A2 = u2 * r_ts[i] / D2
        alpha_b = A2 * (1.0 - r_ts[i] / rb)
        beta = d_out * rb / (u2 * r_ts[i] * r_ts[i])
        den = np.exp(-alpha_b) - beta * np.expm1(-alpha_b)
        G = np.zeros(n_p)
        if ts_on:
            lx = (np.log(r_c) - lnr_ts) * (1.0 - t)
            u_w = lnr_ts + lx
            g_w = -lx if w == 1.0 else -np.expm1((1.0 - w) * lx) / (1.0 - w)
            Iw = np.zeros(n_p)
            for j in range(n_r - 1):
                du = u_w[j + 1] - u_w[j]
                Iw = Iw + _loglin(du, u_w[j] - a_w * g_w[j], u_w[j + 1] - a_w * g_w[j + 1])
            G = G + wind_fac * Iw + wind_fac * r_c / 3.0 * np.exp(-a_w * g_w[0])
        for r1, r2, nz in ((r_ts[i], r_cd[i], n_b[i]), (r_cd[i], rb, n_sh[i])):
            cz = (r2 * r2 * r2 - r1 * r1 * r1) / 3.0
            if not (r2 > r1) or nz <= 0.0:
                continue
            u_z = np.log(r1) * (1.0 - t) + np.log(r2) * t
            h_z = np.maximum(r_ts[i] / np.exp(u_z) - r_ts[i] / rb, 0.0)
            Ez = np.zeros(n_p)
            for j in range(n_r - 1):
                du = u_z[j + 1] - u_z[j]
                Ez = Ez + _loglin(du, 3.0 * u_z[j] - A2 * h_z[j], 3.0 * u_z[j + 1] - A2 * h_z[j + 1])
            G = G + 4.0 * np.pi * nz * ((beta * cz - (beta - 1.0) * Ez) / den)
        fts = np.zeros(n_p)
        if ts_on and p_max[i] > 0.0:
            x = p / p_max[i]
            fts = k_ts[i] * p**-4.0 * (1.0 + a1 * x**a2) * np.exp(-a3 * x**a4)
        fsn = np.zeros(n_p)
        if k_sn > 0.0:
            ssum = np.zeros(n_p)
            rate = esc_coeff * D2 / (rb * rb)
            for s in range(sn_offsets[i], sn_offsets[i + 1]):
                dt = sn_dt[s] * MYR
                if dt >= 0.0 and dt < t_adv:
                    ssum = ssum + (np.exp(-dt * rate) if esc_coeff > 0.0 else 1.0)
            fsn = k_sn * p**-4.0 * np.exp(-p / p_max_sn) * ssum / vb
        W[i] = (fts + fsn) * jac * G
    return W, status


def fold_fluxes_ref(W, dist, A):
    """phi[i, j] = sum_k W[i, k] A[k, j] / (4 pi d_i^2) [GeV^-1 cm^-2 s^-1]; dist [cm]
    (CONVENTIONS.md emission interface)."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    dist = np.atleast_1d(np.asarray(dist, dtype=float))
    return (W @ np.asarray(A, dtype=float)) / (4.0 * np.pi * dist[:, None] ** 2)


def cluster_content(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, n_b, n_sh, k_ts, p_max, sn_dt,
                    sn_offsets, regime, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT, r_c=R_C_DEFAULT,
                    n_r=N_R_DEFAULT, k_sn=0.0, p_max_sn=P_MAX_SN_DEFAULT,
                    esc_coeff=ESC_COEFF_DEFAULT, backend="cython"):
    """W, status via the Cython kernel (``backend="cython"``) or the reference ("numpy").
    Same arguments as :func:`cluster_content_ref`."""
    if backend == "numpy":
        return cluster_content_ref(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, n_b, n_sh, k_ts,
                                   p_max, sn_dt, sn_offsets, regime, eta_B, L_c, r_c, n_r, k_sn,
                                   p_max_sn, esc_coeff)
    from ..kernels import cluster_emission as ke

    name = regime_name(regime)
    a1, a2, a3, a4 = CUTOFF_COEFFICIENTS[name]
    c = lambda a: np.ascontiguousarray(np.atleast_1d(a), dtype=np.float64)  # noqa: E731
    mdot = c(mdot)
    n_cl = mdot.size
    # the kernel runs without bounds checks: validate shapes here
    for a in (v_w, r_ts, r_cd, r_fs, n_b, n_sh, k_ts, p_max):
        if np.atleast_1d(a).size != n_cl:
            raise ValueError("per-cluster arrays must all have the same length")
    if np.atleast_1d(d_out).size != np.atleast_1d(e_p).size:
        raise ValueError("d_out must be given on the e_p grid")
    so = np.asarray(sn_offsets, dtype=np.int64)
    if so.size != n_cl + 1 or so[0] != 0 or np.any(np.diff(so) < 0) \
            or so[-1] > np.asarray(sn_dt).size:
        raise ValueError("sn_offsets must be non-decreasing, start at 0, have n_cl + 1 entries "
                         "and end at <= len(sn_dt)")
    W = np.zeros((n_cl, len(e_p)))
    status = np.zeros(n_cl, dtype=np.int64)
    ke.cluster_content(c(e_p), c(d_out), mdot, c(v_w), c(r_ts), c(r_cd), c(r_fs), c(n_b),
                       c(n_sh), c(k_ts), c(p_max), c(sn_dt),
                       np.ascontiguousarray(sn_offsets, dtype=np.int64),
                       DIFFUSION_EXPONENT[name], a1, a2, a3, a4, float(eta_B), float(L_c),
                       float(r_c), int(n_r), float(k_sn), float(p_max_sn), float(esc_coeff),
                       W, status)
    return W, status


def fold_fluxes(W, dist, A, backend="cython"):
    """phi = W A / (4 pi d^2) via the Cython kernel (fixed k order) or the reference."""
    if backend == "numpy":
        return fold_fluxes_ref(W, dist, A)
    from ..kernels import cluster_emission as ke

    W = np.ascontiguousarray(np.atleast_2d(W), dtype=np.float64)
    A = np.ascontiguousarray(A, dtype=np.float64)
    phi = np.zeros((W.shape[0], A.shape[1]))
    ke.fold_fluxes(W, np.ascontiguousarray(np.atleast_1d(dist), dtype=np.float64), A, phi)
    return phi


def cluster_fluxes(e_p, matrices, dist, mdot, v_w, r_ts, r_cd, r_fs, age, eta_m_L_tot, rho_0,
                   regime, sn_dt=None, sn_offsets=None, *, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT,
                   xi_cr=XI_CR_DEFAULT, norm="pressure", p_inj=P_INJ_DEFAULT, r_c=R_C_DEFAULT,
                   n_r=N_R_DEFAULT, d_out=None, xi_sn=XI_SN_DEFAULT, e_sn=E_SN_DEFAULT,
                   p_max_sn=P_MAX_SN_DEFAULT, esc_coeff=ESC_COEFF_DEFAULT, mu=0.61,
                   evap_form="saetass", evap_coeff=MDOT_SH_COEFF_DEFAULT, backend="cython"):
    """Full chain for a batch of clusters and one turbulence regime.

    e_p [GeV] proton kinetic-energy grid of the rate matrices; ``matrices`` = dict name -> A
    [len(e_p), n_E] (e.g. {"gamma": A_g, "nu": A_nu} from
    ``hpcsim.interactions.matrices.rate_matrices``); dist [cm]; cluster arrays as in
    :func:`prepare_clusters`; sn_dt [Myr] / sn_offsets ragged times since explosion (None: no
    SN term).  d_out [cm^2/s] on e_p defaults to :func:`d_ism`.
    Returns dict: ``W``, ``status``, ``p_max``, ``p_max_down``, ``k_ts`` and ``phi_<name>``
    [GeV^-1 cm^-2 s^-1] for each matrix.
    """
    e_p = np.asarray(e_p, dtype=float)
    prep = prepare_clusters(mdot, v_w, r_ts, r_cd, r_fs, age, eta_m_L_tot, rho_0, regime,
                            eta_B=eta_B, L_c=L_c, xi_cr=xi_cr, norm=norm, p_inj=p_inj, mu=mu,
                            evap_form=evap_form, evap_coeff=evap_coeff)
    if d_out is None:
        d_out = d_ism(e_p)
    n_cl = np.atleast_1d(mdot).size
    if sn_dt is None:
        sn_dt, sn_offsets, k_sn = np.zeros(0), np.zeros(n_cl + 1, dtype=np.int64), 0.0
    else:
        k_sn = sn_spectrum_norm(xi_sn, e_sn, p_max_sn, p_inj) if xi_sn > 0 else 0.0
    W, status = cluster_content(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, prep["n_b"],
                                prep["n_sh"], prep["k_ts"], prep["p_max"], sn_dt, sn_offsets,
                                regime, eta_B, L_c, r_c, n_r, k_sn, p_max_sn, esc_coeff,
                                backend=backend)
    out = {"W": W, "status": status, "p_max": prep["p_max"], "p_max_down": prep["p_max_down"],
           "k_ts": prep["k_ts"]}
    for name, A in matrices.items():
        out[f"phi_{name}"] = fold_fluxes(W, dist, A, backend=backend)
    return out
