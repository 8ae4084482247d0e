"""Cosmic rays accelerated at the wind termination shock (WTS) of a star cluster.

Model: Morlino, Blasi, Peretti & Cristofari 2021 (MNRAS 504, 6096; "M21") as used by
Menchiari et al. 2024 (A&A 686, A242; "M24", Sec. 3.2) and by seed 000 (Menchiari et al.,
ICRC 2025, Sec. 3, Eq. 1).  Spherical, steady state:

* free wind r < R_ts with speed u1 = v_w, shocked wind R_ts < r < R_b with incompressible flow
  u2(r) = (v_w/4)(R_ts/r)^2 (compression ratio 4), ISM outside R_b (at rest);
* turbulent field: a fraction eta_B of the wind kinetic-energy flux,
  r^2 v_w dB^2 = eta_B Mdot v_w^2 / 2  =>  dB(r) = sqrt(eta_B Mdot v_w / 2) / r   (upstream),
  uniform B2 = sqrt(11) dB(R_ts) downstream (isotropic turbulence compressed by 4:
  sqrt((1 + 2*4^2)/3) = sqrt(11));  M21 Sec. 2, M24 Sec. 3.1;
* diffusion D = (v/3) r_L^w L_c^(1-w) with w = 1/3 (Kolmogorov), 1/2 (Kraichnan), 1 (Bohm),
  r_L = p c / (e B);  M21 Eqs. for D, M24 Sec. 3.1.  (For r_L > L_c the quasi-linear forms are
  extrapolated unchanged, as in M21/M24 and SAETASS; choice noted.)
* p_max: upstream confinement D1(R_ts, p_max) = v_w R_ts (M24's definition, as in the public
  SAETASS code of Garcia-Morillo, Menchiari & Lopez-Coto); the downstream condition
  D2(p) = (v_w/4) R_ts is also provided (PHYSICS-NOTES Sec. 5.5);
* spectrum at the shock: the M24 Table 1 fit to the M21 solution,
  f_ts(p) = K p^-4 [1 + a1 (p/p_max)^a2] exp[-a3 (p/p_max)^a4];
* spatial function Gamma(r, p) = f(r, p) / f_ts(p) in the three zones, closed form (M21 Sec. 3,
  seed 000 Eq. 1; PHYSICS-NOTES Sec. 5.3), with the outside term continuous at R_b and the
  Galactic background f_gal = 0 (source-only emission).

Units: CGS; momenta p in GeV/c, kinetic energies T in GeV at the interface; phase-space density
f in cm^-3 (GeV/c)^-3, so the normalisation K is in (GeV/c) cm^-3.

Turbulence regimes are named "kolmogorov", "kraichnan", "bohm" (integer codes 0, 1, 2 in the
Cython kernel, see :data:`REGIMES`).
"""

from __future__ import annotations

import numpy as np

from ..constants import C_LIGHT, E_CHARGE, GEV, M_PROTON_GEV, PC

#: Turbulence regimes, in the order of their integer codes used by the Cython kernels.
REGIMES = ("kolmogorov", "kraichnan", "bohm")

#: Exponent w of D ~ r_L^w L_c^(1-w) (quasi-linear theory for a Kolmogorov k^-5/3 or a
#: Kraichnan k^-3/2 spectrum injected at L_c; Bohm D = r_L v / 3).  M21 Sec. 2; M24 Sec. 3.1.
DIFFUSION_EXPONENT = {"kolmogorov": 1.0 / 3.0, "kraichnan": 0.5, "bohm": 1.0}

#: (a1, a2, a3, a4) of the cutoff fit of Menchiari et al. 2024, Table 1, as transcribed in the
#: public SAETASS 0.5.1 code (saetass/utils/bubble_profiles.py, CUTOFF_COEFFICIENTS).
#: The p_max they refer to is the upstream one, D1(R_ts, p_max) = v_w R_ts.
CUTOFF_COEFFICIENTS = {
    "kolmogorov": (10.0, 0.308653, 22.0241, 0.43112),
    "kraichnan": (5.0, 0.448549, 12.52, 0.642666),
    "bohm": (8.94, 1.29597, 5.31019, 1.13245),
}

#: sqrt(11): compression of isotropic turbulence by a factor-4 shock (M21; M24 Sec. 3.1).
B_COMPRESSION = float(np.sqrt(11.0))

