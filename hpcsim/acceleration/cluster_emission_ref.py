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
    G_k     = int_0^{R_fs} 4 pi r^2 n(r) Gamma(r, p_k) dr    (Gamma-weighted target nucleons)
    VG_k    = int_0^{R_fs} 4 pi r^2 Gamma(r, p_k) dr         (Gamma-weighted volume [cm^3])
    S_k     = number of supernovae whose CRs are still held at p_k (see :func:`sn_sum_ref`)
    W_k     = int 4 pi r^2 n(r) N(r, T_k) dr = (f_ts + <f_SN>)(p_k) (4 pi p_k^2/beta_k) G_k
    phi_j   = sum_k W_k A[k, j] / (4 pi d^2)                              [GeV^-1 cm^-2 s^-1]

The hot loops (G, VG: radial quadrature; S: sum over supernovae; the fold) are Cython kernels
(``hpcsim.kernels.cluster_emission``) with the NumPy references below; :func:`assemble_content`
(element-wise, shared by both back ends) builds W from them, so the supernova recipe can change
without redoing the radial quadrature (the variants of :mod:`hpcsim.scenarios.ymsc_diffuse`).

Supernova term <f_SN> (the seed fixes its spatial shape Gamma (Eq. 1) and the t_adv cut, not the
normalisation; ``sn_profile``):
    "gamma"          <f_SN> = sum_SN q(p) / V_SN, times Gamma (seed Eq. 1 read literally);
    "gamma_confined" <f_SN> = sum_SN q(p) / VG(p): the Gamma profile holding every CR of the
                     counted SNe inside R_b (seed Sec. 3: "still confined within the bubble");
    "uniform"        sum_SN q(p) / V_SN uniform inside V_SN, no Gamma, on the gas inside V_SN.
V_SN (``sn_volume``): "cavity" 4/3 pi R_cd^3 (seed Eq. 3's V_b = 4/3 pi (R_cd^3 - R_ts^3) plus the
free-wind volume, which keeps it finite when R_ts -> R_cd); "bubble" 4/3 pi (R_fs^3 - R_ts^3).

Radial quadrature of G and VG (cost O(N_r N_p) per cluster), n_r log-spaced nodes in each zone:

* core r < R_c: n = n_w(R_c), Gamma = Gamma_w(R_c): contributes Mdot R_c / (3 v_w m_p) Gamma_w(R_c);
* wind R_c..R_ts: 4 pi r^2 n_w = Mdot/(v_w m_p), int Gamma_w dr = int r Gamma_w d ln r;
* shocked wind R_ts..R_cd (N_b nucleons spread over its volume) and shell R_cd..R_fs (n_sh), with
  Gamma_b = [beta + (1 - beta) E] / den, E = exp(-A2 (R_ts/r - R_ts/R_b)):
  int r^2 Gamma_b dr = [beta C - (beta - 1) int r^3 E d ln r] / den, C = (r2^3 - r1^3)/3 exact
  (written (r2 - r1)(r2^2 + r1 r2 + r1^2)/3, no cancellation for thin zones).
* each cell integral uses the log-linear rule int exp(ly) du = du (e1 - e0)/(ly1 - ly0) from the
  node values e = exp(ly) (exact for exponentials, so the thin boundary layers
  Gamma_w ~ exp(-a_w (1 - r/R_ts)) at a_w ~ 1e5 and E near R_b are integrated correctly on a
  coarse grid; exact for E = 1 too); one exp per node, shared by its two cells;
* every integrand grows outwards (d/d ln r of its log is > 0), so each zone is summed from its
  outer node inwards and stops once a cell is below TAIL_TOL = 1e-18 of the sum (the rest adds
  < n_r TAIL_TOL): a boundary layer of a low momentum costs a few cells, not n_r.
The Galactic background is not included (f_gal = 0; the CR sea is a separate model).

Termination shock at the shell (R_ts >= R_cd; the youngest, most powerful clusters, where the
Weaver pressure cannot stop the wind before the shell): there is no shocked-wind zone; the free
wind fills the cavity up to R_cd, where it shocks against the shell.  We set R_ts = R_cd in every
formula (B, p_max, f_ts normalisation, Gamma, t_adv) and keep the mass seed Eq. 3 gives the
shocked wind, (Mdot_sh + Mdot) t, as a layer at R_cd (the V_b -> 0 limit, where Gamma = 1).
All of these are continuous as R_ts -> R_cd from below, so such a cluster emits what a cluster
just below the limit emits (tested).

