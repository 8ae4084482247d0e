# cython: boundscheck=False, wraparound=False, cdivision=True, language_level=3
"""Per-cluster CR transport integrals, supernova sums and gamma/neutrino fluxes (hot loops of
seed 000 Eqs. 1-3).

Same algorithm, operation by operation, as the NumPy reference
``hpcsim.acceleration.cluster_emission_ref`` (``cluster_transport_ref``, ``sn_sum_ref``,
``fold_fluxes_ref``); the physics and its citations are documented there and in
``hpcsim.acceleration.wind_termination_shock`` (Morlino et al. 2021; Menchiari et al. 2024),
``hpcsim.acceleration.supernovae`` and ``hpcsim.clusters.target_gas``.
No Python objects in the loops; sums run in a fixed order (bit-reproducible).
"""

import numpy as np

from libc.math cimport exp, expm1, fabs, log, pow, sqrt

from hpcsim.constants import (C_LIGHT as _C_LIGHT, E_CHARGE as _E_CHARGE, GEV as _GEV,
                              M_PROTON as _M_PROTON, M_PROTON_GEV as _M_PROTON_GEV, MYR as _MYR)

cdef double C_LIGHT = _C_LIGHT
cdef double E_CHARGE = _E_CHARGE
cdef double GEV = _GEV
cdef double M_PROTON = _M_PROTON
cdef double M_PROTON_GEV = _M_PROTON_GEV
cdef double MYR = _MYR
# the numerical constants of the radial rule live in the NumPy reference (one place)
from hpcsim.acceleration.cluster_emission_ref import (SERIES_D as _SERIES_D, SQRT11 as _SQRT11,
                                                      TAIL_TOL as _TAIL_TOL)

cdef double PI = 3.141592653589793
cdef double SQRT11 = _SQRT11


# a zone sum stops once a pair of cells adds < TAIL_TOL of it; below |d| = SERIES_D a cell uses
# the Taylor series of (e^d - 1)/d (cluster_emission_ref explains both)
cdef double TAIL_TOL = _TAIL_TOL
cdef double SERIES_D = _SERIES_D


cdef inline double ser(double d) noexcept nogil:
    """(e^d - 1)/d by its Taylor series to d^8 (truncation < 3e-16 for |d| < 0.1)."""
    return 1.0 + d * (1.0 / 2.0 + d * (1.0 / 6.0 + d * (1.0 / 24.0 + d * (1.0 / 120.0 + d * (
        1.0 / 720.0 + d * (1.0 / 5040.0 + d * (1.0 / 40320.0 + d * (1.0 / 362880.0))))))))


cdef inline double cell(double du, double e0, double e1, double l0, double l1) noexcept nogil:
    """int over a cell of width du of exp(l), l linear between the nodes, from the node values
    e = exp(l): du (e1 - e0) / (l1 - l0) (exact for exponentials; Taylor series of
    (e^d - 1)/d for |d| < SERIES_D)."""
    cdef double d = l1 - l0
    if fabs(d) >= SERIES_D:
        return du * (e1 - e0) / d
    return du * e0 * ser(d)


cdef inline double pair_sum(double u0, double u1, double u2, double e0, double e1, double e2,
                            double l0, double l1, double l2, double* coarse) noexcept nogil:
    """The two cells [u0, u1], [u1, u2] (upper first, as in the reference) and, in *coarse,
    the single cell [u0, u2] of the Richardson step.  When no cell needs the series, the three
    divisions share one reciprocal (algebraically the same numbers as :func:`cell`)."""
    cdef double da = l1 - l0, db = l2 - l1, dc = l2 - l0, inv
    if fabs(da) >= SERIES_D and fabs(db) >= SERIES_D and fabs(dc) >= SERIES_D:
        inv = 1.0 / (da * db * dc)
        coarse[0] = (u2 - u0) * (e2 - e0) * (da * db * inv)
        return (u2 - u1) * (e2 - e1) * (da * dc * inv) + (u1 - u0) * (e1 - e0) * (db * dc * inv)
    coarse[0] = cell(u2 - u0, e0, e2, l0, l2)
    return cell(u2 - u1, e1, e2, l1, l2) + cell(u1 - u0, e0, e1, l0, l1)