# defaults (model parameters; the config keys are listed in the module report)
ETA_B_DEFAULT = 0.1  # fraction of wind kinetic power in turbulence (SAETASS default; M24)
L_C_DEFAULT = 1.0 * PC  # turbulence injection scale [cm] (SAETASS default r_Inj = 1 pc)
XI_CR_DEFAULT = 0.1  # CR pressure at the shock / wind ram pressure (M21 convention)
P_INJ_DEFAULT = 1.0e-2  # GeV/c, lower end of the normalisation integrals (choice, see f_ts_norm)
D_ISM_0 = 3.0e28  # cm^2/s at T = 1 GeV (SAETASS default for the ISM)
D_ISM_DELTA = 1.0 / 3.0  # energy slope of the ISM diffusion coefficient (SAETASS default)


def regime_name(regime) -> str:
    """Normalise a regime given as name or integer code to its name (see :data:`REGIMES`)."""
    if isinstance(regime, (int, np.integer)):
        return REGIMES[int(regime)]
    name = str(regime).lower()
    if name not in DIFFUSION_EXPONENT:
        raise ValueError(f"unknown turbulence regime {regime!r}; choose one of {REGIMES}")
    return name


def regime_index(regime) -> int:
    """Integer code (0 Kolmogorov, 1 Kraichnan, 2 Bohm) of a regime name or code."""
    return REGIMES.index(regime_name(regime))


# ---------------------------------------------------------------------------------------------
# kinematics
# ---------------------------------------------------------------------------------------------

def momentum_from_kinetic(T):
    """Proton momentum p [GeV/c] from kinetic energy T [GeV]: p = sqrt(T^2 + 2 T m c^2)."""
    T = np.asarray(T, dtype=float)
    return np.sqrt(T * (T + 2.0 * M_PROTON_GEV))


def kinetic_from_momentum(p):
    """Proton kinetic energy T [GeV] from momentum p [GeV/c], cancellation-free form
    T = p^2 / (sqrt(p^2 + m^2) + m)."""
    p = np.asarray(p, dtype=float)
    return p * p / (np.sqrt(p * p + M_PROTON_GEV**2) + M_PROTON_GEV)


def proton_beta(p):
    """Proton speed v/c for momentum p [GeV/c]."""
    p = np.asarray(p, dtype=float)
    return p / np.sqrt(p * p + M_PROTON_GEV**2)


# ---------------------------------------------------------------------------------------------
# magnetic field and diffusion
# ---------------------------------------------------------------------------------------------

def delta_B_wind(r, mdot, v_w, eta_B=ETA_B_DEFAULT):
    """Upstream turbulent field [G]: dB(r) = sqrt(eta_B Mdot v_w / 2) / r.

    From r^2 v_w dB^2 = eta_B Mdot v_w^2 / 2 (a fraction eta_B of the wind kinetic power
    carried as magnetic turbulence; M21 Sec. 2, M24 Sec. 3.1; SAETASS
    ``compute_magnetic_field_profile``).  r, [cm]; mdot [g/s]; v_w [cm/s].  Note that the
    Gaussian-units magnetic energy density dB^2/(8 pi) times 4 pi r^2 v_w would give an extra
    factor 2; we follow the published convention (dB^2 r^2 v_w = eta_B Mdot v_w^2 / 2).
    """
    r = np.asarray(r, dtype=float)
    return np.sqrt(0.5 * eta_B * np.asarray(mdot) * np.asarray(v_w)) / r


def B_downstream(mdot, v_w, r_ts, eta_B=ETA_B_DEFAULT):
    """Uniform downstream field [G]: B2 = sqrt(11) dB(R_ts) (M21; M24 Sec. 3.1)."""
    return B_COMPRESSION * delta_B_wind(r_ts, mdot, v_w, eta_B)


def larmor_radius(p, B):
    """Larmor radius [cm] of a proton of momentum p [GeV/c] in a field B [G]: r_L = p c / (e B)."""
    return np.asarray(p, dtype=float) * GEV / (E_CHARGE * np.asarray(B, dtype=float))


def diffusion_coefficient(p, B, regime, L_c=L_C_DEFAULT):
    """Diffusion coefficient [cm^2/s] of protons of momentum p [GeV/c] in a turbulent field B [G].

    D = (v/3) r_L^w L_c^(1-w): w = 1 Bohm, 1/2 Kraichnan, 1/3 Kolmogorov (M21 Sec. 2; M24
    Sec. 3.1; identical to SAETASS ``compute_diffusion_profile``).  L_c [cm] is the injection
    scale of the turbulence.  Arrays broadcast.
    """
    w = DIFFUSION_EXPONENT[regime_name(regime)]
    rl = larmor_radius(p, B)
    return proton_beta(p) * C_LIGHT / 3.0 * rl**w * L_c ** (1.0 - w)