Edge cases (status codes, identical in the Cython kernel):
    0 ok;
    1 no wind (Mdot <= 0, v_w <= 0, R_ts <= 0 or R_fs <= 0): W = 0 (Gamma and t_adv need the wind);
    2 R_ts <= R_c: no developed termination shock: f_ts = 0, wind/core zones skipped, the SN term
      is kept in the bubble and shell (PHYSICS-NOTES Sec. 4.2 guard);
    3 R_cd > R_fs or R_cd <= 0 (inconsistent input): W = 0;
    4 R_ts >= R_cd: termination shock at the shell (above), emission computed.
"""

from __future__ import annotations

import numpy as np

from ..clusters.target_gas import MDOT_SH_COEFF_DEFAULT, C_COND_DEFAULT, target_density_params
from ..constants import C_LIGHT, E_CHARGE, GEV, M_PROTON, M_PROTON_GEV, MYR, PC
from .supernovae import (ESC_COEFF_DEFAULT, E_SN_DEFAULT, P_MAX_SN_DEFAULT, SN_PROFILES,
                         SN_RULES, SN_VOLUMES, XI_SN_DEFAULT, sn_spectrum_norm, sn_volume)
from .wind_termination_shock import (B_COMPRESSION, CUTOFF_COEFFICIENTS, DIFFUSION_EXPONENT, ETA_B_DEFAULT,
                                     L_C_DEFAULT, P_INJ_DEFAULT, XI_CR_DEFAULT, d_ism,
                                     f_ts_norm, p_max_downstream, p_max_upstream, regime_name)

R_C_DEFAULT = 1.0 * PC  # cluster core radius [cm] (PHYSICS-NOTES Sec. 10, PROPOSED)
N_R_DEFAULT = 23  # radial nodes per zone (odd: cells are paired for the Richardson step)
SQRT11 = B_COMPRESSION  # B2 = sqrt(11) dB(R_ts) (M21); the kernel imports it from here


#: the zone sums stop once a pair of cells adds less than TAIL_TOL of the sum (the integrands
#: grow outwards, so the cells further in add < n_r TAIL_TOL); below SERIES_D a cell uses the
#: Taylor series of (e^d - 1)/d: the difference e1 - e0 would lose ~eps/|d| of its digits, and
#: the zone integral is differenced again (cz - Ez, times beta up to ~1e7), so cells are kept at
#: ~eps relative precision
TAIL_TOL = 1e-18
SERIES_D = 0.1


def _expm1_over_x(d):
    """(e^d - 1)/d by its Taylor series to d^8 (truncation < 3e-16 for |d| < 0.1)."""
    return 1.0 + d * (1.0 / 2.0 + d * (1.0 / 6.0 + d * (1.0 / 24.0 + d * (1.0 / 120.0 + d * (
        1.0 / 720.0 + d * (1.0 / 5040.0 + d * (1.0 / 40320.0 + d * (1.0 / 362880.0))))))))


def _cell(du, e0, e1, l0, l1):
    """int over a cell of width du of exp(l), l linear between the nodes, from the node values
    e = exp(l): du (e1 - e0) / (l1 - l0), exact for exponentials (so the thin boundary layers
    Gamma_w ~ exp(-a_w (1 - r/R_ts)) at a_w ~ 1e5 are integrated correctly on a coarse grid);
    Taylor series of (e^d - 1)/d for |d| < SERIES_D."""
    d = l1 - l0
    big = np.abs(d) >= SERIES_D
    series = _expm1_over_x(d)
    return np.where(big, du * (e1 - e0) / np.where(big, d, 1.0), du * e0 * series)


def _pair_cells(u0, u1, u2, e0, e1, e2, l0, l1, l2):
    """The cells [u0, u1] + [u1, u2] (upper first) and the Richardson cell [u0, u2]; where no
    cell needs the series the three divisions share one reciprocal (as in the kernel)."""
    da, db, dc = l1 - l0, l2 - l1, l2 - l0
    big = (np.abs(da) >= SERIES_D) & (np.abs(db) >= SERIES_D) & (np.abs(dc) >= SERIES_D)
    inv = 1.0 / np.where(big, da * db * dc, 1.0)
    pair = np.where(big, (u2 - u1) * (e2 - e1) * (da * dc * inv)
                    + (u1 - u0) * (e1 - e0) * (db * dc * inv),
                    _cell(u2 - u1, e1, e2, l1, l2) + _cell(u1 - u0, e0, e1, l0, l1))
    coarse = np.where(big, (u2 - u0) * (e2 - e0) * (da * db * inv), _cell(u2 - u0, e0, e2, l0, l2))
    return pair, coarse


def _zone_sums(u, ls, es):
    """Richardson-extrapolated sums of the log-linear cells of the integrands exp(l) (ls, es:
    [n_r, n_p] node values of l and exp(l)) on the nodes u (n_r odd): cells are taken in pairs
    from the outer node inwards, I = I_h + (I_h - I_2h)/3 with I_2h from the pairs' outer
    nodes (the rule is symmetric, so its error is even in h: h^2 cancels, h^4 is left).  Stops
    once a pair adds less than TAIL_TOL of the first integrand's sum (the others are that one
    times a power of r growing outwards, so their pairs are relatively smaller still)."""
    n_r, n_p = ls[0].shape
    fine = [np.zeros(n_p) for _ in ls]
    coarse = [np.zeros(n_p) for _ in ls]
    live = np.ones(n_p, dtype=bool)
    for j in range(n_r - 3, -1, -2):
        small = None
        for q, (l, e) in enumerate(zip(ls, es)):
            pair, c2 = _pair_cells(u[j], u[j + 1], u[j + 2], e[j], e[j + 1], e[j + 2], l[j],
                                   l[j + 1], l[j + 2])
            fine[q] = np.where(live, fine[q] + pair, fine[q])
            coarse[q] = np.where(live, coarse[q] + c2, coarse[q])
            if q == 0:
                small = pair <= TAIL_TOL * fine[0]
        live &= ~small
    return [f + (f - c) / 3.0 for f, c in zip(fine, coarse)]


def effective_r_ts(r_ts, r_cd):
    """R_ts capped at R_cd (termination shock at the shell; module docstring)."""
    r_ts, r_cd = np.asarray(r_ts, dtype=float), np.asarray(r_cd, dtype=float)
    return np.where((r_cd > 0) & (r_ts > r_cd), r_cd, r_ts)


def prepare_clusters(mdot, v_w, r_ts, r_cd, r_fs, age, eta_m_L_tot, rho_0, regime, *,
                     eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT, xi_cr=XI_CR_DEFAULT, norm="pressure",
                     p_inj=P_INJ_DEFAULT, mu=0.61, evap_form="saetass",
                     evap_coeff=MDOT_SH_COEFF_DEFAULT, C_cond=C_COND_DEFAULT, downstream=True):
    """Per-cluster inputs of the kernels from physical cluster properties (vectorised).

    mdot [g/s], v_w [cm/s], r_ts, r_cd, r_fs [cm], age [s], eta_m_L_tot [erg/s], rho_0 [g/cm^3].
    R_ts is capped at R_cd first (module docstring).  Returns dict with ``r_ts`` (capped, [cm]),
    ``p_max`` (upstream, [GeV/c]), ``p_max_down`` (downstream condition, diagnostic), ``k_ts``
    [(GeV/c) cm^-3], ``N_b`` [nucleons in the shocked wind], ``n_b``, ``n_sh`` [cm^-3],
    ``mdot_sh`` [g/s].  ``downstream=False`` skips the diagnostic ``p_max_down`` (None).
    """
    regime = regime_name(regime)
    mdot, v_w = (np.asarray(a, dtype=float) for a in (mdot, v_w))
    r_ts = effective_r_ts(r_ts, r_cd)
    pm = p_max_upstream(mdot, v_w, r_ts, regime, eta_B, L_c)
    pmd = p_max_downstream(mdot, v_w, r_ts, regime, eta_B, L_c) if downstream else None
    k = f_ts_norm(mdot, v_w, r_ts, pm, regime, xi_cr=xi_cr, norm=norm, p_inj=p_inj)
    tg = target_density_params(mdot, v_w, r_ts, r_cd, r_fs, age, eta_m_L_tot, rho_0, mu=mu,
                               evap_form=evap_form, evap_coeff=evap_coeff, C_cond=C_cond)
    return {"r_ts": r_ts, "p_max": pm, "p_max_down": pmd, "k_ts": k, "N_b": tg["N_b"],
            "n_b": tg["n_b"], "n_sh": tg["n_sh"], "mdot_sh": tg["mdot_sh"]}


# ---------------------------------------------------------------------------------------------
# NumPy references of the kernels
# ---------------------------------------------------------------------------------------------

def cluster_transport_ref(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh, regime,
                          eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT, r_c=R_C_DEFAULT, n_r=N_R_DEFAULT,
                          volume=True):
    """NumPy reference of ``hpcsim.kernels.cluster_emission.cluster_transport``.

    e_p [GeV] kinetic-energy grid; d_out [cm^2/s] ISM diffusion on that grid; per-cluster arrays:
    mdot [g/s], v_w [cm/s], r_ts, r_cd, r_fs [cm], N_b [nucleons in the shocked wind, seed Eq. 3
    (Mdot_sh + Mdot) t / m_p], n_sh [cm^-3].  Returns (G [n_cl, n_p] nucleons, VG [n_cl, n_p]
    cm^3, status int64 [n_cl]); see the module docstring.
    """
    w = DIFFUSION_EXPONENT[regime_name(regime)]
    e_p = np.asarray(e_p, dtype=float)
    d_out = np.asarray(d_out, dtype=float)
    mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh = (
        np.atleast_1d(np.asarray(a, dtype=float)) for a in (mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh))
    if n_r < 3 or n_r % 2 == 0:
        raise ValueError(f"n_r must be odd and >= 3 (cells are paired), got {n_r}")
    n_cl, n_p = mdot.size, e_p.size
    T = e_p
    p = np.sqrt(T * (T + 2.0 * M_PROTON_GEV))
    E = T + M_PROTON_GEV
    bv = p / E
    lc_fac = L_c ** (1.0 - w)
    t = np.arange(n_r, dtype=float) / float(n_r - 1)
    G = np.zeros((n_cl, n_p))
    VG = np.zeros((n_cl, n_p))
    status = np.zeros(n_cl, dtype=np.int64)
    for i in range(n_cl):
        if not (mdot[i] > 0.0 and v_w[i] > 0.0 and r_ts[i] > 0.0 and r_fs[i] > 0.0):
            status[i] = 1
            continue
        if not (r_cd[i] > 0.0) or r_cd[i] > r_fs[i]:
            status[i] = 3
            continue
        rts, st = r_ts[i], 0
        if rts >= r_cd[i]:
            rts, st = r_cd[i], 4
        ts_on = rts > r_c
        status[i] = st if ts_on else 2
        rb = r_fs[i]
        u2 = 0.25 * v_w[i]
        B1 = np.sqrt(0.5 * eta_B * mdot[i] * v_w[i]) / rts
        wind_fac = mdot[i] / (v_w[i] * M_PROTON)
        lnr_ts = np.log(rts)
        pre = bv * C_LIGHT / 3.0 * lc_fac
        D1 = pre * (p * GEV / (E_CHARGE * B1)) ** w
        D2 = D1 * (1.0 / SQRT11) ** w  # (B1/B2)^w: the field is uniform downstream
        a_w = v_w[i] * rts / D1
        A2 = u2 * rts / D2
        alpha_b = A2 * (1.0 - rts / rb)
        beta = d_out * rb / (u2 * rts * rts)
        den = np.exp(-alpha_b) - beta * np.expm1(-alpha_b)
        Gi = np.zeros(n_p)
        Vi = np.zeros(n_p)
        if ts_on:
            lx = (np.log(r_c) - lnr_ts) * (1.0 - t)
            u_w = lnr_ts + lx
            g_w = -lx if w == 1.0 else -np.expm1((1.0 - w) * lx) / (1.0 - w)
            # Iw = int r Gamma_w d ln r, Iv = int r^3 Gamma_w d ln r: ln of the integrands
            lw = u_w[:, None] - a_w[None, :] * g_w[:, None]
            ew = np.exp(lw)
            ev = ew * np.exp(2.0 * u_w)[:, None]
            lv = lw + 2.0 * u_w[:, None]
            Iv = np.zeros(n_p)
            if w == 1.0:  # Bohm: ln Gamma_w = a_w ln(r/R_ts) is linear in u: one exact cell
                Iw = _cell(u_w[-1] - u_w[0], np.exp(lw[0]), np.exp(lw[-1]), lw[0], lw[-1])
                if volume:
                    Iv = _cell(u_w[-1] - u_w[0], np.exp(lv[0]), np.exp(lv[-1]), lv[0], lv[-1])
            elif volume:
                Iw, Iv = _zone_sums(u_w, (lw, lv), (ew, ev))
            else:
                Iw, = _zone_sums(u_w, (lw,), (ew,))
            core = np.exp(-a_w * g_w[0])  # Gamma_w(R_c)
            Gi = Gi + wind_fac * Iw + wind_fac * r_c / 3.0 * core
            Vi = Vi + 4.0 * np.pi * Iv + 4.0 * np.pi * r_c * r_c * r_c / 3.0 * core
        for z, (r1, r2, nz) in enumerate(((rts, r_cd[i], N_b[i]), (r_cd[i], rb, n_sh[i]))):
            cz = (r2 - r1) * (r2 * r2 + r2 * r1 + r1 * r1) / 3.0
            if not (r2 > r1):
                if z == 0:  # no shocked-wind zone: its mass is a layer at R_ts (Gamma = 1)
                    Gi = Gi + nz
                continue
            u_z = np.log(r1) * (1.0 - t) + np.log(r2) * t
            r_z = np.exp(u_z)
            h_z = np.maximum(rts / r_z - rts / rb, 0.0)
            # Ez = int r^3 E d ln r
            lz = 3.0 * u_z[:, None] - A2[None, :] * h_z[:, None]
            ez = (r_z * r_z * r_z)[:, None] * np.exp(-A2[None, :] * h_z[:, None])
            Ez, = _zone_sums(u_z, (lz,), (ez,))
            zone = (beta * cz - (beta - 1.0) * Ez) / den
            Vi = Vi + 4.0 * np.pi * zone
            if z == 0:
                Gi = Gi + nz * (zone / cz)
            elif nz > 0.0:
                Gi = Gi + 4.0 * np.pi * nz * zone
        G[i] = Gi
        VG[i] = Vi
    return G, (VG if volume else None), status


def sn_sum_ref(e_p, mdot, v_w, r_ts, r_cd, r_fs, sn_dt, sn_offsets, regime, eta_B=ETA_B_DEFAULT,
               L_c=L_C_DEFAULT, rule="advection", esc_coeff=ESC_COEFF_DEFAULT):
    """NumPy reference of ``hpcsim.kernels.cluster_emission.sn_sum``: S [n_cl, n_p].

    S[i, k] = sum over the SNe of cluster i (times since explosion sn_dt [Myr], ragged with
    sn_offsets) with 0 <= dt < t_conf(p_k) of exp(-dt esc_coeff D2/R_b^2) (1 if esc_coeff = 0):
    rule "advection": t_conf = t_adv (seed 000 Sec. 3); rule "diffusion": t_conf =
    min(t_adv, R_b^2 / (6 D2(p))) (diffusive escape per momentum, PHYSICS-NOTES Sec. 7), see
    :mod:`hpcsim.acceleration.supernovae`.  R_ts capped at R_cd; R_b = R_fs.  Sums in input order.
    """
    w = DIFFUSION_EXPONENT[regime_name(regime)]
    code = SN_RULES[rule] if isinstance(rule, str) else int(rule)
    e_p = np.asarray(e_p, dtype=float)
    mdot, v_w, r_ts, r_cd, r_fs = (np.atleast_1d(np.asarray(a, dtype=float))
                                   for a in (mdot, v_w, r_ts, r_cd, r_fs))
    sn_dt = np.asarray(sn_dt, dtype=float)
    sn_offsets = np.asarray(sn_offsets, dtype=np.int64)
    T = e_p
    p = np.sqrt(T * (T + 2.0 * M_PROTON_GEV))
    bv = p / (T + M_PROTON_GEV)
    lc_fac = L_c ** (1.0 - w)
    S = np.zeros((mdot.size, e_p.size))
    for i in range(mdot.size):
        if not (mdot[i] > 0.0 and v_w[i] > 0.0 and r_ts[i] > 0.0 and r_fs[i] > 0.0):
            continue
        if not (r_cd[i] > 0.0) or r_cd[i] > r_fs[i]:
            continue
        rts = min(r_ts[i], r_cd[i])
        rb = r_fs[i]
        B2 = SQRT11 * np.sqrt(0.5 * eta_B * mdot[i] * v_w[i]) / rts
        t_adv = 4.0 * (rb * rb * rb - rts * rts * rts) / (3.0 * v_w[i] * rts * rts)
        D2 = bv * C_LIGHT / 3.0 * lc_fac * (p * GEV / (E_CHARGE * B2)) ** w
        t_conf = np.full(e_p.size, t_adv)
        if code == 1:
            t_conf = np.minimum(t_conf, rb * rb / (6.0 * D2))
        rate = esc_coeff * D2 / (rb * rb)
        ssum = np.zeros(e_p.size)
        for s in range(sn_offsets[i], sn_offsets[i + 1]):
            dt = sn_dt[s] * MYR
            inside = (dt >= 0.0) & (dt < t_conf)
            if esc_coeff > 0.0:
                ssum = ssum + np.where(inside, np.exp(-dt * rate), 0.0)
            else:
                ssum = ssum + np.where(inside, 1.0, 0.0)
        S[i] = ssum
    return S


# ---------------------------------------------------------------------------------------------
# back-end switch and assembly
# ---------------------------------------------------------------------------------------------

def _c(a):
    return np.ascontiguousarray(np.atleast_1d(a), dtype=np.float64)


def cluster_transport(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh, regime,
                      eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT, r_c=R_C_DEFAULT, n_r=N_R_DEFAULT,
                      backend="cython", volume=True):
    """(G, VG, status) via the Cython kernel or the NumPy reference (``backend="numpy"``).
    ``volume=False``: VG is not computed (None; only the "gamma_confined" SN profile uses it)."""
    if backend == "numpy":
        return cluster_transport_ref(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh, regime,
                                     eta_B, L_c, r_c, n_r, volume)
    from ..kernels import cluster_emission as ke

    mdot = _c(mdot)
    n_cl = mdot.size
    # the kernel runs without bounds checks: validate shapes here
    for a in (v_w, r_ts, r_cd, r_fs, N_b, n_sh):
        if np.atleast_1d(a).size != n_cl:
            raise ValueError("per-cluster arrays must all have the same length")
    if np.atleast_1d(d_out).size != np.atleast_1d(e_p).size:
        raise ValueError("d_out must be given on the e_p grid")
    n_p = np.atleast_1d(e_p).size
    G = np.zeros((n_cl, n_p))
    VG = np.zeros((n_cl, n_p))
    status = np.zeros(n_cl, dtype=np.int64)
    ke.cluster_transport(_c(e_p), _c(d_out), mdot, _c(v_w), _c(r_ts), _c(r_cd), _c(r_fs),
                         _c(N_b), _c(n_sh), DIFFUSION_EXPONENT[regime_name(regime)],
                         float(eta_B), float(L_c), float(r_c), int(n_r), bool(volume), G, VG,
                         status)
    return G, (VG if volume else None), status


def _check_offsets(sn_dt, sn_offsets, n_cl):
    so = np.asarray(sn_offsets, dtype=np.int64)
    if so.size != n_cl + 1 or so[0] != 0 or np.any(np.diff(so) < 0) \
            or so[-1] > np.asarray(sn_dt).size:
        raise ValueError("sn_offsets must be non-decreasing, start at 0, have n_cl + 1 entries "
                         "and end at <= len(sn_dt)")
    return so


def sn_sum(e_p, mdot, v_w, r_ts, r_cd, r_fs, sn_dt, sn_offsets, regime, eta_B=ETA_B_DEFAULT,
           L_c=L_C_DEFAULT, rule="advection", esc_coeff=ESC_COEFF_DEFAULT, backend="cython"):
    """S [n_cl, n_p] via the Cython kernel or the NumPy reference (see :func:`sn_sum_ref`)."""
    n_cl = np.atleast_1d(mdot).size
    so = _check_offsets(sn_dt, sn_offsets, n_cl)
    if rule not in SN_RULES:
        raise ValueError(f"unknown SN rule {rule!r}; choose one of {tuple(SN_RULES)}")
    if backend == "numpy":
        return sn_sum_ref(e_p, mdot, v_w, r_ts, r_cd, r_fs, sn_dt, so, regime, eta_B, L_c, rule,
                          esc_coeff)
    from ..kernels import cluster_emission as ke

    for a in (v_w, r_ts, r_cd, r_fs):
        if np.atleast_1d(a).size != n_cl:
            raise ValueError("per-cluster arrays must all have the same length")
    S = np.zeros((n_cl, np.atleast_1d(e_p).size))
    ke.sn_sum(_c(e_p), _c(mdot), _c(v_w), _c(r_ts), _c(r_cd), _c(r_fs), _c(sn_dt),
              np.ascontiguousarray(so), DIFFUSION_EXPONENT[regime_name(regime)], float(eta_B),
              float(L_c), SN_RULES[rule], float(esc_coeff), S)
    return S


def sn_target_nucleons(kind, mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh, r_c=R_C_DEFAULT):
    """Target nucleons inside the SN volume (``sn_profile="uniform"``), per cluster.

    "cavity" (r < R_cd): core n_w(R_c) 4/3 pi R_c^3 + free wind Mdot (R_ts - R_c)/(v_w m_p) + N_b;
    "bubble" (R_ts < r < R_fs): N_b + n_sh 4/3 pi (R_fs^3 - R_cd^3) (= N_b + M_s/m_p).
    R_ts capped at R_cd; no wind term where R_ts <= R_c or there is no wind.
    """
    mdot, v_w, r_cd, r_fs, N_b, n_sh = (np.atleast_1d(np.asarray(a, dtype=float))
                                        for a in (mdot, v_w, r_cd, r_fs, N_b, n_sh))
    r_ts = np.atleast_1d(effective_r_ts(r_ts, r_cd))
    shell = n_sh * 4.0 / 3.0 * np.pi * (r_fs - r_cd) * (r_fs * r_fs + r_fs * r_cd + r_cd * r_cd)
    if kind == "bubble":
        return N_b + shell
    if kind != "cavity":
        raise ValueError(f"unknown SN volume {kind!r}; choose one of {SN_VOLUMES}")
    ok = (mdot > 0) & (v_w > 0) & (r_ts > r_c)
    wind_fac = np.where(ok, mdot / (np.where(ok, v_w, 1.0) * M_PROTON), 0.0)
    return wind_fac * (r_ts - r_c) + wind_fac * r_c / 3.0 + N_b


def shock_term(e_p, status, k_ts, p_max, regime):
    """f_ts [n_cl, n_p] = K p^-4 S_cut(p/p_max) on the grid e_p (0 where the cluster has no
    termination shock: status other than 0 or 4, or p_max <= 0); Menchiari et al. 2024 Table 1
    (:func:`hpcsim.acceleration.wind_termination_shock.f_ts`)."""
    a1, a2, a3, a4 = CUTOFF_COEFFICIENTS[regime_name(regime)]
    T = np.asarray(e_p, dtype=float)
    p = np.sqrt(T * (T + 2.0 * M_PROTON_GEV))
    status = np.asarray(status)
    k_ts = np.atleast_1d(np.asarray(k_ts, dtype=float))
    p_max = np.atleast_1d(np.asarray(p_max, dtype=float))
    ts_on = ((status == 0) | (status == 4)) & (p_max > 0.0)
    pm = np.where(ts_on, p_max, 1.0)[:, None]
    x = p[None, :] / pm
    return np.where(ts_on[:, None], k_ts[:, None] * p**-4.0 * (1.0 + a1 * x**a2)
                    * np.exp(-a3 * x**a4), 0.0)


def assemble_content(e_p, G, VG, S, status, k_ts, p_max, regime, *, k_sn=0.0,
                     p_max_sn=P_MAX_SN_DEFAULT, sn_profile="gamma", v_sn=None, n_target_sn=None,
                     fts=None):
    """W [n_cl, n_p] in GeV^-1 (cm^-3 x cm^3 = nucleon-weighted CR number per GeV) from the
    kernel outputs (element-wise; module docstring):

        f_ts = K p^-4 S_cut(p/p_max) (status 0 or 4, p_max > 0), q = k_sn p^-4 exp(-p/p_max,SN),
        "gamma":          W = (f_ts + q S / V_SN) J G
        "gamma_confined": W = (f_ts + q S / VG) J G
        "uniform":        W = f_ts J G + (q S / V_SN) J N_SN,     J = 4 pi p^2 / beta,
    with V_SN [cm^3] and N_SN (target nucleons in V_SN) per cluster.  Status 1 and 3: W = 0.
    ``fts``: :func:`shock_term` if already computed (variants differing only in the SN term
    share it).
    """
    T = np.asarray(e_p, dtype=float)
    p = np.sqrt(T * (T + 2.0 * M_PROTON_GEV))
    E = T + M_PROTON_GEV
    jac = 4.0 * np.pi * p * p / (p / E)
    status = np.asarray(status)
    if fts is None:
        fts = shock_term(e_p, status, k_ts, p_max, regime)
    if k_sn > 0.0:
        q = (k_sn * p**-4.0 * np.exp(-p / p_max_sn))[None, :] * S
        if sn_profile == "gamma":
            W = (fts + q / np.atleast_1d(np.asarray(v_sn, dtype=float))[:, None]) * jac * G
        elif sn_profile == "gamma_confined":
            if VG is None:
                raise ValueError("sn_profile 'gamma_confined' needs VG (cluster_transport "
                                 "with volume=True)")
            fsn = np.where(VG > 0.0, q / np.where(VG > 0.0, VG, 1.0), 0.0)
            W = (fts + fsn) * jac * G
        elif sn_profile == "uniform":
            W = fts * jac * G + q / np.atleast_1d(np.asarray(v_sn, dtype=float))[:, None] * jac \
                * np.atleast_1d(np.asarray(n_target_sn, dtype=float))[:, None]
        else:
            raise ValueError(f"unknown SN profile {sn_profile!r}; choose one of {SN_PROFILES}")
    else:
        W = fts * jac * G
    dead = (status == 1) | (status == 3)
    W[dead] = 0.0
    return W


def cluster_content(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh, k_ts, p_max, sn_dt,
                    sn_offsets, regime, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT, r_c=R_C_DEFAULT,
                    n_r=N_R_DEFAULT, k_sn=0.0, p_max_sn=P_MAX_SN_DEFAULT,
                    esc_coeff=ESC_COEFF_DEFAULT, sn_rule="advection", sn_profile="gamma",
                    sn_volume_kind="cavity", backend="cython"):
    """W [n_cl, n_p] GeV^-1 and status: transport + SN sum + :func:`assemble_content`.

    Per-cluster arrays as in :func:`prepare_clusters` (r_ts may be the uncapped Weaver value:
    the kernels cap it); sn_dt [Myr] / sn_offsets ragged times since explosion; k_sn [(GeV/c)]
    per-SN spectrum normalisation (0 disables the SN term)."""
    G, VG, status = cluster_transport(e_p, d_out, mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh, regime,
                                      eta_B, L_c, r_c, n_r, backend=backend)
    n_cl = np.atleast_1d(mdot).size
    if k_sn > 0.0:
        S = sn_sum(e_p, mdot, v_w, r_ts, r_cd, r_fs, sn_dt, sn_offsets, regime, eta_B, L_c,
                   sn_rule, esc_coeff, backend=backend)
    else:
        _check_offsets(sn_dt, sn_offsets, n_cl)
        S = np.zeros_like(G)
    v_sn = sn_volume(r_ts, r_cd, r_fs, sn_volume_kind)
    n_t = sn_target_nucleons(sn_volume_kind, mdot, v_w, r_ts, r_cd, r_fs, N_b, n_sh, r_c)
    W = assemble_content(e_p, G, VG, S, status, k_ts, p_max, regime, k_sn=k_sn,
                         p_max_sn=p_max_sn, sn_profile=sn_profile, v_sn=v_sn, n_target_sn=n_t)
    return W, status


def cluster_content_ref(*args, **kwargs):
    """:func:`cluster_content` with the NumPy references (same arguments)."""
    kwargs["backend"] = "numpy"
    return cluster_content(*args, **kwargs)


def fold_fluxes_ref(W, dist, A):
    """phi[i, j] = sum_k W[i, k] A[k, j] / (4 pi d_i^2) [GeV^-1 cm^-2 s^-1]; dist [cm]
    (CONVENTIONS.md emission interface)."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    dist = np.atleast_1d(np.asarray(dist, dtype=float))
    return (W @ np.asarray(A, dtype=float)) / (4.0 * np.pi * dist[:, None] ** 2)


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
                   p_max_sn=P_MAX_SN_DEFAULT, esc_coeff=ESC_COEFF_DEFAULT, sn_rule="advection",
                   sn_profile="gamma", sn_volume_kind="cavity", mu=0.61, evap_form="saetass",
                   evap_coeff=MDOT_SH_COEFF_DEFAULT, backend="cython"):
    """Full chain for a batch of clusters and one turbulence regime.

    e_p [GeV] proton kinetic-energy grid of the rate matrices; ``matrices`` = dict name -> A
    [len(e_p), n_E] (e.g. {"gamma": A_g, "nu": A_nu} from
    ``hpcsim.interactions.matrices.rate_matrices``); dist [cm]; cluster arrays as in
    :func:`prepare_clusters`; sn_dt [Myr] / sn_offsets ragged times since explosion (None: no
    SN term).  d_out [cm^2/s] on e_p defaults to :func:`d_ism`.  SN recipe: ``sn_rule``
    ("advection" | "diffusion"), ``sn_profile`` ("gamma" | "gamma_confined" | "uniform"),
    ``sn_volume_kind`` ("cavity" | "bubble"); module docstring.
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
    W, status = cluster_content(e_p, d_out, mdot, v_w, prep["r_ts"], r_cd, r_fs, prep["N_b"],
                                prep["n_sh"], prep["k_ts"], prep["p_max"], sn_dt, sn_offsets,
                                regime, eta_B, L_c, r_c, n_r, k_sn, p_max_sn, esc_coeff,
                                sn_rule, sn_profile, sn_volume_kind, backend=backend)
    out = {"W": W, "status": status, "p_max": prep["p_max"], "p_max_down": prep["p_max_down"],
           "k_ts": prep["k_ts"]}
    for name, A in matrices.items():
        out[f"phi_{name}"] = fold_fluxes(W, dist, A, backend=backend)
    return out
