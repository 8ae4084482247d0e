# cython: boundscheck=False, wraparound=False, cdivision=True, language_level=3
"""Per-star wind and supernova bookkeeping over all clusters of a task (hot loop).

Same physics as ``hpcsim.clusters.collective_wind.collective_wind_numpy`` (the reference):
inverse-CDF masses on the m^-2.3 Kroupa segment, MIST table lookup linear in log m,
NJ90 mass loss + KP00 terminal velocity on the main sequence, NL00 mass loss for WR stars.
See that module for the citations.  No Python objects inside the loop.
"""

from libc.math cimport log10, pow, sqrt

cdef double G_NEWTON = 6.67430e-8
cdef double M_SUN = 1.98847e33
cdef double R_SUN = 6.957e10
cdef double MSUN_PER_YR = 1.98847e33 / 3.15576e7


cdef inline double interp(double x, const double[::1] xs, const double[::1] ys) noexcept nogil:
    cdef Py_ssize_t n = xs.shape[0], lo = 0, hi = n - 1, mid
    if x <= xs[0]:
        return ys[0]
    if x >= xs[n - 1]:
        return ys[n - 1]
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    return ys[lo] + (ys[hi] - ys[lo]) * (x - xs[lo]) / (xs[hi] - xs[lo])


def collective_wind(const double[::1] u, const long long[::1] offsets, const double[::1] age_myr,
                    const double[::1] log_m, const double[::1] t_tams, const double[::1] log_l,
                    const double[::1] log_teff, const double[::1] log_r, const double[::1] mass,
                    const double[::1] log_l_tams,
                    double m_lo, double m_hi, double slope, double wr_mass_min,
                    double wr_duration, double wr_vinf_cms, double wr_Y, double wr_Z,
                    double[::1] L_w, double[::1] Mdot, long long[::1] n_sn, long long[::1] n_ms,
                    long long[::1] n_wr, double[::1] m_star, double[::1] t_sn):
    """Fill per-cluster L_w [erg/s], Mdot [g/s], counts, and per-star mass and explosion age."""
    cdef Py_ssize_t i, k, n_cl = offsets.shape[0] - 1
    cdef double g = 1.0 - slope
    cdef double a = pow(m_lo, g), b = pow(m_hi, g)
    cdef double m, lm, age, tto, tsn, L, M, R, T, md, v, gam, ratio, sig_e
    cdef double lw_sum, md_sum
    cdef long long nsn, nms, nwr
    sig_e = 0.398 * (1.0 + 2.0 * 0.1) / (1.0 + 4.0 * 0.1)
    with nogil:
        for i in range(n_cl):
            age = age_myr[i]
            lw_sum = 0.0
            md_sum = 0.0
            nsn = 0
            nms = 0
            nwr = 0
            for k in range(offsets[i], offsets[i + 1]):
                m = pow(a + u[k] * (b - a), 1.0 / g)
                lm = log10(m)
                tto = interp(lm, log_m, t_tams)
                tsn = tto + wr_duration if m > wr_mass_min else tto
                m_star[k] = m
                t_sn[k] = tsn
                if age < tto:
                    L = pow(10.0, interp(lm, log_m, log_l))
                    M = interp(lm, log_m, mass)
                    R = pow(10.0, interp(lm, log_m, log_r))
                    T = pow(10.0, interp(lm, log_m, log_teff))
                    md = pow(10.0, -14.02 + 1.24 * log10(L) + 0.16 * log10(M)
                             + 0.81 * log10(R)) * MSUN_PER_YR
                    gam = 7.66e-5 * sig_e * L / M
                    if gam > 0.99:
                        gam = 0.99
                    ratio = 2.65 if T >= 21000.0 else (1.4 if T > 10000.0 else 1.0)
                    v = ratio * sqrt(2.0 * G_NEWTON * M * M_SUN * (1.0 - gam) / (R * R_SUN))
                    md_sum += md
                    lw_sum += 0.5 * md * v * v
                    nms += 1
                elif age < tsn:
                    L = pow(10.0, interp(lm, log_m, log_l_tams))
                    md = pow(10.0, -11.00 + 1.29 * log10(L) + 1.73 * log10(wr_Y)
                             + 0.47 * log10(wr_Z)) * MSUN_PER_YR
                    md_sum += md
                    lw_sum += 0.5 * md * wr_vinf_cms * wr_vinf_cms
                    nwr += 1
                else:
                    nsn += 1
            L_w[i] = lw_sum
            Mdot[i] = md_sum
            n_sn[i] = nsn
            n_ms[i] = nms
            n_wr[i] = nwr