def d_ism(T, d0=D_ISM_0, delta=D_ISM_DELTA):
    """ISM diffusion coefficient [cm^2/s] outside the bubble: d0 (T / 1 GeV)^delta, T kinetic
    energy [GeV].  Default 3e28 (T/GeV)^(1/3) is the SAETASS default (PROPOSED as project default;
    Galactic averages 3-4e28 are common)."""
    return d0 * np.asarray(T, dtype=float) ** delta


# ---------------------------------------------------------------------------------------------
# maximum momentum
# ---------------------------------------------------------------------------------------------

def _solve_confinement(B, u, R, w, L_c):
    """Momentum [GeV/c] with (v/3) r_L^w L_c^(1-w) = u R, for arrays B [G], u [cm/s], R [cm].

    Ultra-relativistic solution p* = e B (3 u R / (c L_c^(1-w)))^(1/w) / (GeV/c), then
    h(x) = w (x - ln p*) + ln beta(e^x) = 0 in x = ln p by Newton's method from x = ln p*
    (h(ln p*) <= 0; h is increasing and concave, h' = w + 1 - beta^2, so the iterates rise
    monotonically to the root: no overshoot, ~5 steps to 1e-15).
    Returns 0 where B, u or R is not positive.
    """
    B, u, R = np.broadcast_arrays(np.asarray(B, float), np.asarray(u, float), np.asarray(R, float))
    ok = (B > 0) & (u > 0) & (R > 0)
    Bs, us, Rs = np.where(ok, B, 1.0), np.where(ok, u, 1.0), np.where(ok, R, 1.0)
    ln_rl = np.log(3.0 * us * Rs / (C_LIGHT * L_c ** (1.0 - w))) / w
    ln_pstar = ln_rl + np.log(E_CHARGE * Bs / GEV)
    x = ln_pstar.copy()
    for _ in range(100):
        beta = proton_beta(np.exp(x))
        step = -(w * (x - ln_pstar) + np.log(beta)) / (w + 1.0 - beta * beta)
        x = x + step
        if np.all(np.abs(step) <= 1e-15 * np.maximum(np.abs(x), 1.0)):
            break
    return np.where(ok, np.exp(x), 0.0)


def p_max_upstream(mdot, v_w, r_ts, regime, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT):
    """p_max [GeV/c] from upstream confinement D1(R_ts, p_max) = v_w R_ts.

    This is the p_max of the M24 Table 1 cutoff fit (M24 Sec. 3.2; SAETASS
    ``compute_source_term``).  Bohm: p_max c = 3 e (v_w/c) sqrt(eta_B Mdot v_w / 2) (ultra-rel.),
    independent of R_ts and proportional to eta_B^(1/2).  Returns 0 without a wind.
    """
    w = DIFFUSION_EXPONENT[regime_name(regime)]
    mdot, v_w, r_ts = (np.asarray(a, float) for a in (mdot, v_w, r_ts))
    safe_r = np.where(r_ts > 0, r_ts, 1.0)
    B1 = np.where(r_ts > 0, delta_B_wind(safe_r, mdot, v_w, eta_B), 0.0)
    return _solve_confinement(B1, v_w, r_ts, w, L_c)


def p_max_downstream(mdot, v_w, r_ts, regime, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT):
    """p_max [GeV/c] from the downstream condition D2(p) = (v_w/4) R_ts, with B2 = sqrt(11) dB(R_ts)
    (PHYSICS-NOTES Sec. 5.5; M21 discussion of the two confinement conditions).  Reported for
    diagnostics only: the M24 fit is written in terms of :func:`p_max_upstream`."""
    w = DIFFUSION_EXPONENT[regime_name(regime)]
    mdot, v_w, r_ts = (np.asarray(a, float) for a in (mdot, v_w, r_ts))
    safe_r = np.where(r_ts > 0, r_ts, 1.0)
    B2 = np.where(r_ts > 0, B_downstream(mdot, v_w, safe_r, eta_B), 0.0)
    return _solve_confinement(B2, 0.25 * v_w, r_ts, w, L_c)


# ---------------------------------------------------------------------------------------------
# spectrum at the shock
# ---------------------------------------------------------------------------------------------

