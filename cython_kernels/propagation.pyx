# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False, language_level=3
"""Batched tridiagonal sweeps of the 2D (r, z) + momentum propagation solver.

The density of one species is ``N[ir, iz, ie]`` (C order, energy fastest).  The transport
operator splits into three tridiagonal parts, one per axis (z, r, momentum); every line of the
grid along an axis is an independent tridiagonal system, so each sweep is a batch of Thomas
solves.  The loops are laid out so that the innermost loop runs over contiguous memory:

* z and r sweeps: the recurrence runs along z (or r) and the inner loop over energies, so the
  batch of lines is processed together (vectorisable);
* momentum sweep: each (r, z) cell owns one contiguous line along energy.

Every function has a NumPy twin in :mod:`hpcsim.propagation.sweeps` (the reference used by the
tests).  Lines are independent, so with OpenMP (``num_threads`` > 1) the results are
bit-identical for any number of threads: no sum is ever split between threads.

Tridiagonal convention on a line: ``a[k] x[k-1] + b[k] x[k] + c[k] x[k+1]``.  The solves take
the pre-factorised form (:func:`hpcsim.propagation.sweeps.factorise`): ``m[k] = 1 / (b[k] -
a[k] cp[k-1])`` and ``cp[k] = c[k] m[k]``, so a solve is one forward and one backward pass.
"""

from cython.parallel cimport prange
from libc.math cimport fabs


def residual(const double[:, :, ::1] N, const double[:, :, ::1] q,
             const double[:, ::1] az, const double[:, ::1] bz, const double[:, ::1] cz,
             const double[:, ::1] ar, const double[:, ::1] br, const double[:, ::1] cr,
             const double[:, :, ::1] ap, const double[:, :, ::1] bp, const double[:, :, ::1] cp,
             double[:, :, ::1] R, int num_threads=1):
    """R = A_z N + A_r N + A_p N + q (the time derivative of N; zero in the steady state).

    z coefficients have shape (nz, ne), r coefficients (nr, ne), momentum ones (nr, nz, ne);
    values outside the grid are zero (the boundary conditions are in the coefficients).
    """
    cdef Py_ssize_t nr = N.shape[0], nz = N.shape[1], ne = N.shape[2]
    cdef Py_ssize_t i, j, k
    cdef double s
    for i in prange(nr, nogil=True, num_threads=num_threads, schedule="static"):
        for j in range(nz):
            for k in range(ne):
                s = q[i, j, k] + (bz[j, k] + br[i, k] + bp[i, j, k]) * N[i, j, k]
                if j > 0:
                    s = s + az[j, k] * N[i, j - 1, k]
                if j < nz - 1:
                    s = s + cz[j, k] * N[i, j + 1, k]
                if i > 0:
                    s = s + ar[i, k] * N[i - 1, j, k]
                if i < nr - 1:
                    s = s + cr[i, k] * N[i + 1, j, k]
                if k > 0:
                    s = s + ap[i, j, k] * N[i, j, k - 1]
                if k < ne - 1:
                    s = s + cp[i, j, k] * N[i, j, k + 1]
                R[i, j, k] = s


def scale_by_energy(double[:, :, ::1] d, const double[::1] t, int num_threads=1):
    """d[i, j, k] *= t[k] (the time step of each energy)."""
    cdef Py_ssize_t nr = d.shape[0], nz = d.shape[1], ne = d.shape[2], i, j, k
    for i in prange(nr, nogil=True, num_threads=num_threads, schedule="static"):
        for j in range(nz):
            for k in range(ne):
                d[i, j, k] = d[i, j, k] * t[k]


def solve_z(double[:, :, ::1] d, const double[:, ::1] a, const double[:, ::1] m,
            const double[:, ::1] cp, int num_threads=1):
    """In place: solve every line along z (coefficients (nz, ne), the same for every r)."""
    cdef Py_ssize_t nr = d.shape[0], nz = d.shape[1], ne = d.shape[2], i, j, k
    for i in prange(nr, nogil=True, num_threads=num_threads, schedule="static"):
        for k in range(ne):
            d[i, 0, k] = d[i, 0, k] * m[0, k]
        for j in range(1, nz):
            for k in range(ne):
                d[i, j, k] = (d[i, j, k] - a[j, k] * d[i, j - 1, k]) * m[j, k]
        for j in range(nz - 2, -1, -1):
            for k in range(ne):
                d[i, j, k] = d[i, j, k] - cp[j, k] * d[i, j + 1, k]


