"""Galactic cosmic-ray "sea": spatially constant CR spectra bracketing the knee (seed 000 Sec. 4).

Seed 000 (Sec. 4): the diffuse emission of the CR sea is computed for a spatially constant
Galactic CR spectrum [Vecchiotti et al. 2024, arXiv:2411.11439], with two spectral models as
lower and upper bounds [Dembinski et al. 2017, ICRC2017 PoS 301, 533 (GSF); Vecchiotti+2024]:
the lower bound is a fit to the IceTop spectrum (Aartsen et al. 2019, PRD 100, 082002), the
upper bound is based on KASCADE(-Grande) (arXiv:1306.6283).  Vecchiotti+2024's own
parametrisations could not be read (literature.md Sec. 7); we use published, citable
composition models evaluated with the ``crflux`` package (runtime dependency, together with
``globalsplinefit`` which provides the GSF tables; both work offline):

* ``"gsf2017"`` -- Global Spline Fit, Dembinski et al. 2017 (arXiv:1711.11432, seed ref. [12]),
  ``crflux.models.GlobalSplineFit('2017')``.  Data-driven fit of p..Ni; above 1 PeV its
  elemental groups are driven by KASCADE / KASCADE-Grande group spectra.  Used as the
  **upper** bound ("KASCADE-based").  It has the larger PeV nucleon flux of the two.
* ``"gst3"`` -- Gaisser, Stanev & Tilav 2013 (Front. Phys. 8, 748), 3-population fit to
  air-shower data including IceTop/IceCube; lighter component cut off earlier, heavier
  composition at the knee.  Used as the **lower** bound ("IceTop-like").
* also available: ``"gst4"`` (GST 4-population), ``"h3a"`` (Gaisser 2012, Astropart. Phys. 35,
  801), ``"polygonato"`` (Hoerandel 2003, Astropart. Phys. 19, 193; KASCADE-type rigidity knee
  at 4.51 PeV).

CHOICE (ours, PROPOSED): the mapping lower -> GST-3, upper -> GSF-2017 reproduces the seed's
*bracketing* (lower < upper above the knee, both through the direct data at TeV) but not
Vecchiotti+2024's exact curves.  Change ``BOUNDS`` if those become available.

Energies.  crflux takes the laboratory (total) energy per nucleus (for nucleons: per nucleon).
We evaluate it at E = T + A m_p for kinetic energy T (per nucleus) or E_n = T_n + m_p per
nucleon; dE = dT, so J(T) = J_E(E).  Below E_LOW_GEV = 10 GeV (lower validity edge of the GSF,
Dembinski+2017 abstract) every model is continued as a power law with the local slope between
10 and 20 GeV (our choice; it only affects gamma rays below ~1-2 GeV).

Nuclei.  Projectile nuclei are treated by the **superposition** approximation: a nucleus of mass
number A and kinetic energy A*T_n acts as A nucleons of kinetic energy T_n, so the
all-nucleon intensity per nucleon energy is J_N(T_n) = sum_A A^2 J_A(A T_n)
(``crflux.PrimaryFlux.tot_nucleon_flux``), used with the p-p rate matrices (Kafexhiu et al.
2014, PRD 90, 123014, Sec. V: nuclear enhancement from projectile nuclei ~ superposition).
Helium in the *target* gas is NOT included here (N_H counts hydrogen nuclei only); if wanted,
apply a target enhancement factor downstream.

Units: J in GeV^-1 cm^-2 s^-1 sr^-1 (crflux returns m^-2: factor 1e-4).
Density: N(T) = 4 pi J(T) / (beta c)  [GeV^-1 cm^-3]  (CONVENTIONS.md).
"""

from __future__ import annotations

import functools

import numpy as np

from ..constants import C_LIGHT, M_PROTON_GEV

E_LOW_GEV = 10.0  # GeV, below: power-law continuation (see module doc)
M2_TO_CM2 = 1.0e-4

_CRFLUX_MODELS = {
    "gsf2017": ("GlobalSplineFit", ("2017",)),
    "gst3": ("GaisserStanevTilav", ("3-gen",)),
    "gst4": ("GaisserStanevTilav", ("4-gen",)),
    "h3a": ("HillasGaisser2012", ("H3a",)),
    "polygonato": ("PolyGonato", ()),
}
#: seed 000 bounds -> model names (PROPOSED mapping, see module doc)
BOUNDS = {"lower": "gst3", "upper": "gsf2017"}
MODEL_NAMES = tuple(_CRFLUX_MODELS) + tuple(BOUNDS)


def resolve_model(model):
    """Model name after resolving the aliases ``"lower"`` / ``"upper"`` (see :data:`BOUNDS`)."""
    name = BOUNDS.get(model, model)
    if name not in _CRFLUX_MODELS:
        raise KeyError(f"unknown CR-sea model {model!r}; known: {MODEL_NAMES}")
    return name