def cutoff_shape(x, regime):
    """M24 Table 1 cutoff factor S(x) = [1 + a1 x^a2] exp(-a3 x^a4), x = p / p_max (upstream)."""
    a1, a2, a3, a4 = CUTOFF_COEFFICIENTS[regime_name(regime)]
    x = np.asarray(x, dtype=float)
    return (1.0 + a1 * x**a2) * np.exp(-a3 * x**a4)


def f_ts(p, K, p_max, regime):
    """Spectrum at the shock [cm^-3 (GeV/c)^-3]: f_ts = K p^-4 S(p / p_max) (M24 Sec. 3.2, Table 1;
    seed 000 Eq. 1).  p [GeV/c]; K [(GeV/c) cm^-3] from :func:`f_ts_norm`; arrays broadcast.
    Where p_max <= 0 (no shock) the result is 0."""
    p = np.asarray(p, dtype=float)
    p_max = np.asarray(p_max, dtype=float)
    ok = p_max > 0
    x = p / np.where(ok, p_max, 1.0)
    return np.where(ok, np.asarray(K) * p**-4 * cutoff_shape(x, regime), 0.0)


def _lnp_grid(p_lo, p_hi, n):
    """Per-row log-momentum grids [..., n] between p_lo and p_hi (arrays)."""
    t = np.linspace(0.0, 1.0, n)
    a, b = np.log(p_lo)[..., None], np.log(p_hi)[..., None]
    return a + (b - a) * t


def _simpson(y, x):
    """Composite Simpson rule along the last axis (odd number of equally spaced points)."""
    h = (x[..., -1] - x[..., 0]) / (x.shape[-1] - 1)
    return h / 3.0 * (y[..., 0] + y[..., -1] + 4.0 * y[..., 1:-1:2].sum(-1)
                      + 2.0 * y[..., 2:-1:2].sum(-1))


def shock_spectrum_moments(p_max, regime, p_inj=P_INJ_DEFAULT, n=401):
    """Dimensionless moments of the unit-normalised spectrum g(p) = p^-4 S(p/p_max):

    I_P = int_{p_inj}^inf beta(p) S d ln p      (pressure: (4 pi/3) int p^3 v g dp = (4 pi/3) I_P GeV)
    I_E = int_{p_inj}^inf (T/p) S d ln p        (energy density: 4 pi int p^2 T g dp = 4 pi I_E GeV)

    Simpson in ln p from p_inj to max(100 p_max, 10 p_inj) (S(100) < 1e-60 for all regimes) on
    n nodes: n = 401 agrees with n = 40001 to 1.2e-10 for p_max = 1e2-1e7 GeV/c, all regimes
    (tested).
    Returns (I_P, I_E) arrays shaped like p_max.
    """
    shape = np.shape(p_max)
    p_max = np.atleast_1d(np.asarray(p_max, dtype=float))
    pm = np.where(p_max > 0, p_max, 1.0).ravel()
    hi = np.maximum(100.0 * pm, 10.0 * p_inj)
    I_P = np.empty(pm.size)
    I_E = np.empty(pm.size)
    chunk = 512
    for s in range(0, pm.size, chunk):
        lnp = _lnp_grid(np.full(min(chunk, pm.size - s), p_inj), hi[s:s + chunk], n)
        p = np.exp(lnp)
        S = cutoff_shape(p / pm[s:s + chunk, None], regime)
        I_P[s:s + chunk] = _simpson(proton_beta(p) * S, lnp)
        I_E[s:s + chunk] = _simpson(kinetic_from_momentum(p) / p * S, lnp)
    return I_P.reshape(shape), I_E.reshape(shape)


