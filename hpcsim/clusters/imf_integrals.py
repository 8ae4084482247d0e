"""IMF-weighted collective wind of a coeval cluster vs time (seed 001 Eqs. 2, 3, 5).

For a cluster of age t (all stars born at t = 0)::

    F(t)      = int_{8}^{M_up} Mdot(M0,t) v_inf(M0,t) xi(M0) dM0             (seed Eq. 5)
    L(t)      = int_{8}^{M_up} 1/2 Mdot(M0,t) v_inf(M0,t)^2 xi(M0) dM0        (seed Eq. 5)
    V(t)      = F(t) / Mdot_tot(t),  Mdot_tot = int Mdot xi dM0               (seed Eq. 2)
    Mdot_El(t)= int Mdot(M0,t) X_El(M0,t) xi(M0) dM0                          (element injection)

with xi the Kroupa (2001) IMF (slope 2.3 above 0.5 Msun, seed Eq. 3; :mod:`hpcsim.stars.imf`).

**Normalisation**: xi is normalised to *one solar mass of stars formed* over the whole IMF
[m_min, M_up] (m_min = 0.08 Msun by default, as :mod:`hpcsim.stars.imf`), so every extensive
output is *per Msun of stars formed*: a 3e4 Msun cluster (seed Sec. II) is a multiplication by
3e4 (:meth:`CollectiveWind.for_cluster`).  V(t) is intensive.  Changing M_up changes both the
integration range and the IMF normalisation (fewer stars per Msun for a larger M_up).

**Quadrature** in M0: nodes are the track-grid masses in [8, M_up] plus ``n_sub - 1`` masses
equally spaced in ln M0 inside each grid interval (interpolated tracks); the integrand is taken
piecewise linear in ln M0 between nodes and integrated against the exact IMF (product
trapezoid; hat-function weights by 8-point Gauss-Legendre per interval, exact to machine
precision for the power-law IMF).  The weights reproduce the IMF number and mass of 8-M_up
stars exactly.  The integrand is discontinuous in M0 at the death mass and at phase changes
(RSG onset, WR onset), and post-main-sequence phases occupy only a few per cent of the mass
range at a given age, so the error there is first order in the node spacing.  Measured on the
MIST v1.0 grid against ``n_sub = 256`` (11k nodes), for the default ``n_sub = 16`` (~700 nodes,
spacing <= 0.5 % in M0, 0.6 s for 600 ages): L, F, Mdot pointwise within 5 % for t < 10 Myr
(within 3 % for 2-5 Myr), time integrals within 0.1 %; at t > 30 Myr, where only a ~1 % wide
mass window near 8-9 Msun is alive and the integrand is dominated by its RSG stars, pointwise
values are unreliable (factor 2) but 1e4 times smaller than at early times.  Agreement with a
direct sum over 2e5 IMF-sampled stars within Monte Carlo error is tested (tests/test_tracks.py).
No compiled kernel is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..stars.imf import kroupa_moment, kroupa_pdf
from ..stars.phases import DEAD, O_TYPE, RSG, WC, WN, PhaseCriteria
from ..stars.tracks import ELEMENTS, TrackGrid
from ..stars.vink2001 import WindParams, wind_history

M_LO_MASSIVE = 8.0  # Msun, lower limit of the wind integrals (seed 001 below Eq. 2)
_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)


def imf_per_msun(m, m_min: float = 0.08, m_max: float = 150.0):
    """Kroupa dN/dM [Msun^-1 per Msun of stars formed] on [m_min, m_max] (seed 001 Eq. 3)."""
    return kroupa_pdf(m, m_min, m_max) / kroupa_moment(1, m_min, m_max)


def mass_nodes(grid_masses, m_lo: float = M_LO_MASSIVE, m_up: float = 150.0,
               n_sub: int = 16) -> np.ndarray:
    """Quadrature nodes [Msun]: grid masses in [m_lo, m_up] (+ the ends) and n_sub - 1
    ln-spaced masses inside each interval."""
    gm = np.asarray(grid_masses, dtype=float)
    edges = np.unique(np.concatenate([[m_lo, m_up], gm[(gm > m_lo) & (gm < m_up)]]))
    le = np.log(edges)
    pts = [le[0]]
    for a, b in zip(le[:-1], le[1:]):
        pts.extend(a + (b - a) * np.arange(1, n_sub + 1) / n_sub)
    nodes = np.exp(np.array(pts))
    nodes[0], nodes[-1] = m_lo, m_up  # exact ends (no exp/log rounding)
    return nodes


def mass_weights(nodes, m_min: float = 0.08, m_max: float = 150.0) -> np.ndarray:
    """Weights w_i [stars per Msun formed] with sum_i w_i f(M_i) = int f xi dM for f piecewise
    linear in ln M between the nodes (hat functions integrated against the exact IMF)."""
    x = np.log(np.asarray(nodes, dtype=float))
    w = np.zeros(x.size)
    for j in range(x.size - 1):
        a, b = x[j], x[j + 1]
        u = 0.5 * (_GL_X + 1.0)  # in [0, 1]
        xs = a + (b - a) * u
        g = imf_per_msun(np.exp(xs), m_min, m_max) * np.exp(xs) * 0.5 * (b - a) * _GL_W
        w[j] += np.sum(g * (1.0 - u))
        w[j + 1] += np.sum(g * u)
    return w


@dataclass
class CollectiveWind:
    """Collective wind vs time, per Msun of stars formed (module docstring).

    ``t_yr`` [yr]; ``mdot`` [g s^-1 Msun^-1]; ``F`` [dyn Msun^-1]; ``L`` [erg s^-1 Msun^-1];
    ``V`` [cm s^-1] (seed Eq. 2); ``mdot_el[El]`` [g s^-1 Msun^-1]; ``n_alive`` [Msun^-1]
    living stars >= 8 Msun; ``by_phase[name]`` dict of the same extensive quantities
    (mdot, F, L, n, mdot_el) restricted to stars in phase ``name`` (O, RSG, WN, WC).
    """

    t_yr: np.ndarray
    mdot: np.ndarray
    F: np.ndarray
    L: np.ndarray
    V: np.ndarray
    mdot_el: dict
    n_alive: np.ndarray
    by_phase: dict = field(default_factory=dict)
    m_up: float = 150.0
    nodes: np.ndarray | None = None

    def for_cluster(self, m_cluster: float) -> "CollectiveWind":
        """Totals for a cluster of ``m_cluster`` Msun of stars formed (V unchanged)."""
        s = float(m_cluster)
        return CollectiveWind(
            self.t_yr, self.mdot * s, self.F * s, self.L * s, self.V.copy(),
            {k: v * s for k, v in self.mdot_el.items()}, self.n_alive * s,
            {p: {k: ({e: x * s for e, x in v.items()} if isinstance(v, dict) else v * s)
                 for k, v in d.items()} for p, d in self.by_phase.items()},
            self.m_up, self.nodes)


def collective_wind(grid: TrackGrid, t_yr, m_up: float = 150.0, m_lo: float = M_LO_MASSIVE,
                    m_min: float = 0.08, n_sub: int = 16, params: WindParams = WindParams(),
                    criteria: PhaseCriteria = PhaseCriteria()) -> CollectiveWind:
    """Seed 001 Eqs. 2 and 5 (+ element rates) on the age grid ``t_yr`` [yr] for M_up = ``m_up``.

    IMF (Kroupa 2001) on [m_min, m_up], normalised per Msun formed; integrals over
    [m_lo, m_up]; quadrature as in the module docstring.  Deterministic (fixed summation order).
    """
    if not (grid.masses[0] <= m_lo < m_up <= grid.masses[-1]):
        raise ValueError(f"[{m_lo}, {m_up}] Msun outside the track grid "
                         f"[{grid.masses[0]}, {grid.masses[-1]}]")
    t = np.asarray(t_yr, dtype=float)
    nodes = mass_nodes(grid.masses, m_lo, m_up, n_sub)
    wts = mass_weights(nodes, m_min, m_up)
    zeros = lambda: np.zeros(t.shape)  # noqa: E731
    tot = {"mdot": zeros(), "F": zeros(), "L": zeros(), "n": zeros()}
    el = {e: zeros() for e in ELEMENTS}
    phases = {"O": O_TYPE, "RSG": RSG, "WN": WN, "WC": WC}
    byp = {p: {"mdot": zeros(), "F": zeros(), "L": zeros(), "n": zeros(),
               "mdot_el": {e: zeros() for e in ELEMENTS}} for p in phases}
    for m, w in zip(nodes, wts):
        h = wind_history(grid.star_history(m, t, criteria), params)
        q = {"mdot": h["mdot"], "F": h["F_w"], "L": h["L_w"],
             "n": (h["phase"] != DEAD).astype(float)}
        for k in tot:
            tot[k] += w * q[k]
        for e in ELEMENTS:
            el[e] += w * h[f"mdot_{e}"]
        for p, code in phases.items():
            sel = h["phase"] == code
            for k in ("mdot", "F", "L", "n"):
                byp[p][k] += w * np.where(sel, q[k], 0.0)
            for e in ELEMENTS:
                byp[p]["mdot_el"][e] += w * np.where(sel, h[f"mdot_{e}"], 0.0)
    V = np.divide(tot["F"], tot["mdot"], out=np.zeros(t.shape), where=tot["mdot"] > 0)
    return CollectiveWind(t, tot["mdot"], tot["F"], tot["L"], V, el, tot["n"], byp, m_up, nodes)


def direct_sum(grid: TrackGrid, masses, t_yr: float, params: WindParams = WindParams(),
               criteria: PhaseCriteria = PhaseCriteria()) -> dict:
    """Sums over an explicit list of stars (initial masses [Msun]) at one age [yr]: mdot [g/s],
    F [dyn], L [erg/s], n alive, mdot_El [g/s].  Reference for the quadrature (and usable for
    stochastically sampled clusters)."""
    h = wind_history(grid.evaluate(masses, t_yr, criteria), params)
    out = {"mdot": np.sum(h["mdot"]), "F": np.sum(h["F_w"]), "L": np.sum(h["L_w"]),
           "n": float(np.sum(h["phase"] != DEAD))}
    for e in ELEMENTS:
        out[f"mdot_{e}"] = np.sum(h[f"mdot_{e}"])
    return out