def cluster_transport(const double[::1] e_p, const double[::1] d_out,
                      const double[::1] mdot, const double[::1] v_w, const double[::1] r_ts,
                      const double[::1] r_cd, const double[::1] r_fs, const double[::1] N_b,
                      const double[::1] n_sh, double w, double eta_B, double L_c, double r_c,
                      int n_r, bint volume, double[:, ::1] G, double[:, ::1] VG,
                      long long[::1] status):
    """Fill G[i, k] = int_0^{R_fs} 4 pi r^2 n(r) Gamma(r, p_k) dr [nucleons],
    VG[i, k] = int_0^{R_fs} 4 pi r^2 Gamma(r, p_k) dr [cm^3] and status[i]
    (0 ok, 1 no wind, 2 R_ts <= R_c: no TS zone, 3 R_cd > R_fs or R_cd <= 0: nothing,
    4 R_ts >= R_cd: TS at the shell, R_ts -> R_cd and no shocked-wind zone).
    ``volume = False`` skips the wind's volume integral (VG is then not filled: only the
    "gamma_confined" supernova profile needs it).

    Each zone integral is summed in pairs of cells from its outer node inwards (the integrands
    grow outwards), one exp per node shared by the cells it bounds, Richardson-extrapolated
    (h^2 error cancelled), and stops once a pair adds less than TAIL_TOL of the sum (the thin
    boundary layers of low momenta need a few cells only).  n_r (odd) nodes per zone."""
    cdef Py_ssize_t n_cl = mdot.shape[0], n_p = e_p.shape[0]
    cdef Py_ssize_t i, k, j, z
    if n_r < 3 or n_r % 2 == 0:
        raise ValueError(f"n_r must be odd and >= 3 (cells are paired), got {n_r}")
    cdef double[::1] p_arr = np.empty(n_p)
    cdef double[::1] bv_arr = np.empty(n_p)
    cdef double[::1] g_w = np.empty(n_r)
    cdef double[::1] u_w = np.empty(n_r)
    cdef double[::1] r2_w = np.empty(n_r)
    cdef double[:, ::1] u_z = np.empty((2, n_r))
    cdef double[:, ::1] h_z = np.empty((2, n_r))
    cdef double[:, ::1] r3_z = np.empty((2, n_r))
    cdef double r1[2]
    cdef double r2[2]
    cdef double nz[2]
    cdef double cz[2]
    cdef double T, E, p, bv, t, lx, lnr_ts, lnr1, lnr2, rj, h, rts
    cdef double rb, u2, B1, wind_fac, lc_fac, pre
    cdef double D1, D2, a_w, A2, alpha_b, beta, den, Gk, Vk, Iw, Iv, Ez, zone
    cdef double lw0, lw1, lw2, ew0, ew1, ew2, ev0, ev1, ev2, pw, pv, cw, cv, Iw2, Iv2
    cdef double lz0, lz1, lz2, ez0, ez1, ez2, pz, cez, Ez2
    cdef bint ts_on
    cdef long long st
    for k in range(n_p):
        T = e_p[k]
        p = sqrt(T * (T + 2.0 * M_PROTON_GEV))
        E = T + M_PROTON_GEV
        p_arr[k] = p
        bv_arr[k] = p / E
    lc_fac = pow(L_c, 1.0 - w)
    cdef double b_ratio = pow(1.0 / SQRT11, w)
    with nogil:
        for i in range(n_cl):
            for k in range(n_p):
                G[i, k] = 0.0
                VG[i, k] = 0.0
            if not (mdot[i] > 0.0 and v_w[i] > 0.0 and r_ts[i] > 0.0 and r_fs[i] > 0.0):
                status[i] = 1
                continue
            if not (r_cd[i] > 0.0) or r_cd[i] > r_fs[i]:
                status[i] = 3
                continue
            rts = r_ts[i]
            st = 0
            if rts >= r_cd[i]:
                rts = r_cd[i]
                st = 4
            ts_on = rts > r_c
            if not ts_on:
                st = 2
            status[i] = st
            rb = r_fs[i]
            u2 = 0.25 * v_w[i]
            B1 = sqrt(0.5 * eta_B * mdot[i] * v_w[i]) / rts
            wind_fac = mdot[i] / (v_w[i] * M_PROTON)
            lnr_ts = log(rts)
            # wind grid: nodes log-spaced from R_c to R_ts; g(x) of ln Gamma_w = -a_w g
            if ts_on:
                for j in range(n_r):
                    t = <double>j / <double>(n_r - 1)
                    lx = (log(r_c) - lnr_ts) * (1.0 - t)
                    u_w[j] = lnr_ts + lx
                    r2_w[j] = exp(2.0 * u_w[j])
                    if w == 1.0:
                        g_w[j] = -lx
                    else:
                        g_w[j] = -expm1((1.0 - w) * lx) / (1.0 - w)
            # shocked wind (R_ts..R_cd, N_b nucleons) and shell (R_cd..R_fs, n_sh) grids
            r1[0] = rts
            r2[0] = r_cd[i]
            nz[0] = N_b[i]
            r1[1] = r_cd[i]
            r2[1] = rb
            nz[1] = n_sh[i]
            for z in range(2):
                cz[z] = (r2[z] - r1[z]) * (r2[z] * r2[z] + r2[z] * r1[z] + r1[z] * r1[z]) / 3.0
                if not (r2[z] > r1[z]):
                    continue
                lnr1 = log(r1[z])
                lnr2 = log(r2[z])
                for j in range(n_r):
                    t = <double>j / <double>(n_r - 1)
                    u_z[z, j] = lnr1 * (1.0 - t) + lnr2 * t
                    rj = exp(u_z[z, j])
                    r3_z[z, j] = rj * rj * rj
                    h = rts / rj - rts / rb
                    h_z[z, j] = h if h > 0.0 else 0.0
            for k in range(n_p):
                p = p_arr[k]
                bv = bv_arr[k]
                pre = bv * C_LIGHT / 3.0 * lc_fac
                D1 = pre * pow(p * GEV / (E_CHARGE * B1), w)
                D2 = D1 * b_ratio  # (B1/B2)^w: the field is uniform downstream
                a_w = v_w[i] * rts / D1
                A2 = u2 * rts / D2
                alpha_b = A2 * (1.0 - rts / rb)
                beta = d_out[k] * rb / (u2 * rts * rts)
                den = exp(-alpha_b) - beta * expm1(-alpha_b)
                Gk = 0.0
                Vk = 0.0
                if ts_on:
                    # Iw = int r Gamma_w d ln r, Iv = int r^3 Gamma_w d ln r (nodes: ln of the
                    # integrands lw = u - a_w g, lw + 2u); pairs of cells from R_ts inwards,
                    # Richardson I = I_h + (I_h - I_2h) / 3 (reference: _zone_sums)
                    Iw = 0.0
                    Iv = 0.0
                    Iw2 = 0.0
                    Iv2 = 0.0
                    if w == 1.0:
                        # Bohm: ln Gamma_w = a_w ln(r/R_ts) is linear in u, so one cell over
                        # the whole wind is exact (and the Richardson step has nothing to do)
                        lw0 = u_w[0] - a_w * g_w[0]
                        lw2 = u_w[n_r - 1] - a_w * g_w[n_r - 1]
                        Iw = cell(u_w[n_r - 1] - u_w[0], exp(lw0), exp(lw2), lw0, lw2)
                        if volume:
                            Iv = cell(u_w[n_r - 1] - u_w[0], exp(lw0 + 2.0 * u_w[0]),
                                      exp(lw2 + 2.0 * u_w[n_r - 1]), lw0 + 2.0 * u_w[0],
                                      lw2 + 2.0 * u_w[n_r - 1])
                        Iw2 = Iw
                        Iv2 = Iv
                    lw2 = u_w[n_r - 1] - a_w * g_w[n_r - 1]
                    ew2 = exp(lw2)
                    ev2 = ew2 * r2_w[n_r - 1]
                    for j in range(n_r - 3 if w != 1.0 else -1, -1, -2):
                        lw1 = u_w[j + 1] - a_w * g_w[j + 1]
                        ew1 = exp(lw1)
                        ev1 = ew1 * r2_w[j + 1]
                        lw0 = u_w[j] - a_w * g_w[j]
                        ew0 = exp(lw0)
                        ev0 = ew0 * r2_w[j]
                        pw = pair_sum(u_w[j], u_w[j + 1], u_w[j + 2], ew0, ew1, ew2, lw0, lw1,
                                      lw2, &cw)
                        pv = 0.0
                        cv = 0.0
                        if volume:
                            pv = pair_sum(u_w[j], u_w[j + 1], u_w[j + 2], ev0, ev1, ev2,
                                          lw0 + 2.0 * u_w[j], lw1 + 2.0 * u_w[j + 1],
                                          lw2 + 2.0 * u_w[j + 2], &cv)
                        Iw = Iw + pw
                        Iw2 = Iw2 + cw
                        Iv = Iv + pv
                        Iv2 = Iv2 + cv
                        if pw <= TAIL_TOL * Iw:  # (r^2 times smaller terms: Iv is done too)
                            break
                        lw2 = lw0
                        ew2 = ew0
                        ev2 = ev0
                    Iw = Iw + (Iw - Iw2) / 3.0
                    Iv = Iv + (Iv - Iv2) / 3.0
                    ew0 = exp(-a_w * g_w[0])  # Gamma_w(R_c), the core's value
                    Gk = Gk + wind_fac * Iw + wind_fac * r_c / 3.0 * ew0
                    Vk = Vk + 4.0 * PI * Iv + 4.0 * PI * r_c * r_c * r_c / 3.0 * ew0
                for z in range(2):
                    if not (r2[z] > r1[z]):
                        if z == 0:  # no shocked-wind zone: its mass is a layer at R_ts (Gamma = 1)
                            Gk = Gk + nz[0]
                        continue
                    # Ez = int r^3 E d ln r, nodes lz = 3u - A2 h, from the outer edge inwards
                    Ez = 0.0
                    Ez2 = 0.0
                    lz2 = 3.0 * u_z[z, n_r - 1] - A2 * h_z[z, n_r - 1]
                    ez2 = r3_z[z, n_r - 1] * exp(-A2 * h_z[z, n_r - 1])
                    for j in range(n_r - 3, -1, -2):
                        lz1 = 3.0 * u_z[z, j + 1] - A2 * h_z[z, j + 1]
                        ez1 = r3_z[z, j + 1] * exp(-A2 * h_z[z, j + 1])
                        lz0 = 3.0 * u_z[z, j] - A2 * h_z[z, j]
                        ez0 = r3_z[z, j] * exp(-A2 * h_z[z, j])
                        pz = pair_sum(u_z[z, j], u_z[z, j + 1], u_z[z, j + 2], ez0, ez1, ez2,
                                      lz0, lz1, lz2, &cez)
                        Ez = Ez + pz
                        Ez2 = Ez2 + cez
                        if pz <= TAIL_TOL * Ez:
                            break
                        lz2 = lz0
                        ez2 = ez0
                    Ez = Ez + (Ez - Ez2) / 3.0
                    zone = (beta * cz[z] - (beta - 1.0) * Ez) / den
                    Vk = Vk + 4.0 * PI * zone
                    if z == 0:
                        Gk = Gk + nz[0] * (zone / cz[0])
                    elif nz[1] > 0.0:
                        Gk = Gk + 4.0 * PI * nz[1] * zone
                G[i, k] = Gk
                VG[i, k] = Vk


