# cython: boundscheck=False, wraparound=False, cdivision=True, language_level=3
"""Gas column density along lines of sight (hot loop of the CR-sea maps).

N_H(l, b) = int_0^{s_max} n_H(x(s), y(s), z(s)) ds [returned in kpc cm^-3], midpoint rule on n_steps equal steps,
summed sequentially (deterministic).  Same physics as the NumPy reference
``hpcsim.sky.line_of_sight.column_density_numpy``, which calls ``hpcsim.galaxy.gas.n_hydrogen``.

The gas formula is re-implemented here (Ferriere 1998 outside 3 kpc, Ferriere, Gillard & Jean
2007 inside; see hpcsim/galaxy/gas.py for the equations and citations); the kernel-vs-reference
test (rtol 1e-10) catches any divergence between the two.

model = 0: constant density params[0] [cm^-3] (test mode).
model = 1: the Ferriere gas model (params unused).
"""

from libc.math cimport exp, sqrt, cos, sin, fabs, log, pow

cdef double DEG = 3.141592653589793 / 180.0
cdef double R_F = 8.5
# exp(x) is exactly 0.0 in double precision below this (the smallest subnormal is 4.9e-324)
cdef double EXP_ZERO = -746.0
# rotations of the inner-Galaxy frames (Ferriere, Gillard & Jean 2007): computed once here, not
# at every point of every line of sight
cdef double C70 = cos(70.0 * DEG), S70 = sin(70.0 * DEG)
cdef double CA = cos(13.5 * DEG), SA = sin(13.5 * DEG)
cdef double CB = cos(20.0 * DEG), SB = sin(20.0 * DEG)
cdef double CT = cos(48.5 * DEG), ST = sin(48.5 * DEG)


cdef inline double n_gas(double x, double y, double z) noexcept nogil:
    """n_HI + 2 n_H2 [cm^-3] at Galactocentric x, y, z [kpc] (hpcsim.galaxy.gas).  Outside
    3 kpc (R/R_F)^0.58 is one exp(0.58 ln q) and the two H2 factors share one exp."""
    cdef double R = sqrt(x * x + y * y), zpc = z * 1e3, q, qa, t, a, g1, g2, e3, n_h2, n_hi
    cdef double X, Y, Z, xc, yc, ac, cmz, xd, yd, zd, ad, disc
    if R >= 3.0:
        q = R / R_F
        a = q if q > 1.0 else 1.0
        # far from the plane the Gaussian factors are exactly 0.0 in double precision
        # (exp(x) = 0 for x < EXP_ZERO): skip their exp (same numbers, far fewer calls)
        # H2: (R/R_F)^0.58 <= a, so zpc / (81 a) bounds t from below; the radial factor adds
        # at most +16/2.9^2 < 2 to the exponent
        n_h2 = 0.0
        t = zpc / (81.0 * a)
        if 2.0 - t * t >= EXP_ZERO:
            qa = exp(0.58 * log(q))
            t = zpc / (81.0 * qa)
            n_h2 = 0.58 / qa * exp(-((R - 4.5) * (R - 4.5) - (R_F - 4.5) * (R_F - 4.5))
                                   / (2.9 * 2.9) - t * t)
        g1 = (zpc / (127.0 * a)) * (zpc / (127.0 * a))
        g1 = exp(-g1) if -g1 >= EXP_ZERO else 0.0
        g2 = (zpc / (318.0 * a)) * (zpc / (318.0 * a))
        g2 = exp(-g2) if -g2 >= EXP_ZERO else 0.0
        e3 = exp(-fabs(zpc) / (403.0 * a))
        n_hi = (0.340 / (a * a) * (0.859 * g1 + 0.047 * g2 + 0.094 * e3)
                + 0.226 / a * ((1.745 - 1.289 / a) * g1 + (0.473 - 0.070 / a) * g2
                               + (0.283 - 0.142 / a) * e3))
        return n_hi + 2.0 * n_h2
    X = -x * 1e3
    Y = -y * 1e3
    Z = z * 1e3
    xc = (X + 50.0) * C70 + (Y - 50.0) * S70
    yc = -(X + 50.0) * S70 + (Y - 50.0) * C70
    ac = sqrt(xc * xc + 6.25 * yc * yc)
    cmz = exp(-pow((ac - 125.0) / 137.0, 4))
    xd = X * CB * CT - Y * (SA * SB * CT - CA * ST) - Z * (CA * SB * CT + SA * ST)
    yd = -X * CB * ST + Y * (SA * SB * ST + CA * CT) + Z * (CA * SB * ST - SA * CT)
    zd = X * SB + Y * SA * CB + Z * CA * CB
    ad = sqrt(xd * xd + 9.61 * yd * yd)
    disc = exp(-pow((ad - 1200.0) / 438.0, 4))
    n_h2 = 150.0 * cmz * exp(-(zpc / 18.0) * (zpc / 18.0)) + 4.8 * disc * exp(-(zd / 42.0) * (zd / 42.0))
    n_hi = 8.8 * cmz * exp(-(zpc / 54.0) * (zpc / 54.0)) + 0.34 * disc * exp(-(zd / 120.0) * (zd / 120.0))
    return n_hi + 2.0 * n_h2


def column_density(const double[::1] l_rad, const double[::1] b_rad, double s_max_kpc,
                   Py_ssize_t n_steps, double r0_kpc, double z_sun_kpc,
                   const double[::1] params, int model):
    """Column density towards each (l, b) [rad] in kpc cm^-3 (multiply by KPC for cm^-2)."""
    cdef Py_ssize_t n = l_rad.shape[0], i, k
    if b_rad.shape[0] != n:
        raise ValueError("l and b must have the same length")
    if n_steps < 1:
        raise ValueError("n_steps must be >= 1")
    if model == 0 and params.shape[0] < 1:
        raise ValueError("model 0 needs 1 parameter")
    if model != 0 and model != 1:
        raise ValueError("model must be 0 or 1")
    import numpy as np
    out_arr = np.zeros(n, dtype=np.float64)
    cdef double[::1] out = out_arr
    cdef double ds = s_max_kpc / n_steps, s, cb, sb, cl, sl, x, y, z, acc
    with nogil:
        for i in range(n):
            cb = cos(b_rad[i])
            sb = sin(b_rad[i])
            cl = cos(l_rad[i])
            sl = sin(l_rad[i])
            acc = 0.0
            for k in range(n_steps):
                s = (k + 0.5) * ds
                if model == 0:
                    acc = acc + params[0]
                else:
                    x = s * cb * cl - r0_kpc
                    y = s * cb * sl
                    z = s * sb + z_sun_kpc
                    acc = acc + n_gas(x, y, z)
            out[i] = acc * ds
    return out_arr
