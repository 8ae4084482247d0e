# cython: boundscheck=False, wraparound=False, cdivision=True, language_level=3
"""Gas column density along lines of sight (hot loop of the CR-sea maps).

N_H(l, b) = int_0^{s_max} n_H(x(s), y(s), z(s)) ds [returned in kpc cm^-3], midpoint rule on n_steps equal steps,
summed sequentially (deterministic).  Same physics as the NumPy reference
``hpcsim.sky.line_of_sight.column_density_numpy``, which calls ``hpcsim.galaxy.gas.n_hydrogen``.

The gas formula is re-implemented here (Ferriere 2001 Eq. 3 for H2; Dickey & Lockman 1990 with
flaring for H I; see hpcsim/galaxy/gas.py for citations); its parameters come in ``params``
(built in Python from the gas module constants) so both stay in step; the kernel-vs-reference
test catches any change of the formula itself.

model = 0: constant density params[0] [cm^-3] (test mode).
model = 1: params = [R_F, H2_N0, H2_RING, H2_WIDTH, H2_H0, H2_FLARE, H2_R_MIN,
                     HI_N0, HI_N1, HI_N2, HI_H0, HI_H1, HI_H2, HI_R_MIN]  (kpc, cm^-3).
"""

from libc.math cimport exp, sqrt, cos, sin, fabs, pow

cdef inline double n_gas(double x, double y, double z, const double[::1] p) noexcept nogil:
    cdef double R = sqrt(x * x + y * y)
    cdef double h, n2 = 0.0, n1 = 0.0, s, az
    if R >= p[6]:
        h = p[4] * pow(R / p[0], p[5])
        n2 = p[1] * exp(-((R - p[2]) * (R - p[2]) - (p[0] - p[2]) * (p[0] - p[2])) / (p[3] * p[3]))
        n2 = n2 * exp(-(z / h) * (z / h))
        n2 = 2.0 * n2
    if R >= p[13]:
        s = R / p[0]
        if s < 1.0:
            s = 1.0
        az = fabs(z) / s
        n1 = (p[7] * exp(-(az / p[10]) * (az / p[10])) + p[8] * exp(-(az / p[11]) * (az / p[11]))
              + p[9] * exp(-az / p[12])) / s
    return n1 + n2


def column_density(const double[::1] l_rad, const double[::1] b_rad, double s_max_kpc,
                   Py_ssize_t n_steps, double r0_kpc, double z_sun_kpc,
                   const double[::1] params, int model):
    """Column density towards each (l, b) [rad] in kpc cm^-3 (multiply by KPC for cm^-2)."""
    cdef Py_ssize_t n = l_rad.shape[0], i, k
    if b_rad.shape[0] != n:
        raise ValueError("l and b must have the same length")
    if n_steps < 1:
        raise ValueError("n_steps must be >= 1")
    if model == 1 and params.shape[0] < 14:
        raise ValueError("model 1 needs 14 parameters")
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
                    acc = acc + n_gas(x, y, z, params)
            out[i] = acc * ds
    return out_arr
