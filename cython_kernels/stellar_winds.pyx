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


cdef inline Py_ssize_t locate(double x, const double[::1] xs, double* frac) noexcept nogil:
    """Index lo and weight frac so that y(x) = y[lo] + frac (y[lo+1] - y[lo]) (clamped)."""
    cdef Py_ssize_t n = xs.shape[0], lo = 0, hi = n - 1, mid
    if x <= xs[0]:
        frac[0] = 0.0
        return 0
    if x >= xs[n - 1]:
        frac[0] = 1.0
        return n - 2
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    frac[0] = (x - xs[lo]) / (xs[hi] - xs[lo])
    return lo


cdef inline double lerp(const double[::1] ys, Py_ssize_t j, double f) noexcept nogil:
    return ys[j] + (ys[j + 1] - ys[j]) * f


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
    cdef double m, lm, age, tto, tsn, L, M, R, md, v, gam, ratio, sig_e, f, logl, logt
    cdef double log_t_hot = log10(21000.0), log_t_cool = 4.0
    cdef Py_ssize_t j
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
                j = locate(lm, log_m, &f)
                tto = lerp(t_tams, j, f)
                tsn = tto + wr_duration if m > wr_mass_min else tto
                m_star[k] = m
                t_sn[k] = tsn
                if age < tto:
                    logl = lerp(log_l, j, f)
                    L = pow(10.0, logl)
                    M = lerp(mass, j, f)
                    R = pow(10.0, lerp(log_r, j, f))
                    logt = lerp(log_teff, j, f)
                    md = pow(10.0, -14.02 + 1.24 * logl + 0.16 * log10(M)
                             + 0.81 * log10(R)) * MSUN_PER_YR
                    gam = 7.66e-5 * sig_e * L / M
                    if gam > 0.99:
                        gam = 0.99
                    ratio = 2.65 if logt >= log_t_hot else (1.4 if logt > log_t_cool else 1.0)
                    v = ratio * sqrt(2.0 * G_NEWTON * M * M_SUN * (1.0 - gam) / (R * R_SUN))
                    md_sum += md
                    lw_sum += 0.5 * md * v * v
                    nms += 1
                elif age < tsn:
                    md = pow(10.0, -11.00 + 1.29 * lerp(log_l_tams, j, f) + 1.73 * log10(wr_Y)
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