def f_ts_norm(mdot, v_w, r_ts, p_max, regime, xi_cr=XI_CR_DEFAULT, norm="pressure",
              p_inj=P_INJ_DEFAULT):
    """Normalisation K [(GeV/c) cm^-3] of f_ts = K p^-4 S(p/p_max).

    ``norm="pressure"`` (default; Morlino et al. 2021 convention, PHYSICS-NOTES Sec. 5.4):
        P_CR(R_ts) = (4 pi / 3) int_{p_inj}^inf p^3 v f_ts dp = xi_cr rho_w v_w^2,
        rho_w = Mdot / (4 pi R_ts^2 v_w) the upstream wind density at the shock.
    ``norm="flux"``: the CR energy flux advected downstream equals xi_cr L_w,
        4 pi R_ts^2 (v_w/4) eps_CR(R_ts) = xi_cr Mdot v_w^2 / 2,  eps_CR = 4 pi int p^2 T f dp.

    Choice (not retrievable from M24/seed 000): the pressure form is the one M21 uses to quote
    "xi_CR ~ 10 %"; for p_max ~ 1 PeV it corresponds to an advected CR luminosity of
    ~1.2 xi_cr L_w (see :func:`advected_luminosity_fraction`).  p_inj [GeV/c] is the lower bound of
    both integrals (default 0.01 GeV/c ~ a few times the downstream thermal momentum m_p v_w/4 for
    v_w ~ 2000-3000 km/s); the integrals converge for p_inj -> 0 and the result changes by < 10 %
    between p_inj = 0.001 and 1 GeV/c.  Returns 0 where there is no shock (r_ts <= 0, p_max <= 0).
    """
    mdot, v_w, r_ts, p_max = np.broadcast_arrays(*(np.asarray(a, float)
                                                    for a in (mdot, v_w, r_ts, p_max)))
    ok = (mdot > 0) & (v_w > 0) & (r_ts > 0) & (p_max > 0)
    I_P, I_E = shock_spectrum_moments(np.where(ok, p_max, 1.0), regime, p_inj)
    r = np.where(ok, r_ts, 1.0)
    if norm == "pressure":
        rho_w = mdot / (4.0 * np.pi * r**2 * np.where(ok, v_w, 1.0))
        K = xi_cr * rho_w * v_w**2 / (4.0 * np.pi / 3.0 * GEV * I_P)
    elif norm == "flux":
        eps = xi_cr * 0.5 * mdot * v_w**2 / (np.pi * r**2 * np.where(ok, v_w, 1.0))
        K = eps / (4.0 * np.pi * GEV * I_E)
    else:
        raise ValueError(f"norm must be 'pressure' or 'flux', got {norm!r}")
    return np.where(ok, K, 0.0)


def advected_luminosity_fraction(p_max, regime, p_inj=P_INJ_DEFAULT):
    """Ratio (CR energy flux advected downstream) / L_w for the ``pressure`` normalisation with
    xi_cr = 1: 4 pi R_ts^2 (v_w/4) eps_CR / (Mdot v_w^2/2) = (3/2) I_E / I_P.  Diagnostic used in
    the documentation of the normalisation and in the energy-bookkeeping tests."""
    I_P, I_E = shock_spectrum_moments(p_max, regime, p_inj)
    return 1.5 * I_E / I_P


# ---------------------------------------------------------------------------------------------
# spatial function Gamma(r, p)
# ---------------------------------------------------------------------------------------------

def wind_shape(x, regime):
    """g(x) with ln Gamma_w = -a_w g(x), x = r / R_ts <= 1, for D1(r) = D1(R_ts) x^w:

    int_r^{R_ts} u1 / D1 dr' = a_w g(x),  a_w = u1 R_ts / D1(R_ts, p),
    g = (1 - x^(1-w)) / (1 - w) for w < 1,  g = -ln x for Bohm (w = 1).  (M21 upstream solution.)
    """
    w = DIFFUSION_EXPONENT[regime_name(regime)]
    x = np.asarray(x, dtype=float)
    if w == 1.0:
        return -np.log(x)
    return -np.expm1((1.0 - w) * np.log(x)) / (1.0 - w)


def transport_numbers(p, mdot, v_w, r_ts, r_b, regime, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT,
                      d_out=None):
    """Dimensionless transport numbers of M21 for momenta p [GeV/c] (arrays broadcast):

    a_w   = v_w R_ts / D1(R_ts, p)                       (upstream advection/diffusion)
    A2    = u2 R_ts / D2(p), u2 = v_w/4                   (downstream)
    alpha_b = A2 (1 - R_ts/R_b)                           (alpha(R_b))
    beta  = D_out(p) R_b / (u2 R_ts^2)                    (escape into the ISM)

    d_out [cm^2/s] defaults to :func:`d_ism` of the kinetic energy.  Returns a dict.
    """
    p = np.asarray(p, dtype=float)
    B1 = delta_B_wind(r_ts, mdot, v_w, eta_B)
    B2 = B_COMPRESSION * B1
    D1 = diffusion_coefficient(p, B1, regime, L_c)
    D2 = diffusion_coefficient(p, B2, regime, L_c)
    if d_out is None:
        d_out = d_ism(kinetic_from_momentum(p))
    u2 = 0.25 * np.asarray(v_w, float)
    A2 = u2 * r_ts / D2
    return {"a_w": v_w * r_ts / D1, "A2": A2, "alpha_b": A2 * (1.0 - r_ts / r_b),
            "beta": d_out * r_b / (u2 * r_ts**2), "D1": D1, "D2": D2, "D_out": d_out}