def solve_r(double[:, :, ::1] d, const double[:, ::1] a, const double[:, ::1] m,
            const double[:, ::1] cp, int num_threads=1):
    """In place: solve every line along r (coefficients (nr, ne), the same for every z)."""
    cdef Py_ssize_t nr = d.shape[0], nz = d.shape[1], ne = d.shape[2], i, j, k
    for j in prange(nz, nogil=True, num_threads=num_threads, schedule="static"):
        for k in range(ne):
            d[0, j, k] = d[0, j, k] * m[0, k]
        for i in range(1, nr):
            for k in range(ne):
                d[i, j, k] = (d[i, j, k] - a[i, k] * d[i - 1, j, k]) * m[i, k]
        for i in range(nr - 2, -1, -1):
            for k in range(ne):
                d[i, j, k] = d[i, j, k] - cp[i, k] * d[i + 1, j, k]


def solve_p(double[:, :, ::1] d, const double[:, :, ::1] a, const double[:, :, ::1] m,
            const double[:, :, ::1] cp, int num_threads=1):
    """In place: solve the line along energy of every (r, z) cell (coefficients (nr, nz, ne))."""
    cdef Py_ssize_t nr = d.shape[0], nz = d.shape[1], ne = d.shape[2], i, j, k
    for i in prange(nr, nogil=True, num_threads=num_threads, schedule="static"):
        for j in range(nz):
            d[i, j, 0] = d[i, j, 0] * m[i, j, 0]
            for k in range(1, ne):
                d[i, j, k] = (d[i, j, k] - a[i, j, k] * d[i, j, k - 1]) * m[i, j, k]
            for k in range(ne - 2, -1, -1):
                d[i, j, k] = d[i, j, k] - cp[i, j, k] * d[i, j, k + 1]


def update(double[:, :, ::1] N, const double[:, :, ::1] d, double[:, ::1] dmax,
           double[:, ::1] nmax, int num_threads=1):
    """N += d; per radius and energy: dmax[i, k] = max_z |d|, nmax[i, k] = max_z |N| (new N).

    The maxima are per radius so that threads never share an output element; the caller takes
    the maximum over radii (max is exact, so the order does not matter).
    """
    cdef Py_ssize_t nr = N.shape[0], nz = N.shape[1], ne = N.shape[2], i, j, k
    cdef double x, y
    for i in prange(nr, nogil=True, num_threads=num_threads, schedule="static"):
        for k in range(ne):
            dmax[i, k] = 0.0
            nmax[i, k] = 0.0
        for j in range(nz):
            for k in range(ne):
                x = N[i, j, k] + d[i, j, k]
                N[i, j, k] = x
                y = fabs(d[i, j, k])
                if y > dmax[i, k]:
                    dmax[i, k] = y
                y = fabs(x)
                if y > nmax[i, k]:
                    nmax[i, k] = y


def add_production(double[:, :, ::1] q, const double[:, :, ::1] Np, const double[:, ::1] gas,
                   const double[::1] w_gas, const double[::1] w_free, int num_threads=1):
    """q += (gas[i, j] w_gas[k] + w_free[k]) Np[i, j, k].

    Secondary production from one parent (w_gas = beta c sigma at equal E_k/n, times the target
    density in ``gas``) and radioactive feed-down (w_free = 1 / (gamma tau)).
    """
    cdef Py_ssize_t nr = q.shape[0], nz = q.shape[1], ne = q.shape[2], i, j, k
    cdef double g
    for i in prange(nr, nogil=True, num_threads=num_threads, schedule="static"):
        for j in range(nz):
            g = gas[i, j]
            for k in range(ne):
                q[i, j, k] = q[i, j, k] + (g * w_gas[k] + w_free[k]) * Np[i, j, k]
