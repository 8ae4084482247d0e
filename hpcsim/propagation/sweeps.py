"""Tridiagonal building blocks of the propagation solver: NumPy reference and dispatch.

One species' density is ``N[ir, iz, ie]``.  The transport operator is a sum of three
tridiagonal operators, one per axis (z, r, momentum); each acts along its axis on every line
of the grid.  This module holds

* :func:`factorise`: Thomas pre-factorisation of ``I - theta T A`` along an axis, done once per
  time-step level (NumPy, vectorised over the lines);
* the NumPy references of the compiled sweeps in ``cython_kernels/propagation.pyx``
  (:func:`residual`, :func:`solve_z`, :func:`solve_r`, :func:`solve_p`, :func:`update`,
  :func:`add_production`), written for clarity, used by the tests;
* :class:`Sweeps`, which hands the solver either the compiled kernel or the references.

Tridiagonal convention on a line: ``a[k] x[k-1] + b[k] x[k] + c[k] x[k+1]``; ``a[0]`` and
``c[-1]`` are ignored (zero outside the grid).  Pre-factorised form: ``m[k] = 1 / (b[k] - a[k]
cp[k-1])``, ``cp[k] = c[k] m[k]`` (Thomas algorithm, e.g. Press et al., Numerical Recipes,
Sec. 2.4); valid without pivoting for the diagonally dominant matrices built here.
"""

from __future__ import annotations

import numpy as np


def factorise(a: np.ndarray, b: np.ndarray, c: np.ndarray, axis: int):
    """Pre-factorise tridiagonal systems along ``axis`` -> (a, m, cp), same shapes."""
    a = np.moveaxis(np.asarray(a, dtype=float), axis, 0)
    b = np.moveaxis(np.asarray(b, dtype=float), axis, 0)
    c = np.moveaxis(np.asarray(c, dtype=float), axis, 0)
    m = np.empty_like(b)
    cp = np.empty_like(b)
    m[0] = 1.0 / b[0]
    cp[0] = c[0] * m[0]
    for k in range(1, b.shape[0]):
        m[k] = 1.0 / (b[k] - a[k] * cp[k - 1])
        cp[k] = c[k] * m[k]
    cp[-1] = 0.0
    back = lambda x: np.ascontiguousarray(np.moveaxis(x, 0, axis))  # noqa: E731
    return back(a), back(m), back(cp)


def implicit_operator(a, b, c, theta: float, t: np.ndarray):
    """Coefficients of ``I - theta T A`` for an operator (a, b, c); ``t`` = time step per energy
    (broadcast along the last axis)."""
    s = theta * np.asarray(t, dtype=float)
    return -s * a, 1.0 - s * b, -s * c


# ---------------------------------------------------------------------------------------------
# NumPy references of the compiled sweeps (same signatures, minus num_threads)
# ---------------------------------------------------------------------------------------------

def _shift(x, axis, k):
    """x shifted by k along axis with zeros entering (x[i - k])."""
    out = np.zeros_like(x)
    src = [slice(None)] * x.ndim
    dst = [slice(None)] * x.ndim
    if k > 0:
        src[axis], dst[axis] = slice(None, -k), slice(k, None)
    else:
        src[axis], dst[axis] = slice(-k, None), slice(None, k)
    out[tuple(dst)] = x[tuple(src)]
    return out


def residual(N, q, az, bz, cz, ar, br, cr, ap, bp, cp, R):
    """R = A_z N + A_r N + A_p N + q (reference of ``propagation.residual``)."""
    zb = lambda x: x[None, :, :]  # noqa: E731  (nz, ne) -> broadcast over r
    rb = lambda x: x[:, None, :]  # noqa: E731  (nr, ne) -> broadcast over z
    R[...] = (q + (zb(bz) + rb(br) + bp) * N
              + zb(az) * _shift(N, 1, 1) + zb(cz) * _shift(N, 1, -1)
              + rb(ar) * _shift(N, 0, 1) + rb(cr) * _shift(N, 0, -1)
              + ap * _shift(N, 2, 1) + cp * _shift(N, 2, -1))


def scale_by_energy(d, t):
    d *= np.asarray(t)[None, None, :]


def _solve_axis(d, a, m, cp, axis):
    x = np.moveaxis(d, axis, 0)  # a view: writes go to d
    n = x.shape[0]
    x[0] = x[0] * m[0]
    for k in range(1, n):
        x[k] = (x[k] - a[k] * x[k - 1]) * m[k]
    for k in range(n - 2, -1, -1):
        x[k] = x[k] - cp[k] * x[k + 1]


def solve_z(d, a, m, cp):
    _solve_axis(d, a[:, None, :], m[:, None, :], cp[:, None, :], 1)


def solve_r(d, a, m, cp):
    _solve_axis(d, a[:, None, :], m[:, None, :], cp[:, None, :], 0)


def solve_p(d, a, m, cp):
    _solve_axis(d, np.moveaxis(a, 2, 0), np.moveaxis(m, 2, 0), np.moveaxis(cp, 2, 0), 2)


def update(N, d, dmax, nmax):
    N += d
    dmax[...] = np.abs(d).max(axis=1)
    nmax[...] = np.abs(N).max(axis=1)


def add_production(q, Np, gas, w_gas, w_free):
    q += (gas[:, :, None] * w_gas[None, None, :] + w_free[None, None, :]) * Np


# ---------------------------------------------------------------------------------------------

class Sweeps:
    """The sweep functions the solver calls: compiled kernel (``kernel=True``) or references.

    ``threads``: OpenMP threads of the compiled kernel (results do not depend on it).
    """

    NAMES = ("residual", "scale_by_energy", "solve_z", "solve_r", "solve_p", "update",
             "add_production")

    def __init__(self, kernel: bool = True, threads: int = 1):
        self.kernel = kernel
        self.threads = max(int(threads), 1)
        if kernel:
            from ..kernels import propagation as k
            for name in self.NAMES:
                f = getattr(k, name)
                setattr(self, name, lambda *args, _f=f: _f(*args, num_threads=self.threads))
        else:
            g = globals()
            for name in self.NAMES:
                setattr(self, name, g[name])