def gamma_wind(x, a_w, regime):
    """Upstream Gamma_w = exp(-a_w g(x)), x = r/R_ts in (0, 1] (M21; PHYSICS-NOTES 5.3).
    Gamma_w(1) = 1; evaluated in log form, no overflow."""
    return np.exp(-np.asarray(a_w) * wind_shape(x, regime))


def gamma_bubble(r, r_ts, r_b, A2, alpha_b, beta):
    """Downstream Gamma_b(r, p) for R_ts <= r <= R_b (M21 Sec. 3; f_gal = 0):

        Gamma_b = [e^alpha + beta (e^alpha_b - e^alpha)] / [1 + beta (e^alpha_b - 1)],
        alpha(r) = A2 (1 - R_ts/r).

    Evaluated after dividing by e^alpha_b, with only non-positive exponents:
        Gamma_b = [beta + (1 - beta) E] / den,  E = exp(alpha - alpha_b) in (0, 1],
        den = e^-alpha_b - beta expm1(-alpha_b)  (> 0),
    stable for any alpha_b (the e^alpha ~ e^700 overflow of the direct form never occurs).
    Gamma_b(R_ts) = 1 exactly; Gamma_b(R_b) = 1/den -> 1/beta for alpha_b >> 1.
    """
    r = np.asarray(r, dtype=float)
    lnE = -np.asarray(A2) * (r_ts / r - r_ts / r_b)
    E = np.exp(lnE)
    den = np.exp(-np.asarray(alpha_b)) - beta * np.expm1(-np.asarray(alpha_b))
    return (beta + (1.0 - beta) * E) / den


def gamma_at_rb(alpha_b, beta):
    """Gamma_b(R_b) = 1 / [e^-alpha_b + beta (1 - e^-alpha_b)]."""
    alpha_b = np.asarray(alpha_b)
    return 1.0 / (np.exp(-alpha_b) - beta * np.expm1(-alpha_b))


def gamma_outside(r, r_b, alpha_b, beta):
    """Outside the bubble (r >= R_b, f_gal = 0): Gamma_out = Gamma_b(R_b) R_b / r.

    Steady diffusion with constant D_out; continuous at R_b and -> 0 at infinity.  (SAETASS writes
    the f_gal term with (1 - R_ts/r); with f_gal = 0 that difference is irrelevant here, and the
    continuous form would use (1 - R_b/r); PHYSICS-NOTES Sec. 5.3.)
    """
    return gamma_at_rb(alpha_b, beta) * r_b / np.asarray(r, dtype=float)


def gamma_profile(r, p, mdot, v_w, r_ts, r_b, regime, eta_B=ETA_B_DEFAULT, L_c=L_C_DEFAULT,
                  d_out=None, r_c=0.0):
    """Gamma(r, p) on all zones for one cluster: array [len(p), len(r)].

    r < R_c: Gamma_w(R_c) (field and D constant in the core; choice); R_c <= r < R_ts: Gamma_w;
    R_ts <= r <= R_b: Gamma_b; r > R_b: Gamma_out.  p [GeV/c], r [cm]; d_out [cm^2/s] per p.
    """
    p = np.atleast_1d(np.asarray(p, dtype=float))[:, None]
    r = np.atleast_1d(np.asarray(r, dtype=float))[None, :]
    dop = None if d_out is None else np.atleast_1d(d_out)[:, None]
    tn = transport_numbers(p, mdot, v_w, r_ts, r_b, regime, eta_B, L_c, dop)
    out = np.empty(np.broadcast_shapes(p.shape, r.shape))
    x = np.maximum(r, r_c) / r_ts
    gw = gamma_wind(np.minimum(x, 1.0), tn["a_w"], regime)
    rr = np.clip(r, r_ts, r_b)
    gb = gamma_bubble(rr, r_ts, r_b, tn["A2"], tn["alpha_b"], tn["beta"])
    go = gamma_outside(np.maximum(r, r_b), r_b, tn["alpha_b"], tn["beta"])
    out[...] = np.where(r < r_ts, gw, np.where(r <= r_b, gb, go))
    return out
