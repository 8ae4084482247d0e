"""The modified weighted-slab model of CR nuclei (Evoli, Aloisio & Blasi 2019, PRD 99, 103023;
Schroer, Evoli & Blasi 2021, PRD 103, 123010), with a grammage at the sources ("cocoons",
seed 002, Ambrosone et al. 2025).

Geometry: a thin gaseous disc of surface density mu inside a halo |z| < H, diffusion D(R) and
advection at u = v_A away from the disc, free escape at |z| = H.  For the density I(T) in the disc
(T = kinetic energy per nucleon) the steady state reads, per unit grammage,

    I / X + d/dT [Lambda(T) I] + (sigma / m) I = Q(T),                                (1)

with the Galactic grammage X(T) = (mu v / 2u) [1 - exp(-u H / D)] (stable nuclei), the energy
change per unit grammage Lambda = dT/dx|_ad + dT/dx|_ion < 0 (adiabatic: -(2u/3mu) p_n c at the
disc, where div u = 2u delta(z); ionisation of neutral H and He, :mod:`.losses`), m the gas mass
per H atom (m_p (1 + 4 f_He)) and sigma the effective inelastic cross section per H atom
(:class:`~.cross_sections.CrossSections`).  The source per unit grammage Q holds

* the primary injection, q_i(T) / (mu v) in units where the disc source is q_i;
* fragmentation of heavier species j at equal T: (sigma_{j->i} / m) I_j;
* the cocoon grammage (seed 002 Sec. 3; Evoli et al. 2019 Eq. 9): every secondary is also
  produced at the sources, (chi_c(R_j) sigma_{j->i} / m) q_j / (mu v), with chi_c taken at the
  parent's rigidity (seed 002 Eq. 6 or B.1);
* radioactive parents decaying in the halo (below).

Species are solved from the heaviest down, so every source term is known.  Equation (1) is a
first-order ODE for the downward flux F = |Lambda| I in energy: dF/dT = a F - Q with
a = (1/X + sigma/m) / |Lambda|; it is integrated from the top of the grid down node by node,
with a and Q held at the lower node over each interval (exact exponential step):
F_i = F_{i+1} e^{-a_i dT} + (Q_i / a_i)(1 - e^{-a_i dT}).  Where losses are negligible
(a dT >> 1) this gives the local solution I = Q / (1/X + sigma/m) exactly.

Radioactive nuclei (decay time gamma tau in the halo): solving the halo with the decay term gives
1/X_dec = (u / mu v) [1 + Delta coth(u H Delta / 2D)], Delta = (1 + 4D / (u^2 gamma tau))^1/2
(Evoli et al.'s decay-modified grammage; -> X for tau -> infinity), and the daughter gains the
effective disc source (per unit grammage)

    (2 / (gamma tau mu v)) int_0^H N_p(z)/N_p(0) h(z) dz  x I_parent,

N_p(z)/N_p(0) = e^{uz/2D} sinh[a(H - z)] / sinh(aH), a = u Delta / 2D, the parent's halo profile,
and h(z) = (e^{-uz/D} - e^{-uH/D}) / (1 - e^{-uH/D}) the probability that a daughter born at z
reaches the disc before escaping; the integral has a closed form (:func:`decay_feed`).

Units: T in GeV/n, grammage in g cm^-2, D in cm^2 s^-1, u in km s^-1, H in kpc, mu in g cm^-2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import C_LIGHT, EV, KM, KPC, M_PROTON, YR as YR_S
from .diffusion import diffusion_smooth_break
from .grid import Kinematics
from .losses import ionisation_rate

MB = 1.0e-27  # cm^2



@dataclass(frozen=True)
class SlabTransport:
    """Galactic transport of the weighted-slab model (Evoli et al. 2019 conventions)."""

    D0: float = 2.5e28  # cm^2/s at R0
    R0: float = 1.0  # GV
    delta: float = 0.55
    R_b: float = 312.0  # GV
    d_delta: float = 0.2
    s: float = 0.1
    v_alfven: float = 5.0  # km/s (advection speed away from the disc)
    H: float = 7.0  # kpc
    mu: float = 2.3e-3  # g/cm^2, disc surface density
    adiabatic: bool = True
    ionisation: bool = True

    def d_xx(self, kin: Kinematics) -> np.ndarray:
        return diffusion_smooth_break(kin.rigidity, kin.beta, self.D0, self.delta, self.R_b,
                                      self.d_delta, self.s, self.R0)


def chi_cocoon(rigidity, chi_c0: float, R0_tv: float, model: str = "exp", delta_c: float = 0.5):
    """Cocoon grammage [g cm^-2] at rigidity [GV]: seed 002 Eq. 6, chi_c0 exp(-R/R0) ("exp"),
    or Eq. B.1, chi_c0 / [1 + (R/R0)^delta_c] ("broken"; delta_c = 1/2 Kraichnan, 1 Bohm)."""
    x = np.asarray(rigidity, dtype=float) / (R0_tv * 1e3)
    if model == "exp":
        return chi_c0 * np.exp(-x)
    if model == "broken":
        return chi_c0 / (1.0 + x ** delta_c)
    raise ValueError(f"unknown cocoon grammage model {model!r} (exp, broken)")


def _u_cgs(tr: SlabTransport) -> float:
    return tr.v_alfven * KM


def grammage(tr: SlabTransport, kin: Kinematics) -> np.ndarray:
    """X(T) [g cm^-2] of a stable nucleus; mu v H / 2D when u H << D."""
    v = kin.beta * C_LIGHT
    D = tr.d_xx(kin)
    u = _u_cgs(tr)
    if u == 0:
        return tr.mu * v * tr.H * KPC / (2.0 * D)
    xi = u * tr.H * KPC / D
    return tr.mu * v / (2.0 * u) * (-np.expm1(-xi))


def _delta_decay(tr, kin, D, gamma_tau_s):
    u = _u_cgs(tr)
    return np.sqrt(1.0 + 4.0 * D / (u * u * gamma_tau_s))


def grammage_decay(tr: SlabTransport, kin: Kinematics, tau_s: float) -> np.ndarray:
    """X_dec(T) [g cm^-2] of a radioactive nucleus of mean life tau_s at rest."""
    v = kin.beta * C_LIGHT
    D = tr.d_xx(kin)
    u = _u_cgs(tr)
    gt = kin.gamma * tau_s
    if u == 0:  # pure diffusion: 1/X = (2/mu v) sqrt(D/gt) coth(H/sqrt(D gt))
        ell = np.sqrt(D * gt)
        return tr.mu * v / 2.0 * ell / D * np.tanh(tr.H * KPC / ell)
    Dl = _delta_decay(tr, kin, D, gt)
    arg = u * tr.H * KPC * Dl / (2.0 * D)
    return tr.mu * v / u / (1.0 + Dl / np.tanh(arg))


def decay_feed(tr: SlabTransport, kin: Kinematics, tau_s: float):
    """Coefficient c(T) [g^-1 cm^2]: the daughter's source per unit grammage is c I_parent.

    (2 / (gamma tau mu v)) int_0^H N_p(z)/N_p(0) h(z) dz (module docstring) integrates to
    (u / mu v) [Delta coth(u H Delta / 2D) - coth(u H / 2D)], the form of CRAMS (Evoli's
    weighted-slab code, current version; an earlier version had twice this); checked against
    the quadrature and against the 2D solver in tests/test_cocoons.py.  For u -> 0:
    (2D / mu v) [coth(H/l)/l - 1/H], l = (D gamma tau)^1/2."""
    v = kin.beta * C_LIGHT
    D = tr.d_xx(kin)
    u = _u_cgs(tr)
    gt = kin.gamma * tau_s
    H = tr.H * KPC
    if u == 0:
        ell = np.sqrt(D * gt)
        return 2.0 * D / (tr.mu * v) * (1.0 / (ell * np.tanh(H / ell)) - 1.0 / H)
    Dl = np.sqrt(1.0 + 4.0 * D / (u * u * gt))
    return u / (tr.mu * v) * (Dl / np.tanh(u * H * Dl / (2.0 * D))
                              - 1.0 / np.tanh(u * H / (2.0 * D)))


def decay_feed_quadrature(tr: SlabTransport, kin: Kinematics, tau_s: float, n_nodes: int = 96):
    """The same coefficient by Gauss-Legendre quadrature of the halo integral (a check)."""
    v = kin.beta * C_LIGHT
    D = tr.d_xx(kin)[:, None]
    u = _u_cgs(tr)
    gt = (kin.gamma * tau_s)[:, None]
    H = tr.H * KPC
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    z = 0.5 * H * (x + 1.0)[None, :]
    wz = 0.5 * H * w[None, :]
    Dl = np.sqrt(1.0 + 4.0 * D / (u * u * gt))
    a = u * Dl / (2.0 * D)
    # e^{uz/2D} sinh(a(H-z))/sinh(aH), written without overflow (a >= u/2D)
    shape = (np.exp(-(a - u / (2.0 * D)) * z) * (-np.expm1(-2.0 * a * (H - z)))
             / (-np.expm1(-2.0 * a * H)))
    h = (np.exp(-u * z / D) - np.exp(-u * H / D)) / (-np.expm1(-u * H / D))
    return 2.0 / (kin.gamma * tau_s * tr.mu * v) * np.sum(shape * h * wz, axis=1)


def loss_per_grammage(tr: SlabTransport, kin: Kinematics, Z: int, A: int, f_he: float):
    """Lambda(T) = dT/dx [GeV/n per g cm^-2], negative: adiabatic at the disc plus ionisation of
    the disc gas (neutral H with f_he He; Mannheim & Schlickeiser 1994)."""
    lam = np.zeros_like(kin.e_kn)
    if tr.adiabatic:
        lam -= 2.0 * _u_cgs(tr) / (3.0 * tr.mu * C_LIGHT) * kin.p_n  # -(2u/3 mu c) p_n c
    if tr.ionisation:
        dEdt = ionisation_rate(Z, A, kin.gamma, kin.m_n, f_he)  # eV/s per nucleus, n_H = 1
        m_h = M_PROTON * (1.0 + 4.0 * f_he)  # g per H atom
        lam -= dEdt * EV / (A * m_h * kin.beta * C_LIGHT) / (1e9 * EV)
    return lam


def solve_species(e_kn, X, sigma_over_m, lam, Q):
    """I(T) of Eq. (1) on the grid ``e_kn`` (module docstring's downward exponential steps).
    X [g cm^-2], sigma_over_m [cm^2 g^-1], lam [GeV/n per g cm^-2] (<= 0), Q per g cm^-2;
    Q may carry leading axes (several independent source sets solved at once)."""
    T = np.asarray(e_kn, dtype=float)
    Q = np.asarray(Q, dtype=float)
    rate = 1.0 / X + sigma_over_m  # per g cm^-2
    L = np.abs(lam)
    if not np.any(L > 0):
        return Q / rate
    I = np.empty_like(Q)
    # top node: the local solution (losses negligible at the highest energy)
    I[..., -1] = Q[..., -1] / rate[-1]
    F = L[-1] * I[..., -1]
    for i in range(T.size - 2, -1, -1):
        if L[i] <= 0:
            I[..., i] = Q[..., i] / rate[i]
            F = np.zeros_like(F)
            continue
        a = rate[i] / L[i]
        x = a * (T[i + 1] - T[i])
        F = F * np.exp(-x) + Q[..., i] / a * (-np.expm1(-x))
        I[..., i] = F / L[i]
    return I


@dataclass(frozen=True)
class Cocoon:
    """Grammage at the sources (seed 002 Eqs. 6, B.1); chi_c0 = 0 switches it off."""

    chi_c0: float = 0.0  # g/cm^2
    R0_tv: float = 20.0  # TV
    model: str = "exp"
    delta_c: float = 0.5

    def chi(self, rigidity):
        if self.chi_c0 == 0:
            return np.zeros_like(np.asarray(rigidity, dtype=float))
        return chi_cocoon(rigidity, self.chi_c0, self.R0_tv, self.model, self.delta_c)


class SlabNetwork:
    """The weighted-slab model for a whole network (species heaviest first).

    ``nuclides``: :class:`~.nuclides.NuclideTable`; ``xsec``:
    :class:`~.cross_sections.CrossSections`; ``composition``:
    :class:`~.sources.SourceComposition` (injection per unit momentum vs rigidity); the energy
    grid ``e_kn`` [GeV/n].  Cross sections and the order are computed once; :meth:`solve` is
    cheap and is what a fit calls many times."""

    def __init__(self, nuclides, xsec, composition, e_kn, m_n: float, f_he: float = 0.11):
        from .nuclides import order_species
        # several compositions are solved at once (a leading axis of every result)
        self.compositions = list(composition) if isinstance(composition, (list, tuple)) \
            else [composition]
        self.nuclides, self.xsec = nuclides, xsec
        self.e_kn = np.asarray(e_kn, dtype=float)
        self.m_n, self.f_he = m_n, f_he
        self.m_h = M_PROTON * (1.0 + 4.0 * f_he)  # gas mass per H atom [g]
        self._prod = {s: xsec.production(s, self.e_kn) for s in nuclides.species}
        self.order = order_species(nuclides, lambda s: self._prod[s])
        self.kin = {s: Kinematics.of(self.e_kn, s[1], s[0], m_n) for s in self.order}
        self.sigma = {s: xsec.inelastic(s[0], s[1], self.e_kn) * MB for s in self.order}
        self.injected = {}
        for comp in self.compositions:
            for iso in sorted(comp.isotopes):
                d = nuclides.final(*iso)
                if d is not None and iso not in self.injected.get(d, []):
                    self.injected.setdefault(d, []).append(iso)

    def primary(self, s) -> np.ndarray:
        """Disc injection of species s per unit E_k/n and per unit v (the 1/(mu v) of the
        source per grammage without mu), arbitrary units, shape (compositions, energies);
        injected short-lived isotopes count as their long-lived descendant."""
        q = np.zeros((len(self.compositions), self.e_kn.size))
        for Z, A in self.injected.get(s, ()):
            kin = Kinematics.of(self.e_kn, A, Z, self.m_n)
            for g, comp in enumerate(self.compositions):
                inj = comp.isotopes.get((Z, A))
                if inj is not None:  # per unit momentum -> per E_k/n (dp/dT_n = A/beta), / v
                    q[g] += inj.spectrum(kin.rigidity) * A / kin.beta / (kin.beta * C_LIGHT)
        return q

    def solve(self, tr: SlabTransport, cocoon: Cocoon = Cocoon()) -> dict:
        """{species: I(T)} disc densities per unit E_k/n (units of the primary / mu), shape
        (compositions, energies)."""
        out = {}
        src = {s: self.primary(s) / tr.mu for s in self.order}
        prim = {s: src[s].copy() for s in self.order}
        for s in self.order:
            kin = self.kin[s]
            half, daughter = self.nuclides.decay(*s)
            tau = half * YR_S / np.log(2.0) if np.isfinite(half) else np.inf
            X = grammage(tr, kin) if not np.isfinite(tau) else grammage_decay(tr, kin, tau)
            lam = loss_per_grammage(tr, kin, s[0], s[1], self.f_he)
            I = solve_species(self.e_kn, X, self.sigma[s] / self.m_h, lam, src[s])
            out[s] = I
            chi = cocoon.chi(kin.rigidity) if cocoon.chi_c0 else None
            for d, sig in self._prod[s].items():
                if d not in src:
                    continue
                src[d] = src[d] + sig * MB / self.m_h * I
                if chi is not None:
                    src[d] = src[d] + chi * sig * MB / self.m_h * prim[s]
            if daughter is not None and daughter in src:
                src[daughter] = src[daughter] + decay_feed(tr, kin, tau) * I
        return out

    def fluxes(self, I: dict, g: int = 0) -> dict:
        """{species: J(E_k/n)} = v I / 4 pi of composition ``g`` (arbitrary units)."""
        return {s: self.kin[s].beta * C_LIGHT * I[s][g] / (4.0 * np.pi) for s in I}