def sn_sum(const double[::1] e_p, const double[::1] mdot, const double[::1] v_w,
           const double[::1] r_ts, const double[::1] r_cd, const double[::1] r_fs,
           const double[::1] sn_dt, const long long[::1] sn_offsets, double w, double eta_B,
           double L_c, int rule, double esc_coeff, double[:, ::1] S):
    """S[i, k] = sum over the SNe of cluster i that still hold their CRs at momentum p_k of
    exp(-dt esc_coeff D2/R_b^2) (1 when esc_coeff = 0).  rule 0: dt < t_adv (seed 000);
    rule 1: dt < min(t_adv, R_b^2 / (6 D2(p))).  R_ts is capped at R_cd; R_b = R_fs."""
    cdef Py_ssize_t n_cl = mdot.shape[0], n_p = e_p.shape[0]
    cdef Py_ssize_t i, k, s
    cdef double[::1] p_arr = np.empty(n_p)
    cdef double[::1] bv_arr = np.empty(n_p)
    cdef double T, E, p, rts, rb, B2, t_adv, t_conf, t_dif, pre, D2, rate, dt, ssum, lc_fac
    for k in range(n_p):
        T = e_p[k]
        p = sqrt(T * (T + 2.0 * M_PROTON_GEV))
        E = T + M_PROTON_GEV
        p_arr[k] = p
        bv_arr[k] = p / E
    lc_fac = pow(L_c, 1.0 - w)
    with nogil:
        for i in range(n_cl):
            for k in range(n_p):
                S[i, k] = 0.0
            if not (mdot[i] > 0.0 and v_w[i] > 0.0 and r_ts[i] > 0.0 and r_fs[i] > 0.0):
                continue
            if not (r_cd[i] > 0.0) or r_cd[i] > r_fs[i]:
                continue
            rts = r_ts[i]
            if rts > r_cd[i]:
                rts = r_cd[i]
            rb = r_fs[i]
            B2 = SQRT11 * sqrt(0.5 * eta_B * mdot[i] * v_w[i]) / rts
            t_adv = 4.0 * (rb * rb * rb - rts * rts * rts) / (3.0 * v_w[i] * rts * rts)
            for k in range(n_p):
                pre = bv_arr[k] * C_LIGHT / 3.0 * lc_fac
                D2 = pre * pow(p_arr[k] * GEV / (E_CHARGE * B2), w)
                t_conf = t_adv
                if rule == 1:
                    t_dif = rb * rb / (6.0 * D2)
                    if t_dif < t_conf:
                        t_conf = t_dif
                rate = esc_coeff * D2 / (rb * rb)
                ssum = 0.0
                for s in range(sn_offsets[i], sn_offsets[i + 1]):
                    dt = sn_dt[s] * MYR
                    if dt >= 0.0 and dt < t_conf:
                        if esc_coeff > 0.0:
                            ssum = ssum + exp(-dt * rate)
                        else:
                            ssum = ssum + 1.0
                S[i, k] = ssum


def fold_fluxes(const double[:, ::1] W, const double[::1] dist, const double[:, ::1] A,
                double[:, ::1] phi):
    """phi[i, j] = sum_k W[i, k] A[k, j] / (4 pi d_i^2), k ascending (fixed order).  The j loop
    is innermost (contiguous rows of A and phi, vectorised by the compiler); every phi[i, j]
    still sums its k terms in ascending order."""
    cdef Py_ssize_t n_cl = W.shape[0], n_p = W.shape[1], n_e = A.shape[1]
    cdef Py_ssize_t i, j, k
    cdef double wik, geo
    if A.shape[0] != n_p:
        raise ValueError("A must have shape (len(e_p), len(e_out))")
    with nogil:
        for i in range(n_cl):
            for j in range(n_e):
                phi[i, j] = 0.0
            for k in range(n_p):
                wik = W[i, k]
                for j in range(n_e):
                    phi[i, j] = phi[i, j] + wik * A[k, j]
            geo = 1.0 / (4.0 * PI * dist[i] * dist[i])
            for j in range(n_e):
                phi[i, j] = phi[i, j] * geo
