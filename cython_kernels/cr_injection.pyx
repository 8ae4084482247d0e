# cython: boundscheck=False, wraparound=False, cdivision=True, language_level=3
"""Superposition of exponential-cutoff power laws (seed 001 Eqs. 6, 7 and the time integrals).

For samples i (star mass x time node) with weights w[i, z] (nuclei of species z), cutoff
rigidity rmax[i] [GV] and normalisation c[i] [GV^-1], on rigidities R[j] [GV]:

    S[z, j]  = sum_i w[i, z] c[i] R_j^gamma exp(-(R_j - shift) / rmax[i])
    D[z, j]  = sum_i w[i, z] c[i] R_j^gamma exp(-(R_j - shift) / rmax[i]) (gamma - R_j/rmax[i])

D = R dS/dR, so D/S is the local slope d ln S / d ln R (seed 001 Eq. 13).  Samples with
rmax <= 0 contribute nothing.  The reduction runs over i in ascending order (deterministic).
NumPy reference: hpcsim.acceleration.injection.superpose_spectra_numpy.
"""

from libc.math cimport exp, log
import numpy as np


def superpose_spectra(const double[:, ::1] w, const double[::1] rmax, const double[::1] c,
                      const double[::1] R, double gamma, double shift):
    cdef Py_ssize_t n = w.shape[0], nz = w.shape[1], nr = R.shape[0]
    cdef Py_ssize_t i, j, z
    cdef double e, x, inv
    S_arr = np.zeros((nz, nr))
    D_arr = np.zeros((nz, nr))
    cdef double[:, ::1] S = S_arr
    cdef double[:, ::1] D = D_arr
    cdef double[::1] lnR = np.log(np.asarray(R))
    with nogil:
        for i in range(n):
            if rmax[i] <= 0.0 or c[i] == 0.0:
                continue
            inv = 1.0 / rmax[i]
            for j in range(nr):
                x = gamma * lnR[j] - (R[j] - shift) * inv
                if x < -745.0:
                    continue
                e = c[i] * exp(x)
                for z in range(nz):
                    S[z, j] += w[i, z] * e
                    D[z, j] += w[i, z] * e * (gamma - R[j] * inv)
    return S_arr, D_arr