@functools.lru_cache(maxsize=None)
def _crflux(name):
    import crflux.models as cm  # runtime dependency (crflux + globalsplinefit for GSF)

    cls, args = _CRFLUX_MODELS[name]
    return getattr(cm, cls)(*args)


def _with_low_extension(func, e_tot):
    """Evaluate func(E) [per GeV] for E >= E_LOW_GEV; power law below (module doc)."""
    e_tot = np.asarray(e_tot, dtype=float)
    out = np.empty_like(e_tot)
    hi = e_tot >= E_LOW_GEV
    if np.any(hi):
        out[hi] = func(e_tot[hi])
    if np.any(~hi):
        f1, f2 = func(np.array([E_LOW_GEV, 2.0 * E_LOW_GEV]))
        slope = np.log(f2 / f1) / np.log(2.0)
        out[~hi] = f1 * (e_tot[~hi] / E_LOW_GEV) ** slope
    return out


def proton_intensity(t_gev, model):
    """Proton intensity J_p(T) [GeV^-1 cm^-2 s^-1 sr^-1] at kinetic energy T [GeV].

    model: a name of :data:`MODEL_NAMES` (``"lower"``/``"upper"`` = seed 000 bounds).
    crflux evaluated at total energy T + m_p (module doc).
    """
    m = _crflux(resolve_model(model))
    t = np.asarray(t_gev, dtype=float)
    return M2_TO_CM2 * _with_low_extension(lambda e: m.nucleus_flux(14, e), t + M_PROTON_GEV)


def nucleon_intensity(t_gev, model):
    """All-nucleon intensity J_N(T_n) [GeV^-1 cm^-2 s^-1 sr^-1] per kinetic energy per nucleon
    T_n [GeV]: superposition J_N = sum_A A^2 J_A(A T_n) (module doc; crflux tot_nucleon_flux)."""
    m = _crflux(resolve_model(model))
    t = np.asarray(t_gev, dtype=float)
    return M2_TO_CM2 * _with_low_extension(m.tot_nucleon_flux, t + M_PROTON_GEV)


def all_particle_intensity(e_gev, model):
    """All-particle intensity [GeV^-1 cm^-2 s^-1 sr^-1] vs total energy per particle [GeV]."""
    m = _crflux(resolve_model(model))
    return M2_TO_CM2 * _with_low_extension(m.total_flux, np.asarray(e_gev, dtype=float))


def sea_intensity(t_gev, model, species="nucleon"):
    """J(T) of the CR sea used for the diffuse emission: ``species`` = "nucleon" (default,
    all-nucleon superposition) or "proton" [GeV^-1 cm^-2 s^-1 sr^-1]."""
    if species == "nucleon":
        return nucleon_intensity(t_gev, model)
    if species == "proton":
        return proton_intensity(t_gev, model)
    raise ValueError("species must be 'nucleon' or 'proton'")


def beta_of_t(t_gev):
    """Proton velocity beta = sqrt(1 - 1/gamma^2), gamma = 1 + T/m_p, T [GeV]."""
    g = 1.0 + np.asarray(t_gev, dtype=float) / M_PROTON_GEV
    return np.sqrt(1.0 - 1.0 / g ** 2)


def sea_density(t_gev, model, species="nucleon"):
    """Number density per energy N(T) = 4 pi J(T) / (beta c) [GeV^-1 cm^-3] (CONVENTIONS.md)."""
    t = np.asarray(t_gev, dtype=float)
    return 4.0 * np.pi * sea_intensity(t, model, species) / (beta_of_t(t) * C_LIGHT)


def local_index(e_gev, model, which="all"):
    """Local spectral index -d ln J / d ln E (central differences on a +-1 % log step) of the
    all-particle ("all"), proton ("proton") or all-nucleon ("nucleon") intensity."""
    f = {"all": all_particle_intensity, "proton": proton_intensity,
         "nucleon": nucleon_intensity}[which]
    e = np.asarray(e_gev, dtype=float)
    h = 0.01
    return -(np.log(f(e * np.exp(h), model)) - np.log(f(e * np.exp(-h), model))) / (2.0 * h)


def knee_energy(model, which="all", index_threshold=2.85, e_min=1.0e5, e_max=1.0e8, n=601):
    """Operational knee position [GeV] (our definition, a diagnostic): the lowest energy above
    e_min where the local index of the chosen spectrum first exceeds index_threshold
    (below-knee all-particle index ~2.6-2.7, above ~3.0-3.1; LHAASO-KM2A 2024, PRL 132,
    131002, abstract: knee at 3.67 PeV, index 2.74 below it).  NaN if never reached."""
    e = np.geomspace(e_min, e_max, n)
    g = local_index(e, model, which)
    above = np.flatnonzero(g > index_threshold)
    if above.size == 0:
        return float("nan")
    k = above[0]
    if k == 0:
        return float(e[0])
    w = (index_threshold - g[k - 1]) / (g[k] - g[k - 1])
    return float(np.exp(np.log(e[k - 1]) + w * np.log(e[k] / e[k - 1])))
