"""Steady state of one species: operator-split Crank-Nicolson with a time-step ladder.

We need the steady state A N + q = 0 of d_t N = A N + q, where A = A_z + A_r + A_p is the
operator of :mod:`hpcsim.propagation.transport`.  Like GALPROP (Strong & Moskalenko 1998) and
DRAGON2 (Evoli et al. 2017, Sec. 3.2) we march in time with operator splitting and a ladder of
time steps that shrinks by ``factor`` per level.  Three differences make it faster and exact:

1. The split step is written in the "delta" (stabilising-correction) form of Douglas & Gunn
   (1964, Numer. Math. 6, 428; Hundsdorfer & Verwer 2003, Numerical Solution of
   Time-Dependent Advection-Diffusion-Reaction Equations, Sec. IV.3):

       d0 = T (A N + q)
       (I - theta T A_z) d1 = d0,  (I - theta T A_r) d2 = d1,  (I - theta T A_p) d3 = d2
       N <- N + d3

   With theta = 1/2 each sweep is a Crank-Nicolson step.  A fixed point has A N + q = 0: it is
   the exact steady state of the discretised equation for *any* time steps (the GALPROP/DRAGON2
   splitting leaves an O(dt) error in its fixed point, which is why their ladders must end at
   small steps).  The steps only decide how fast the iteration gets there.
2. Local time steps: T is a diagonal matrix, one step per energy, T(E) = c 4^-k / lambda(E) on
   level k, with lambda(E) = D(E) [(pi / 2L)^2 + (j_01 / r_max)^2] the decay rate of the slowest
   diffusion mode.  Every energy then sees the same ratios of step to mode time scale, and the
   ladder spans the range from the slowest mode to the stiffest cell (``fastest_rate``) once.
   A diagonal T does not move the fixed point (pseudo-time stepping).
3. Convergence is measured: a level stops when the relative change per step (per energy: the
   maximum over space of |d3| over the maximum of N) falls below ``tol``, and the ladder is
   repeated until a whole pass changes N by less than ``tol`` at the first step of every level
   (each level's first step tests the modes whose time scale matches its steps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .sweeps import Sweeps, factorise, implicit_operator
from .transport import Operator

J01 = 2.404825557695773  # first zero of the Bessel function J0


@dataclass(frozen=True)
class Ladder:
    """Time-step ladder and convergence control of :func:`steady_state`."""

    first: float = 1.0  # first level: T = first / lambda_slowest(E)
    factor: float = 0.25  # ratio of consecutive levels
    max_steps_per_level: int = 30
    tol: float = 1.0e-4
    max_passes: int = 6
    theta: float = 0.5

    def __post_init__(self):
        if not self.first > 0:
            raise ValueError(f"ladder.first must be > 0, got {self.first}")
        if not 0 < self.factor < 1:
            raise ValueError(f"ladder factor must be in (0, 1), got {self.factor}")
        if not 0.5 <= self.theta <= 1.0:
            raise ValueError(f"theta must be in [0.5, 1] (unconditional stability), "
                             f"got {self.theta}")
        if self.tol <= 0:
            raise ValueError(f"tol must be > 0, got {self.tol}")
        if self.max_steps_per_level < 1 or self.max_passes < 1:
            raise ValueError("max_steps_per_level and max_passes must be >= 1")


@dataclass
class SolveInfo:
    steps: int = 0
    passes: int = 0
    levels: int = 0
    final_change: float = np.inf
    converged: bool = False
    steps_per_level: list = field(default_factory=list)


def _level_steps(op: Operator, L: float, r_max: float, dz: float, first: float,
                 factor: float):
    """Per-energy steps of the first level and the number of levels."""
    D = op.az[op.az.shape[0] // 2] * dz ** 2  # kpc^2/Myr (az = D/dz^2 in the interior)
    lam_slow = D * ((np.pi / (2.0 * L)) ** 2 + (J01 / r_max) ** 2)
    lam_fast = (np.abs(op.bz).max(axis=0) + np.abs(op.br).max(axis=0)
                + np.abs(op.bp).max(axis=(0, 1)))
    t0 = first / lam_slow
    ratio = float(np.max(lam_fast / lam_slow * first))
    n_levels = max(1, int(np.ceil(np.log(ratio) / -np.log(factor))) + 1)
    return t0, n_levels


class _Factors:
    """Pre-factorised sweeps of I - theta T A for one level."""

    def __init__(self, op: Operator, t: np.ndarray, theta: float):
        self.z = factorise(*implicit_operator(op.az, op.bz, op.cz, theta, t), axis=0)
        self.r = factorise(*implicit_operator(op.ar, op.br, op.cr, theta, t), axis=0)
        self.p = factorise(*implicit_operator(op.ap, op.bp, op.cp, theta, t), axis=2)


def steady_state(op: Operator, q: np.ndarray, L: float, r_max: float, dz: float,
                 ladder: Ladder = Ladder(), sweeps: Sweeps | None = None,
                 N0: np.ndarray | None = None):
    """Steady-state density N (shape of ``q``) of one species, and a :class:`SolveInfo`.

    ``L``, ``r_max``, ``dz`` [kpc]: the grid (for the mode time scales of the ladder)."""
    sw = sweeps or Sweeps()
    q = np.ascontiguousarray(q, dtype=float)
    N = np.zeros_like(q) if N0 is None else np.array(N0, dtype=float, order="C")
    d = np.empty_like(q)
    nr, nz, ne = q.shape
    dmax = np.empty((nr, ne))
    nmax = np.empty((nr, ne))
    info = SolveInfo()
    if not np.any(q) and not np.any(N):
        info.converged, info.final_change = True, 0.0
        return N, info
    t0, n_levels = _level_steps(op, L, r_max, dz, ladder.first, ladder.factor)
    info.levels = n_levels
    factors = [None] * n_levels
    for _pass in range(ladder.max_passes):
        info.passes += 1
        quiet_pass = True
        for lev in range(n_levels):
            t = t0 * ladder.factor ** lev
            if factors[lev] is None:
                factors[lev] = _Factors(op, t, ladder.theta)
            fac = factors[lev]
            n_level = 0
            for step in range(ladder.max_steps_per_level):
                sw.residual(N, q, op.az, op.bz, op.cz, op.ar, op.br, op.cr,
                            op.ap, op.bp, op.cp, d)
                sw.scale_by_energy(d, t)
                sw.solve_z(d, *fac.z)
                sw.solve_r(d, *fac.r)
                sw.solve_p(d, *fac.p)
                sw.update(N, d, dmax, nmax)
                n_level += 1
                scale = nmax.max(axis=0)
                rel = dmax.max(axis=0) / np.where(scale > 0, scale, 1.0)
                change = float(rel.max())
                info.final_change = change
                if step == 0 and change >= ladder.tol:
                    quiet_pass = False
                if change < ladder.tol:
                    break
            info.steps += n_level
            info.steps_per_level.append(n_level)
        if quiet_pass:
            info.converged = True
            break
    return N, info


def evolve(op: Operator, N0: np.ndarray, dt: float, n_steps: int, q: np.ndarray | None = None,
           sweeps: Sweeps | None = None) -> np.ndarray:
    """Time-dependent solution: ``n_steps`` steps of ``dt`` [Myr] of the same split scheme
    with theta = 1/2 (Douglas-Gunn Crank-Nicolson, second order in time for these commuting
    1D operators), from N0, with a constant source q (default none).  For bursts (seed 001
    Sec. IV.3's nearby supernova) and for checking the Green's function."""
    sw = sweeps or Sweeps()
    N = np.array(N0, dtype=float, order="C")
    q = np.zeros_like(N) if q is None else np.ascontiguousarray(q, dtype=float)
    d = np.empty_like(N)
    nr, _, ne = N.shape
    dmax, nmax = np.empty((nr, ne)), np.empty((nr, ne))
    t = np.full(ne, float(dt))
    fac = _Factors(op, t, 0.5)
    for _ in range(n_steps):
        sw.residual(N, q, op.az, op.bz, op.cz, op.ar, op.br, op.cr, op.ap, op.bp, op.cp, d)
        sw.scale_by_energy(d, t)
        sw.solve_z(d, *fac.z)
        sw.solve_r(d, *fac.r)
        sw.solve_p(d, *fac.p)
        sw.update(N, d, dmax, nmax)
    return N
