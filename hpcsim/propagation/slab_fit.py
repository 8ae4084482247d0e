"""Fit of the weighted-slab model to a measured B/C ratio, for a given cocoon grammage
(seed 002 Sec. 3: the chi_c0 profile likelihood; COCOONS.md Sec. 2).

Free parameters: D0 (at 1 GV), delta, v_A (the advection speed away from the disc) and the
force-field potential phi; fixed: the halo height H, the disc surface density mu and the
diffusion break (R_b, d_delta, s), which the primary nuclei fix (Evoli et al. 2019).

Primary abundances are not free parameters either: the model is linear in them, so for every
parameter point the injection of each primary element group k (C, N, O, Ne, Mg, Si, Fe, with
solar isotopic fractions) is solved at once (one slab solve with a composition axis) and the
weights a_k >= 0 are those that reproduce the measured fluxes of the same elements at one
rigidity R_ref (non-negative least squares on a square system).  B/C at the data rigidities
is then sum_k a_k B_k / sum_k a_k C_k after force-field modulation.

chi^2 = sum ((model - data) / sigma)^2, sigma = stat (+) sys in quadrature.  The minimiser is
scipy's trust-region least squares from a fixed start (deterministic; the same point on every
rank).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import least_squares, nnls

from .nuclides import ELEMENT_Z
from .observables import LocalFluxes
from .sources import Injection, SourceComposition
from .weighted_slab import Cocoon, SlabNetwork, SlabTransport

#: solar-system isotopic fractions by number (Lodders 2003, ApJ 591, 1220, Table 6), the
#: isotopes of each primary element group
SOLAR_ISOTOPES = {
    "C": {(6, 12): 0.9893, (6, 13): 0.0107},
    "N": {(7, 14): 0.9964, (7, 15): 0.0036},
    "O": {(8, 16): 0.9976, (8, 17): 0.0004, (8, 18): 0.0020},
    "Ne": {(10, 20): 0.9048, (10, 21): 0.0027, (10, 22): 0.0925},
    "Mg": {(12, 24): 0.7899, (12, 25): 0.1000, (12, 26): 0.1101},
    "Si": {(14, 28): 0.9223, (14, 29): 0.0468, (14, 30): 0.0309},
    "Fe": {(26, 54): 0.0585, (26, 56): 0.9175, (26, 57): 0.0212, (26, 58): 0.0028},
}


def group_compositions(groups, slope: float) -> list[SourceComposition]:
    """One composition per element group: its isotopes at their solar fractions, injected as
    R^-slope per unit momentum (equal rigidity, unit abundance at 1 GV)."""
    return [SourceComposition({iso: Injection(frac, (slope,))
                               for iso, frac in SOLAR_ISOTOPES[g].items()}) for g in groups]


@dataclass(frozen=True)
class FitBounds:
    log10_D0: tuple = (27.0, 30.0)
    delta: tuple = (0.2, 0.9)
    v_alfven: tuple = (0.0, 40.0)
    phi: tuple = (0.4, 1.0)  # GV: force-field potentials of the AMS-02 era (Ghelfi et al. 2016)


class BCFit:
    """chi^2 of the weighted-slab B/C against data, for a given cocoon grammage.

    ``network``: :class:`~.weighted_slab.SlabNetwork` built with
    ``group_compositions(groups, slope)``; ``data``: (rigidity [GV], B/C, sigma);
    ``norm``: {element: measured flux at ``r_ref`` [any common unit]}; ``base``: the fixed
    transport (H, mu, break); ``cocoon``: the cocoon model whose chi_c0 is set per fit."""

    def __init__(self, network: SlabNetwork, groups, data, norm: dict, r_ref: float,
                 base: SlabTransport, cocoon: Cocoon, bounds: FitBounds = FitBounds()):
        self.net, self.groups = network, list(groups)
        self.R, self.y, self.sigma = (np.asarray(a, dtype=float) for a in data)
        self.norm = np.array([norm[g] for g in self.groups])
        self.r_ref, self.base, self.cocoon, self.bounds = r_ref, base, cocoon, bounds
        self.n_evals = 0

    def transport(self, theta) -> SlabTransport:
        return replace(self.base, D0=10.0 ** theta[0], delta=theta[1], v_alfven=theta[2])

    def curves(self, theta, chi_c0: float, rigidity=None, e_kn=None):
        """B/C at ``rigidity`` (default: the data's) for the parameters theta = (log10 D0,
        delta, v_A, phi); also the Galactic-only part, and the group weights.  With ``e_kn``
        [GeV/n] the ratio is taken at equal kinetic energy per nucleon instead."""
        R = self.R if rigidity is None else np.asarray(rigidity, dtype=float)
        phi = theta[3]
        cc = replace(self.cocoon, chi_c0=chi_c0)
        tr = self.transport(theta)
        out = {}
        for name, coc in (("total", cc), ("galactic", replace(cc, chi_c0=0.0))):
            I = self.net.solve(tr, coc)
            fl = [LocalFluxes(self.net.e_kn, self.net.fluxes(I, g), 1.0, self.net.m_n)
                  for g in range(len(self.groups))]
            if name == "total":  # weights from the primaries (the cocoon barely touches them)
                M = np.array([[f.element_rigidity(ELEMENT_Z[e], [self.r_ref], phi)[0]
                               for f in fl] for e in self.groups])
                w, _ = nnls(M, self.norm)
                out["weights"] = w
            w = out["weights"]
            if e_kn is None:
                B = sum(wk * f.element_rigidity(5, R, phi) for wk, f in zip(w, fl))
                C = sum(wk * f.element_rigidity(6, R, phi) for wk, f in zip(w, fl))
            else:
                le = np.log(np.asarray(e_kn, dtype=float))
                lg = np.log(self.net.e_kn)
                B, C = (np.interp(le, lg, sum(wk * f.element_ekn(z, phi) for wk, f in zip(w, fl)))
                        for z in (5, 6))
            out[name] = np.where(C > 0, B / np.where(C > 0, C, 1.0), np.nan)
        out["cocoon"] = out["total"] - out["galactic"]
        return out

    def residuals(self, theta, chi_c0):
        self.n_evals += 1
        return (self.curves(theta, chi_c0)["total"] - self.y) / self.sigma

    def fit(self, chi_c0: float, start=(28.4, 0.5, 5.0, 0.7)):
        """Best (theta, chi^2, result) for this chi_c0: least squares from ``start`` and from
        two fixed companions (steeper/faster and flatter/slower transport), the best kept —
        deterministic, and robust against the shallow valleys of B/C alone."""
        b = self.bounds
        lo = [b.log10_D0[0], b.delta[0], b.v_alfven[0], b.phi[0]]
        hi = [b.log10_D0[1], b.delta[1], b.v_alfven[1], b.phi[1]]
        s0 = np.asarray(start, dtype=float)
        starts = [s0, s0 + [-0.2, 0.15, 10.0, -0.1], s0 + [0.2, -0.1, -3.0, 0.1]]
        best = None
        for st in starts:
            res = least_squares(self.residuals, np.clip(st, lo, hi), bounds=(lo, hi),
                                args=(chi_c0,), x_scale=[0.1, 0.05, 2.0, 0.1], xtol=1e-8,
                                ftol=1e-10, max_nfev=400)
            c2 = float(np.sum(res.fun ** 2))
            if best is None or c2 < best[1]:
                best = (res.x, c2, res)
        return best


def profile_interval(chi_grid, chi2, level: float):
    """(best chi_c0, lower, upper) of a profile: the minimum by a parabola through the lowest
    grid point and its neighbours, the bounds where chi^2 - min crosses ``level`` (linear
    interpolation between grid points; NaN where the profile does not cross inside the grid)."""
    x, y = np.asarray(chi_grid, dtype=float), np.asarray(chi2, dtype=float)
    i = int(np.argmin(y))
    if 0 < i < x.size - 1:
        c = np.polyfit(x[i - 1:i + 2], y[i - 1:i + 2], 2)
        best = -c[1] / (2 * c[0]) if c[0] > 0 else x[i]
        ymin = np.polyval(c, best) if c[0] > 0 else y[i]
    else:
        best, ymin = x[i], y[i]
    target = ymin + level
    lower = np.nan
    for j in range(i, 0, -1):
        if y[j - 1] >= target > y[j] or y[j - 1] >= target >= y[j]:
            lower = x[j] + (target - y[j]) * (x[j - 1] - x[j]) / (y[j - 1] - y[j])
            break
    upper = np.nan
    for j in range(i, x.size - 1):
        if y[j + 1] >= target >= y[j]:
            upper = x[j] + (target - y[j]) * (x[j + 1] - x[j]) / (y[j + 1] - y[j])
            break
    return float(best), float(lower), float(upper)
