"""Time-dependent wind termination shock (WTS) and wind-blown bubble: seed 001 Eq. 4.

Seed 001 = Qiu, Lin & Yang 2026, "Collective winds of massive star clusters as the dominant
PeVatrons for Galactic cosmic rays" (arXiv:2605.31362), Sec. II.2, Eq. 4.  It follows the
thin-shell, energy-driven bubble of Weaver et al. 1977 (ApJ 218, 377) without radiative losses:

    R_s = (F(t) / (4 pi p))^(1/2)                         (ram-pressure balance at the WTS)
    E_b = 2 pi p (R_b^3 - R_s^3)                          (thermal energy, gamma = 5/3)
    d/dt [ (4 pi rho_0 / 3) R_b^3 dR_b/dt ] = 4 pi R_b^2 (p - p_II)
    dE_b/dt = L(t) - 4 pi R_b^2 p dR_b/dt

F = Mdot v (momentum flux) and L = Mdot v^2 / 2 (wind power) are inputs, for one star or for
the IMF-integrated collective wind of a cluster (seed Eq. 5); the same function serves both.

Choices the seed leaves open (documented here and in the report):

* rho_0 = mu_H m_p n0 with n0 = 1 cm^-3 (seed) and mu_H = 1.4 (H + 10 % He by number;
  PHYSICS-NOTES Sec. 0 default).  The seed does not say whether n0 includes helium.
* p_II = x n0 k_B T_II with T_II = 8000 K (seed) and x = 2 particles per H nucleus (fully
  ionised hydrogen; helium neglected in the particle count).
* Initial state at t0 = 10^4 yr (seed) from Weaver's energy-conserving self-similar solution
  for the wind power L(t0): R_b = 0.76287 (L t0^3/rho_0)^(1/5), dR_b/dt = (3/5) R_b/t0,
  E_b = (5/11) L t0 (Weaver et al. 1977, Eqs. 21-22; hpcsim.clusters.bubble.weaver_radius).
  p and R_s at t0 then follow from the Eq.-4 closure (not from Weaver's p), so the state is
  consistent with the algebraic constraints of Eq. 4 even when R_s/R_b is not small (it is
  ~0.4-0.8 at 10^4 yr for O stars and clusters); the transient decays as (R_s/R_b)^3 ~ t^(-3/5).
  Note that the seed's ODE (with R_s -> 0, p_II -> 0) admits exactly Weaver's solution:
  R_b = (125/(154 pi))^(1/5)(L t^3/rho_0)^(1/5), p = 7/(3850 pi)^(2/5) L^(2/5) rho_0^(3/5)
  t^(-4/5), E_b = 5/11 L t (checked in tests/test_injection.py).
* The work term uses dR_b/dt only, as written in the seed (no p dV work at R_s).
* The swept-up shell mass is (4 pi/3) rho_0 R_b^3 at all times, also when the shell moves
  inwards after the bubble pressure has dropped below p_II (the seed's equation has no
  damping: the shell then oscillates about pressure equilibrium).
* Before t0 (grid nodes with t < t0) the outputs are Weaver's closed form evaluated with the
  local F, L (flag ``ode`` is False there).

Numerics: the inputs F(t), L(t) are interpolated piecewise-linearly in t.  The integration
runs in tau = ln t with state (ln R_b, (dR_b/dt)/V_0, ln E_b) with scipy ``solve_ivp`` (default
LSODA, which switches to a stiff BDF method automatically) and is restarted at every
discontinuity of the inputs (repeated time values in the input grid) and at every node where F
or L changes by more than ``split_rel`` (relative) from one interval to the next, so that no
step straddles a jump or a sharp kink.  ``max_step_dex`` caps the step in log10 t.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

from ..constants import K_BOLTZMANN, M_PROTON, YR
from .bubble import WEAVER_R_COEFF, weaver_radius

# --- defaults (seed 001 Sec. II.2 unless marked as a choice) ---
N0_DEFAULT = 1.0  # cm^-3, ambient number density (seed 001 Sec. II.2)
T_HII_DEFAULT = 8000.0  # K, H II region temperature (seed 001 Sec. II.2)
MU_H_DEFAULT = 1.4  # mass per H nucleus in m_p (choice; PHYSICS-NOTES Sec. 0)
PARTICLES_PER_H_DEFAULT = 2.0  # free particles per H nucleus in the H II region (choice)
T0_DEFAULT = 1.0e4 * YR  # s, start of the integration (seed 001 Sec. II.2)

FOUR_PI = 4.0 * math.pi
TWO_PI = 2.0 * math.pi


def ambient_density(n0=N0_DEFAULT, mu_h=MU_H_DEFAULT):
    """Ambient mass density rho_0 = mu_H m_p n0 [g cm^-3] (n0 in H nuclei cm^-3; mu_H is a
    choice, the seed gives only n0 = 1 cm^-3)."""
    return mu_h * M_PROTON * n0


def hii_pressure(n0=N0_DEFAULT, T=T_HII_DEFAULT, particles_per_h=PARTICLES_PER_H_DEFAULT):
    """Pressure of the surrounding H II region p_II = x n0 k_B T [dyn cm^-2] (seed 001 Sec. II.2:
    n0 = 1 cm^-3, T = 8000 K; x = 2 for fully ionised hydrogen is our choice)."""
    return particles_per_h * n0 * K_BOLTZMANN * T


# ---------------------------------------------------------------------------------------------
# algebraic closure of Eq. 4: p from (E_b, R_b, F)
# ---------------------------------------------------------------------------------------------

def _sigma_root(q):
    """Positive root sigma >= 1 of sigma^3 - sigma - q = 0 (q >= 0), scalar.

    Newton from the upper bound 1 + q^(1/3): g is increasing and convex there, so the
    iteration decreases monotonically to the root (quadratic convergence)."""
    s = 1.0 + q ** (1.0 / 3.0)
    for _ in range(100):
        g = s * s * s - s - q
        ds = g / (3.0 * s * s - 1.0)
        s -= ds
        if ds <= 1e-15 * s:
            break
    return s


def bubble_pressure(E_b, R_b, F):
    """Bubble pressure p [dyn cm^-2] and WTS radius R_s [cm] from the Eq.-4 closure.

    Solves E_b = 2 pi p (R_b^3 - R_s^3) with R_s = (F/(4 pi p))^(1/2) (seed 001 Eq. 4).  With
    p0 = E_b/(2 pi R_b^3), sigma = (p/p0)^(1/2) and q = (F/(4 pi p0))^(3/2)/R_b^3 this is
    sigma^3 - sigma - q = 0, which has exactly one positive root (sigma >= 1); R_s < R_b
    follows automatically.  Arrays broadcast; returns (p, R_s).
    """
    E_b, R_b, F = np.broadcast_arrays(np.asarray(E_b, float), np.asarray(R_b, float),
                                      np.asarray(F, float))
    p0 = E_b / (TWO_PI * R_b ** 3)
    q = np.where(F > 0, (np.maximum(F, 0.0) / (FOUR_PI * p0)) ** 1.5 / R_b ** 3, 0.0)
    s = 1.0 + np.cbrt(q)
    for _ in range(100):
        ds = (s * s * s - s - q) / (3.0 * s * s - 1.0)
        s = s - ds
        if np.all(ds <= 1e-15 * s):
            break
    p = p0 * s * s
    R_s = np.sqrt(np.maximum(F, 0.0) / (FOUR_PI * p))
    return p, R_s


def weaver_initial_state(L, F, t, rho0):
    """Weaver et al. (1977) energy-conserving self-similar state at age t [s] for constant
    power L [erg/s] and momentum flux F [dyn]: R_b, V_b = 0.6 R_b/t, E_b = (5/11) L t, and the
    Eq.-4 closure for p and R_s (see module docstring).  Returns a dict of floats/arrays, CGS."""
    R_b = weaver_radius(L, t, rho0)
    V_b = 0.6 * R_b / t
    E_b = (5.0 / 11.0) * L * t
    p, R_s = bubble_pressure(E_b, R_b, F)
    return {"R_b": R_b, "V_b": V_b, "E_b": E_b, "p": p, "R_s": R_s}


# ---------------------------------------------------------------------------------------------
# ODE
# ---------------------------------------------------------------------------------------------

def _segments(t, F, L, split_rel):
    """Index ranges [i0, i1] of the work grid within which F and L are smooth.

    A new segment starts after every repeated time (a jump of the inputs) and at every node
    where F or L changes by more than ``split_rel`` (relative to the larger value) over the
    adjacent interval."""
    n = len(t)
    cuts = []
    for k in range(1, n - 1):
        if t[k + 1] == t[k]:
            cuts.append((k, k + 1))  # segment ends at k, next starts at k+1 (same time)
            continue
        big = False
        for y in (F, L):
            a, b = y[k], y[k + 1]
            scale = max(abs(a), abs(b))
            if scale > 0 and abs(b - a) > split_rel * scale:
                big = True
        if big:
            cuts.append((k, k))
    segs = []
    start = 0
    for end, nxt in cuts:
        if end > start:
            segs.append((start, end))
        start = nxt
    if n - 1 > start:
        segs.append((start, n - 1))
    return segs


def evolve_wts(t, F, L, n0=N0_DEFAULT, T_hii=T_HII_DEFAULT, t0=T0_DEFAULT, mu_h=MU_H_DEFAULT,
               particles_per_h=PARTICLES_PER_H_DEFAULT, p_ii=None, method="LSODA", rtol=1e-8,
               max_step_dex=0.05, split_rel=0.05):
    """Integrate seed 001 Eq. 4 on the input time grid.

    Parameters
    ----------
    t : (n,) array [s], non-decreasing.  A repeated value marks a discontinuity of F, L
        (the values before and after the jump).
    F, L : (n,) arrays, wind momentum flux Mdot v [dyn] and power Mdot v^2/2 [erg/s] of one
        star or of a cluster's collective wind (seed 001 Eq. 5); piecewise-linear in t.
    n0 [cm^-3], T_hii [K], mu_h, particles_per_h : ambient medium (see :func:`ambient_density`,
        :func:`hii_pressure`); ``p_ii`` [dyn cm^-2] overrides the H II pressure (0 allowed).
    t0 : start of the integration [s] (seed: 10^4 yr); L(t0) must be > 0.
    method, rtol, max_step_dex, split_rel : solver controls (see module docstring).

    Returns
    -------
    dict of (n,) arrays on the input grid: ``R_s``, ``R_b`` [cm], ``V_b`` = dR_b/dt [cm/s],
    ``p`` [dyn cm^-2], ``E_b`` [erg], ``ode`` (bool: True where the ODE solution is given,
    False for t < t0 where Weaver's closed form is used), and scalars ``rho0``, ``p_ii``,
    ``n_segments``.
    """
    t = np.asarray(t, dtype=float)
    F = np.asarray(F, dtype=float)
    L = np.asarray(L, dtype=float)
    if t.ndim != 1 or F.shape != t.shape or L.shape != t.shape:
        raise ValueError("t, F, L must be 1-D arrays of equal length")
    if np.any(np.diff(t) < 0):
        raise ValueError("t must be non-decreasing")
    if np.any(F < 0) or np.any(L < 0):
        raise ValueError("F and L must be non-negative")
    rho0 = ambient_density(n0, mu_h)
    pII = hii_pressure(n0, T_hii, particles_per_h) if p_ii is None else float(p_ii)

    n = len(t)
    out = {k: np.zeros(n) for k in ("R_s", "R_b", "V_b", "p", "E_b")}
    ode = t >= t0
    # early nodes: Weaver closed form with the local inputs
    if np.any(~ode):
        idx = np.nonzero(~ode)[0]
        Lc = np.maximum(L[idx], 1e-300)
        st = weaver_initial_state(Lc, F[idx], np.maximum(t[idx], 1e-300), rho0)
        for k in out:
            out[k][idx] = np.where(t[idx] > 0, st[k], 0.0)

    if not np.any(ode):
        out.update(ode=ode, rho0=rho0, p_ii=pII, n_segments=0)
        return out

    # work grid: t0 followed by the nodes with t > t0 (inputs interpolated at t0; if the grid
    # jumps exactly at t0 the post-jump value is used)
    i_first = int(np.argmax(t >= t0))
    if t[i_first] > t0:
        F0, L0 = float(np.interp(t0, t, F)), float(np.interp(t0, t, L))
    else:
        j0 = i_first + int(np.sum(t[i_first:] == t0)) - 1  # last node at t0 (post-jump)
        F0, L0 = float(F[j0]), float(L[j0])
    if L0 <= 0:
        raise ValueError("the wind power must be positive at t0 (Weaver initial state)")
    if t[i_first] > t0:
        tw = np.concatenate([[t0], t[i_first:]])
        Fw = np.concatenate([[F0], F[i_first:]])
        Lw = np.concatenate([[L0], L[i_first:]])
        map_out = np.arange(i_first, n)  # output node j <- work node j - i_first + 1
        off = 1
    else:
        # drop nodes equal to t0 except the last one (post-jump values at t0)
        last_t0 = i_first + int(np.sum(t[i_first:] == t0)) - 1
        tw, Fw, Lw = t[last_t0:], F[last_t0:], L[last_t0:]
        map_out = np.arange(last_t0, n)
        off = 0

    ic = weaver_initial_state(L0, F0, t0, rho0)
    V0 = float(ic["V_b"])
    y = np.array([math.log(float(ic["R_b"])), 1.0, math.log(float(ic["E_b"]))])
    mass_coeff = 3.0 / rho0

    ny = len(tw)
    Rb_w = np.empty(ny)
    Vb_w = np.empty(ny)
    Eb_w = np.empty(ny)
    Rb_w[0], Vb_w[0], Eb_w[0] = math.exp(y[0]), V0 * y[1], math.exp(y[2])

    segs = _segments(tw, Fw, Lw, split_rel)
    max_step = max_step_dex * math.log(10.0)
    for i0, i1 in segs:
        ts = tw[i0:i1 + 1]
        Fs = Fw[i0:i1 + 1]
        Ls = Lw[i0:i1 + 1]
        taus = np.log(ts)
        if i1 == i0 or ts[-1] == ts[0]:
            continue

        def rhs(tau, yy, ts=ts, Fs=Fs, Ls=Ls):
            tt = math.exp(tau)
            Fv = float(np.interp(tt, ts, Fs))
            Lv = float(np.interp(tt, ts, Ls))
            R = math.exp(yy[0])
            V = V0 * yy[1]
            E = math.exp(yy[2])
            p0 = E / (TWO_PI * R ** 3)
            q = (Fv / (FOUR_PI * p0)) ** 1.5 / R ** 3 if Fv > 0 else 0.0
            s = _sigma_root(q)
            p = p0 * s * s
            dlnR = tt * V / R
            dv = tt / V0 * mass_coeff * ((p - pII) - rho0 * V * V) / R
            dlnE = tt * (Lv - FOUR_PI * R * R * p * V) / E
            return [dlnR, dv, dlnE]

        sol = solve_ivp(rhs, (taus[0], taus[-1]), y, method=method, t_eval=taus, rtol=rtol,
                        atol=[1e-10, 1e-10, 1e-10], max_step=max_step)
        if not sol.success:
            raise RuntimeError(f"WTS ODE failed on [{ts[0]:.4g}, {ts[-1]:.4g}] s: {sol.message}")
        Rb_w[i0:i1 + 1] = np.exp(sol.y[0])
        Vb_w[i0:i1 + 1] = V0 * sol.y[1]
        Eb_w[i0:i1 + 1] = np.exp(sol.y[2])
        y = sol.y[:, -1].copy()
    # nodes that start a segment after a jump carry the state of the previous node
    for k in range(1, ny):
        if tw[k] == tw[k - 1]:
            Rb_w[k], Vb_w[k], Eb_w[k] = Rb_w[k - 1], Vb_w[k - 1], Eb_w[k - 1]

    p_w, Rs_w = bubble_pressure(Eb_w, Rb_w, Fw)
    sel = slice(off, None)
    out["R_b"][map_out] = Rb_w[sel]
    out["V_b"][map_out] = Vb_w[sel]
    out["E_b"][map_out] = Eb_w[sel]
    out["p"][map_out] = p_w[sel]
    out["R_s"][map_out] = Rs_w[sel]
    # grid nodes equal to t0 that were dropped (pre-jump duplicates): initial state
    dup = np.nonzero(ode)[0]
    dup = dup[dup < map_out[0]]
    for k in dup:
        out["R_b"][k], out["V_b"][k], out["E_b"][k] = Rb_w[0], Vb_w[0], Eb_w[0]
        out["p"][k], out["R_s"][k] = (float(a) for a in bubble_pressure(Eb_w[0], Rb_w[0], F[k]))
    out.update(ode=ode, rho0=rho0, p_ii=pII, n_segments=len(segs))
    return out


__all__ = ["ambient_density", "hii_pressure", "bubble_pressure", "weaver_initial_state",
           "evolve_wts", "WEAVER_R_COEFF"]
