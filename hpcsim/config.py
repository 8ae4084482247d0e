"""Run configuration: TOML (read with the standard library ``tomllib``) into validated dataclasses.

Each section is a frozen dataclass.  A field's ``metadata`` carries its unit, its allowed range
or choices and a one-line description; :func:`load_config` checks every key against it and stops
at the first problem with a :class:`ConfigError` that names the key (``section.key``) and says what
is wrong.  Cross-field rules live in each section's ``check`` method.

The configuration hash (:meth:`Config.physics_hash`) covers every key that changes results, so a
resumed run can refuse a changed configuration.  Keys in ``RESULT_NEUTRAL`` (how the run is
executed, not what it computes) are left out of the hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import tomllib
from dataclasses import dataclass, field
from typing import Any, get_type_hints


class ConfigError(Exception):
    """A problem with the configuration; ``key`` is ``section.name`` (or the file name)."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


def _f(default, *, unit: str = "", lo=None, hi=None, lo_open=False, choices=None, doc: str = "",
       kind: str = ""):
    """Declare a config field with its unit, allowed range/choices and documentation."""
    md = {"unit": unit, "lo": lo, "hi": hi, "lo_open": lo_open, "choices": choices, "doc": doc,
          "kind": kind}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata=md)
    return field(default=default, metadata=md)


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunSection:
    seed: int = _f(20250715, lo=0, doc="master seed of numpy SeedSequence")
    n_realisations: int = _f(4, lo=1, hi=100000, doc="Monte Carlo realisations of the Galaxy")
    n_sectors: int = _f(4, lo=1, hi=720,
                        doc="Galactocentric azimuthal sectors per realisation (one task each)")
    scenario: str = _f("ymsc_diffuse", choices=("ymsc_population", "ymsc_diffuse",
                                                 "stellar_injection", "propagation",
                                                 "cocoons", "knee"),
                       doc="population only (seed 000 Sec. 2), population + emission (seed 000, "
                           "the main job), or the seed-001 injection grid")

    def check(self):
        pass


@dataclass(frozen=True)
class PopulationSection:
    """Synthetic YMSC population (seed 000 Sec. 2; Menchiari et al. 2025, A&A 695, A175, Sec. 2)."""

    mass_min: float = _f(1.0e3, unit="Msun", lo=1.0, doc="minimum cluster mass (seed 000)")
    mass_max: float = _f(6.4e4, unit="Msun", lo=1.0,
                         doc="maximum cluster mass (seed 000; Piskunov et al. 2018)")
    age_max: float = _f(30.0, unit="Myr", lo=0.0, lo_open=True, hi=100.0,
                        doc="maximum cluster age (lifetime of an 8 Msun star, seed 000)")
    cmf_slope: float = _f(2.0, lo=1.01, hi=4.0,
                          doc="slope alpha of the cluster initial mass function dN/dM ~ M^-alpha")
    cmf_mass_lo: float = _f(100.0, unit="Msun", lo=1.0,
                            doc="lower cluster mass of the Bonatto & Bica (2011) mass budget")
    sfr_surface_density: float = _f(790.0, unit="Msun Myr^-1 kpc^-2", lo=0.0, lo_open=True,
                                    doc="local cluster formation rate (Bonatto & Bica 2011)")
    n_mean_override: float = _f(0.0, lo=0.0,
                                doc="if > 0: mean number of clusters per Galaxy, replacing the "
                                    "formation-rate integral (e.g. 2243 as in seed 000)")
    r_gc_min: float = _f(3.0, unit="kpc", lo=0.0, hi=30.0, doc="inner edge of the cluster disc")
    r_gc_max: float = _f(15.0, unit="kpc", lo=0.0, lo_open=True, hi=30.0,
                         doc="outer edge of the cluster disc")
    arm_sigma: float = _f(0.3, unit="kpc", lo=0.0, hi=5.0,
                          doc="Gaussian scatter of clusters about the spiral-arm centre lines")
    z_sigma: float = _f(0.05, unit="kpc", lo=0.0, hi=2.0, doc="Gaussian scale height of clusters")

    def check(self):
        if not self.mass_min < self.mass_max:
            raise ConfigError("population.mass_min", f"must be < population.mass_max "
                              f"({self.mass_min} >= {self.mass_max})")
        if not self.cmf_mass_lo <= self.mass_min:
            raise ConfigError("population.cmf_mass_lo", "must be <= population.mass_min")
        if not self.r_gc_min < self.r_gc_max:
            raise ConfigError("population.r_gc_min", "must be < population.r_gc_max")


@dataclass(frozen=True)
class StarsSection:
    """Stellar content of clusters: Kroupa (2001) IMF, MIST turn-off, wind laws (seed 000 Sec. 2)."""

    imf_m_min: float = _f(0.08, unit="Msun", lo=0.01, hi=0.5, doc="lower mass of the stellar IMF")
    imf_m_max: float = _f(150.0, unit="Msun", lo=20.0, hi=150.0,
                          doc="upper mass of the stellar IMF (MIST table ends at 150)")
    wr_mass_min: float = _f(25.0, unit="Msun", lo=8.0, hi=150.0,
                            doc="stars above this mass have a Wolf-Rayet phase after turn-off")
    wr_duration: float = _f(0.3, unit="Myr", lo=0.0, hi=5.0, doc="duration of the WR phase")
    wr_vinf: float = _f(1600.0, unit="km/s", lo=100.0, hi=10000.0,
                        doc="terminal wind speed of WR stars")
    wr_Y: float = _f(0.98, lo=0.0, lo_open=True, hi=1.0, doc="surface He mass fraction of WR stars")
    wr_Z: float = _f(0.02, lo=0.0, lo_open=True, hi=1.0,
                     doc="surface metal mass fraction of WR stars")

    def check(self):
        if not self.imf_m_min < 8.0 < self.imf_m_max:
            raise ConfigError("stars.imf_m_max", "the IMF range must contain 8 Msun")


@dataclass(frozen=True)
class BubbleSection:
    """Wind-blown bubble (Weaver et al. 1977 with power reduced by eta_m; seed 000 Sec. 2)."""

    eta_m: float = _f(0.1, lo=0.0, lo_open=True, hi=1.0,
                      doc="fraction of the mechanical power that drives the bubble")
    e_sn: float = _f(1.0e51, unit="erg", lo=0.0, doc="energy of one supernova")
    rcd_over_rfs: float = _f(0.9, lo=0.5, hi=1.0, lo_open=True,
                             doc="contact discontinuity radius / forward shock radius")
    core_radius: float = _f(1.0, unit="pc", lo=0.0, lo_open=True, hi=20.0,
                            doc="cluster core radius: no termination shock if R_ts < R_c")
    mu: float = _f(1.4, lo=1.0, hi=3.0, doc="mean mass per H atom of the ambient gas / m_p")

    def check(self):
        pass


@dataclass(frozen=True)
class GalaxySection:
    """Galactic gas model for the ambient density around clusters and the CR-sea target."""

    gas_model: str = _f("ferriere2001", choices=("ferriere2001", "constant"),
                        doc="ambient gas density model")
    n_constant: float = _f(10.0, unit="cm^-3", lo=0.0, lo_open=True,
                           doc="ambient H density when gas_model = 'constant'")
    n_floor: float = _f(0.1, unit="cm^-3", lo=0.0, lo_open=True,
                        doc="lower bound of the ambient H density around a cluster")

    def check(self):
        pass


@dataclass(frozen=True)
class CosmicRaysSection:
    """CRs at the wind termination shock and from supernovae (seed 000 Sec. 3, Eq. 1)."""

    regimes: list = _f(["kolmogorov", "kraichnan", "bohm"], kind="regimes",
                       doc="turbulence regimes computed for the same clusters")
    eta_B: float = _f(0.1, lo=0.0, lo_open=True, hi=1.0,
                      doc="fraction of the wind kinetic power in magnetic turbulence")
    L_c: float = _f(1.0, unit="pc", lo=0.0, lo_open=True, hi=100.0,
                    doc="turbulence injection (coherence) length")
    xi_cr: float = _f(0.1, lo=0.0, hi=1.0,
                      doc="CR pressure at the shock / wind ram pressure")
    p_inj: float = _f(1.0e-2, unit="GeV/c", lo=1e-4, hi=10.0,
                      doc="lower momentum of the CR normalisation integrals")
    xi_sn: float = _f(0.1, lo=0.0, hi=1.0, doc="fraction of E_SN given to CRs by each supernova")
    p_max_sn: float = _f(1.0e5, unit="GeV/c", lo=1e2, hi=1e8,
                         doc="maximum momentum of supernova CRs (100 TeV baseline)")
    esc_coeff: float = _f(0.0, lo=0.0, hi=100.0,
                          doc="0 (seed): SNe within t_adv count fully; > 0: extra depletion "
                              "exp(-dt esc_coeff D2 / R_b^2)")
    sn_rule: str = _f("advection", choices=("advection", "diffusion"),
                      doc="SNe that still hold their CRs: dt < t_adv (seed) or dt < "
                          "min(t_adv, R_b^2/(6 D2(p))) (diffusive escape per momentum)")
    sn_profile: str = _f("gamma", choices=("gamma", "gamma_confined", "uniform"),
                         doc="SN CRs: <f_SN> = sum q / V_SN times Gamma (seed Eq. 1), Gamma "
                             "profile holding all of them inside R_b, or uniform in V_SN")
    sn_volume: str = _f("cavity", choices=("cavity", "bubble"),
                        doc="volume V_SN the SN CRs fill: 4/3 pi R_cd^3 (seed Eq. 3 V_b + free "
                            "wind) or 4/3 pi (R_fs^3 - R_ts^3)")
    d_ism_0: float = _f(3.0e28, unit="cm^2 s^-1", lo=1e26, hi=1e31,
                        doc="ISM diffusion coefficient outside the bubble at 1 GeV")
    d_ism_delta: float = _f(1.0 / 3.0, lo=0.0, hi=1.0, doc="its energy slope")
    evap_coeff: float = _f(2.0e-4, unit="Msun yr^-1", lo=0.0, hi=1.0,
                           doc="shell evaporation rate at eta_m L=1e37 erg/s, n=10, 1 Myr")
    n_r: int = _f(23, lo=5, hi=4097, doc="radial nodes per zone of the r integral (odd: the "
                                         "cells are paired for the Richardson step)")

    def check(self):
        if self.n_r % 2 == 0:
            raise ConfigError("cosmic_rays.n_r", f"must be odd (the radial cells are paired for "
                              f"the Richardson step), got {self.n_r}")
        allowed = ("kolmogorov", "kraichnan", "bohm")
        if not self.regimes or any(r not in allowed for r in self.regimes) \
                or len(set(self.regimes)) != len(self.regimes):
            raise ConfigError("cosmic_rays.regimes", f"must be distinct names from {allowed}; "
                              f"got {self.regimes!r}")


@dataclass(frozen=True)
class EmissionSection:
    """Hadronic gamma rays and neutrinos (seed 000 Sec. 4, Eq. 2)."""

    gamma_model: str = _f("kafexhiu2014", choices=("kafexhiu2014", "aafrag"),
                          doc="gamma-ray cross sections (Kafexhiu+2014 or AAfrag)")
    high_energy_model: str = _f("pythia8", choices=("geant4", "pythia8", "sibyll", "qgsjet"),
                                doc="Kafexhiu+2014 high-energy parametrisation")
    e_p_min: float = _f(1.0, unit="GeV", lo=0.3, hi=1e3, doc="proton grid: lowest kinetic energy")
    e_p_max: float = _f(1.0e8, unit="GeV", lo=1e5, hi=1e10, doc="proton grid: highest")
    e_p_per_decade: int = _f(16, lo=4, hi=64, doc="proton grid points per decade")
    e_min: float = _f(10.0, unit="GeV", lo=1.0, hi=1e4, doc="photon/neutrino grid: lowest")
    e_max: float = _f(3.0e6, unit="GeV", lo=1e4, hi=1e8, doc="photon/neutrino grid: highest")
    e_per_decade: int = _f(8, lo=2, hi=32, doc="photon/neutrino grid points per decade")
    nu_flavour_divisor: float = _f(3.0, lo=1.0, hi=3.0,
                                   doc="all-flavour neutrino flux is divided by this (seed: 3)")

    def check(self):
        if not self.e_min < self.e_max:
            raise ConfigError("emission.e_min", "must be < emission.e_max")
        if not self.e_p_min < self.e_p_max:
            raise ConfigError("emission.e_p_min", "must be < emission.e_p_max")


@dataclass(frozen=True)
class SkySection:
    """HEALPix maps, regions, masks, CR sea (seed 000 Sec. 4)."""

    nside: int = _f(32, kind="nside", lo=4, hi=1024, doc="HEALPix NSIDE (power of 2)")
    map_energies: list = _f([1.0e3, 1.0e4, 1.0e5], unit="GeV", kind="floats",
                            doc="energies of the stored maps (nearest grid point)")
    inner_l_max: float = _f(70.0, unit="deg", lo=0.0, hi=180.0,
                            doc="inner-plane mask: 0 <= l <= inner_l_max ...")
    inner_b_max: float = _f(1.5, unit="deg", lo=0.0, hi=90.0, doc="... and |b| < inner_b_max")
    inner_symmetric: bool = _f(False, doc="mask |l| <= inner_l_max instead of 0..inner_l_max")
    mask_resolved: bool = _f(True, doc="mask clusters LHAASO would resolve at 100 TeV")
    lhaaso_exposure: float = _f(2.5, unit="yr", lo=0.01, hi=100.0,
                                doc="LHAASO-KM2A exposure of the detection criterion")
    exposure_index: float = _f(0.5, lo=0.0, hi=1.0,
                               doc="sensitivity ~ exposure^-index (0.5: background-limited)")
    sensitivity_factor: float = _f(1.0, lo=0.01, hi=100.0,
                                   doc="multiplies the published LHAASO 1-yr point-source "
                                       "sensitivity curve (hpcsim/data/observations)")
    extension_law: str = _f("background", choices=("background", "point"),
                            doc="extended-source sensitivity: x sqrt(theta^2 + psf^2)/psf "
                                "(background-limited) or as for a point source")
    km2a_psf: float = _f(0.25, unit="deg", lo=0.01, hi=5.0,
                         doc="KM2A PSF (68 % radius) at 100 TeV")
    sea_exclude_shells: bool = _f(False, doc="subtract the clusters' shell gas (painted on their "
                                             "discs) from the CR-sea gas column")
    cr_sea_species: str = _f("nucleon", choices=("nucleon", "proton"),
                             doc="CR-sea projectiles: all nucleons (superposition) or protons")
    los_s_max: float = _f(30.0, unit="kpc", lo=1.0, hi=100.0, doc="line-of-sight length")
    los_n_steps: int = _f(3000, lo=100, hi=100000, doc="line-of-sight midpoint steps")

    def check(self):
        if self.nside & (self.nside - 1):
            raise ConfigError("sky.nside", f"must be a power of 2, got {self.nside}")


@dataclass(frozen=True)
class InjectionSection:
    """Time-dependent CR injection from evolving stars and cluster winds (seed 001 Secs. II-III)."""

    track_dir: str = _f("", kind="dir", doc="directory of MIST EEP tracks (default: the data "
                                             "cache, $HPCSIM_DATA_DIR or ~/.cache/hpcsim)")
    n_masses: int = _f(72, lo=4, hi=1000,
                       doc="minimum number of single-star initial masses: the MIST grid masses "
                           "8..150 Msun (and the m_up values) with equal ln-M sub-nodes")
    n_times: int = _f(400, lo=50, hi=10000, doc="time nodes per wind history")
    m_up: list = _f([60.0, 80.0, 100.0, 105.0, 120.0, 150.0], unit="Msun", kind="floats",
                    doc="upper IMF masses (seed Figs. 6, 7; must contain m_up_single and "
                        "m_up_cluster)")
    m_up_single: float = _f(105.0, unit="Msun", lo=8.0, lo_open=True, hi=150.0,
                            doc="M_up of the single-star (O-type, WR) classes: Table 3 and "
                                "the class summary (seed Sec. IV.1: 105)")
    m_up_cluster: float = _f(150.0, unit="Msun", lo=8.0, lo_open=True, hi=150.0,
                             doc="M_up of the cluster (MSC) class: Table 1, Table 3, summary "
                                 "(seed: 150)")
    elements: list = _f(["H", "He", "C", "O", "Mg", "Si", "S", "Fe"], kind="strings",
                        doc="injected elements (seed Table 3; N and Ne may be added)")
    eta_B: list = _f([1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0], kind="floats",
                     doc="fractions of wind power in turbulent B (increasing)")
    turbulence: list = _f(["bohm", "kraichnan", "kolmogorov"], kind="regimes",
                          doc="turbulence models of Eq. 9")
    eta_B_spectra: float = _f(0.01, lo=1e-4, hi=1.0,
                              doc="eta_B of the injection spectra (seed Fig. 5) and Table 3")
    gamma_inj: float = _f(-2.0, lo=-3.0, hi=-1.5, doc="rigidity slope of Eq. 6")
    dgamma_he_o: float = _f(0.0, lo=-0.5, hi=0.5,
                            doc="slope offset of He injected in O-type epochs (> 0: harder; "
                                "seed Sec. III.2)")
    eta_acc: float = _f(0.1, lo=0.0, lo_open=True, hi=1.0,
                        doc="fraction of wind power given to particles above 1 GV")
    L_c: float = _f(1.0, unit="pc", lo=0.01, hi=100.0, doc="turbulence coherence length")
    n0: float = _f(1.0, unit="cm^-3", lo=1e-3, hi=1e4, doc="ambient density of the bubbles")
    T_hii: float = _f(8000.0, unit="K", lo=0.0, hi=1e5, doc="temperature of the H II region")
    cluster_mass: float = _f(3.0e4, unit="Msun", lo=1e2, hi=1e7, doc="cluster mass (seed: 3e4)")
    msc_window: float = _f(5.0, unit="Myr", lo=0.1, hi=50.0,
                           doc="collective winds restricted to the first msc_window (Fig. 7, Table 3)")
    t_max: float = _f(45.0, unit="Myr", lo=5.0, hi=100.0, doc="end of the collective-wind history")
    wr_vinf: str = _f("nl00", choices=("nl00", "core_escape", "fixed"),
                      doc="WR terminal speed: Nugis & Lamers 2000 relation, core escape speed, "
                          "or fixed WN/WC values")
    nl00_vesc_2g: bool = _f(True, doc="nl00: v_esc = (2GM(1-Gamma)/R)^1/2 (seed Eq. 1); "
                                     "false: (GM(1-Gamma)/R)^1/2 as transcribed in SLUG")
    knee_n_sigma: float = _f(1.0, lo=0.0, lo_open=True, hi=10.0,
                             doc="Table 1 break test: allowed deviation of R_eff(He)/R_eff(H) "
                                 "from the LHAASO knee ratio, in sigma")
    h_he_n_sigma: float = _f(2.0, lo=0.0, lo_open=True, hi=10.0,
                             doc="Table 1 H/He test: allowed deviation in sigma")
    eta_B_max: float = _f(0.3, lo=0.0, lo_open=True, hi=1.0,
                          doc="Table 1: largest 'reasonable' eta_B (seed: around 0.1)")
    sfr: float = _f(2.0, unit="Msun/yr", lo=0.0, lo_open=True, hi=100.0,
                    doc="Galactic star formation rate (seed Eq. 14)")
    cluster_mass_range: list = _f([1.0e2, 1.0e5], unit="Msun", kind="floats",
                                  doc="[M_min, M_max] of the cluster mass function (seed Eq. 14)")
    collective_min_mass: float = _f(1.0e4, unit="Msun", lo=1.0, hi=1e7,
                                    doc="clusters above this mass host a collective wind "
                                        "(seed Sec. II); below it: single-star winds")

    def check(self):
        allowed = ("kolmogorov", "kraichnan", "bohm")
        if any(r not in allowed for r in self.turbulence) or not self.turbulence:
            raise ConfigError("injection.turbulence", f"must be names from {allowed}")
        if any(not 8.0 < m <= 150.0 for m in self.m_up):
            raise ConfigError("injection.m_up", "values must be in (8, 150] Msun")
        if list(self.m_up) != sorted(set(self.m_up)):
            raise ConfigError("injection.m_up", "must be increasing values")
        for k in ("m_up_single", "m_up_cluster"):
            if getattr(self, k) not in self.m_up:
                raise ConfigError(f"injection.{k}", f"must be one of injection.m_up {self.m_up}")
        if any(not 0 < e <= 1 for e in self.eta_B) or list(self.eta_B) != sorted(set(self.eta_B)):
            raise ConfigError("injection.eta_B", "must be increasing values in (0, 1]")
        known = ("H", "He", "C", "N", "O", "Ne", "Mg", "Si", "S", "Fe")
        if (any(e not in known for e in self.elements) or len(set(self.elements))
                != len(self.elements) or self.elements[:2] != ["H", "He"]):
            raise ConfigError("injection.elements", f"must start with H, He and hold distinct "
                                                    f"names from {known}")
        lo, hi = (list(self.cluster_mass_range) + [0.0, 0.0])[:2]
        if len(self.cluster_mass_range) != 2 or not lo < self.collective_min_mass < hi:
            raise ConfigError("injection.cluster_mass_range", "must be [M_min, M_max] with "
                                                              "M_min < collective_min_mass < M_max")


SCAN_KEYS = ("D0", "delta", "eta", "R_h", "delta_h", "v_alfven", "halo_height", "v_conv0",
             "dv_conv_dz")
LOG_FIT_KEYS = ("D0", "R_h")  # searched in log10 by the knee fit's evolution


@dataclass(frozen=True)
class PropagationSection:
    """2D (r, z) steady-state propagation of CR nuclei (seed 001 Sec. IV; PROPAGATION.md)."""

    # grid (DRAGON2 conventions: n_r nodes from 0 to r_max, n_z nodes from -L to L)
    r_max: float = _f(20.0, unit="kpc", lo=1.0, hi=100.0, doc="radial boundary (psi = 0 there)")
    n_r: int = _f(81, lo=3, hi=2001, doc="radial nodes, 0..r_max")
    halo_height: float = _f(4.0, unit="kpc", lo=0.1, hi=50.0, doc="halo half-height L")
    n_z: int = _f(81, lo=3, hi=4001, doc="vertical nodes, -L..L (odd: a node on the plane)")
    e_min: float = _f(0.01, unit="GeV/n", lo=1e-3, hi=1e3, doc="lowest kinetic energy per nucleon")
    e_max: float = _f(1.0e7, unit="GeV/n", lo=1.0, hi=1e9, doc="highest kinetic energy per nucleon")
    e_factor: float = _f(1.15, lo=1.001, hi=10.0, doc="ratio of consecutive energy nodes")
    z_min: int = _f(1, lo=1, hi=28, doc="lightest element of the network")
    z_max: int = _f(28, lo=1, hi=28, doc="heaviest element of the network")
    observer_r: float = _f(8.5, unit="kpc", lo=0.0, hi=100.0, doc="Galactocentric radius of the Sun")
    # transport (the base point; scan_* lists vary them)
    D0: float = _f(4.0e28, unit="cm^2 s^-1", lo=1e26, hi=1e31, doc="D_xx at R0 (seed 001 Eq. 15)")
    R0: float = _f(4.0, unit="GV", lo=0.1, hi=1e3, doc="reference rigidity of D0")
    delta: float = _f(0.45, lo=0.0, lo_open=True, hi=1.5, doc="slope of D_xx below R_h")
    eta: float = _f(1.0, lo=-5.0, hi=5.0, doc="beta^eta factor of D_xx")
    R_h: float = _f(1.0e30, unit="GV", lo=1.0, doc="break rigidity of D_xx (1e30: no break)")
    delta_h: float = _f(-1.0, lo=-1.0, hi=1.5, doc="slope of D_xx above R_h (-1: same as delta)")
    v_alfven: float = _f(13.0, unit="km/s", lo=0.0, hi=200.0,
                         doc="Alfven speed of reacceleration (Seo & Ptuskin 1994)")
    v_conv0: float = _f(0.0, unit="km/s", lo=0.0, hi=500.0, doc="convection speed at the plane")
    dv_conv_dz: float = _f(0.0, unit="km/s/kpc", lo=0.0, hi=500.0, doc="convection gradient")
    # Galaxy
    gas_model: str = _f("galprop", choices=("galprop", "ferriere", "uniform_disc"),
                        doc="interstellar gas (GALPROP 2D model, Ferriere 3D averaged, test disc)")
    x_co: float = _f(1.9e20, unit="cm^-2 (K km/s)^-1", lo=1e19, hi=1e21, doc="CO-to-H2 factor")
    disc_density: float = _f(1.0, unit="cm^-3", lo=0.0, hi=1e3, doc="uniform_disc gas density")
    disc_half_thickness: float = _f(0.1, unit="kpc", lo=0.0, hi=10.0,
                                    doc="uniform_disc gas and source half-thickness")
    source_model: str = _f("ferriere", choices=("ferriere", "snr_powerlaw", "uniform_disc"),
                           doc="spatial distribution of the sources")
    source_r_sun: float = _f(8.5, unit="kpc", lo=1.0, hi=20.0, doc="r_sun of the source formula")
    snr_a: float = _f(1.25, lo=-5.0, hi=10.0, doc="snr_powerlaw: (r/r_sun)^a")
    snr_b: float = _f(3.56, lo=-5.0, hi=20.0, doc="snr_powerlaw: exp(-b (r - r_sun)/r_sun)")
    snr_zs: float = _f(0.2, unit="kpc", lo=0.01, hi=5.0, doc="snr_powerlaw: exp(-|z|/z_s)")
    # nuclear physics
    nuclear_data: str = _f("builtin", choices=("builtin", "isotope_list"),
                           doc="half-lives: built-in NUBASE2020 or DRAGON2's isotope_list.dat")
    inelastic: str = _f("letaw", choices=("letaw", "barashenkov_polanski"),
                        doc="inelastic cross sections (built-in Letaw 1983 or the BP tables)")
    partial: str = _f("semiempirical", choices=("semiempirical", "evoli2019"),
                      doc="partial cross sections (built-in Silberberg-Tsao or Evoli 2019 table)")
    missing_channels: str = _f("semiempirical", choices=("semiempirical", "zero"),
                               doc="channels absent from the table: formula, or zero (DRAGON2)")
    xsec_dir: str = _f("", kind="dir", doc="cross-section data directory (default: "
                                            "<data dir>/xsec_dragon2)")
    f_he: float = _f(0.11, lo=0.0, hi=0.5, doc="interstellar He per H")
    t_fold: float = _f(1.0e4, unit="yr", lo=0.0, hi=1e9,
                       doc="nuclei with shorter half-lives are folded into their daughters")
    secondary_protons: bool = _f(True, doc="propagate tertiary protons from p-ISM collisions")
    # normalisation and outputs
    norm_energy: float = _f(100.0, unit="GeV", lo=0.01, hi=1e6,
                            doc="proton kinetic energy of the normalisation")
    norm_flux: float = _f(4.50e-2, unit="m^-2 s^-1 sr^-1 GeV^-1", lo=0.0, lo_open=True,
                          doc="proton LIS intensity there")
    norm_species: str = _f("p", choices=("p", "H1"),
                           doc="normalise all protons (p) or primary protons only (H1, DRAGON2)")
    phi: list = _f([0.0, 0.61], unit="GV", kind="scan",
                   doc="force-field potentials of the stored spectra (0 = LIS)")
    keep_full: list = _f([], kind="strings",
                         doc="species whose full (r, z, E) density is stored, e.g. ['C12']")
    # solver
    tol: float = _f(1.0e-5, lo=1e-12, hi=0.1, doc="relative change per step that ends a level")
    theta: float = _f(0.5, lo=0.5, hi=1.0, doc="implicitness of the split steps (0.5: CN)")
    ladder_factor: float = _f(0.25, lo=0.01, hi=0.9, doc="ratio of consecutive time steps")
    max_steps_per_level: int = _f(30, lo=1, hi=10000, doc="steps per level at most")
    max_passes: int = _f(8, lo=1, hi=1000, doc="passes down the ladder at most")
    threads: int = _f(1, lo=1, hi=256, doc="OpenMP threads per rank (results do not depend on it)")
    # parameter scan: Cartesian product of the non-empty lists, one task per point
    scan_D0: list = _f([], unit="cm^2 s^-1", kind="scan", doc="values of D0 to scan")
    scan_delta: list = _f([], kind="scan", doc="values of delta to scan")
    scan_eta: list = _f([], kind="scan", doc="values of eta to scan")
    scan_R_h: list = _f([], unit="GV", kind="scan", doc="values of R_h to scan")
    scan_delta_h: list = _f([], kind="scan", doc="values of delta_h to scan")
    scan_v_alfven: list = _f([], unit="km/s", kind="scan", doc="values of v_alfven to scan")
    scan_halo_height: list = _f([], unit="kpc", kind="scan", doc="values of L to scan")
    scan_v_conv0: list = _f([], unit="km/s", kind="scan", doc="values of v_conv0 to scan")
    scan_dv_conv_dz: list = _f([], unit="km/s/kpc", kind="scan", doc="values of dv_conv_dz")

    def check(self):
        if self.n_z % 2 == 0:
            raise ConfigError("propagation.n_z", f"must be odd (a node on the plane), got {self.n_z}")
        if not self.e_min < self.e_max:
            raise ConfigError("propagation.e_min", "must be < propagation.e_max")
        if not self.z_min <= self.z_max:
            raise ConfigError("propagation.z_min", "must be <= propagation.z_max")
        if not self.observer_r < self.r_max:
            raise ConfigError("propagation.observer_r", "must be inside the grid (< r_max)")
        if not self.e_min <= self.norm_energy <= self.e_max:
            raise ConfigError("propagation.norm_energy", "must lie inside [e_min, e_max]")
        if self.v_alfven > 0 and not self.delta < 2:
            raise ConfigError("propagation.delta", "reacceleration needs delta < 2")
        if any(p < 0 for p in self.phi):
            raise ConfigError("propagation.phi", "modulation potentials must be >= 0 GV")
        from .propagation.nuclides import NuclideError, parse_species
        for name in self.keep_full:
            try:
                parse_species(name)
            except NuclideError as exc:
                raise ConfigError("propagation.keep_full", str(exc)) from None
        for key in SCAN_KEYS:
            vals = getattr(self, f"scan_{key}")
            if len(set(vals)) != len(vals):
                raise ConfigError(f"propagation.scan_{key}", "values must be distinct")

    def scan_points(self) -> list[dict]:
        """Parameter points: the Cartesian product of the non-empty scan lists (in the order of
        SCAN_KEYS, last key fastest); one point (the base) without scans."""
        import itertools
        keys = [k for k in SCAN_KEYS if getattr(self, f"scan_{k}")]
        if not keys:
            return [{}]
        return [dict(zip(keys, vals)) for vals in
                itertools.product(*(getattr(self, f"scan_{k}") for k in keys))]


@dataclass(frozen=True)
class SourcesSection:
    """Injection spectra of the CR source classes (seed 001 Eqs. 6, 16; Tables 2-3)."""

    spectra: list = _f(["H1: 1.0 2.3", "He4: 0.1 2.3"], kind="strings", doc=(
        "one string per isotope: '[class/]Species: abundance slope0 [R1 slope1 [R2 slope2 ...]]"
        " [cut R_cut]', rigidities in GV, abundance at R1 (or 1 GV), per unit momentum"))
    from_injection: bool = _f(False, doc=(
        "knee scenario: O-type, WR and MSC spectra (indices, R_max of Eq. 13, abundances) and "
        "the O-type/WR budget split from this job's injection stage instead of seed Tables 2-3 "
        "(needs knee.run_injection)"))
    injection_turbulence: str = _f("bohm", choices=("bohm", "kraichnan", "kolmogorov"),
                                   doc="turbulence of the injection-stage spectra used then")

    def check(self):
        from .propagation.sources import SpectrumSyntaxError, parse_spectra
        try:
            parse_spectra(self.spectra)
        except SpectrumSyntaxError as exc:
            raise ConfigError("sources.spectra", str(exc)) from None


@dataclass(frozen=True)
class CocoonsSection:
    """CR cocoons around sources (seed 002; COCOONS.md).  Cross sections and nuclear data come
    from the [propagation] section (one implementation for both engines)."""

    # B/C fit (weighted slab, Evoli et al. 2019) over a grid of cocoon grammages
    chi_grid: list = _f([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0], unit="g cm^-2",
                        kind="scan", doc="chi_c0 values of the profile likelihood (one task each)")
    fit_R0: float = _f(20.0, unit="TV", lo=0.01, hi=1e4, doc="R0 of the fit's chi_c(R) (Eq. 6)")
    halo_height: float = _f(7.0, unit="kpc", lo=0.5, hi=30.0, doc="H (fixed in the fit)")
    disc_surface_density: float = _f(2.3e-3, unit="g cm^-2", lo=1e-4, hi=0.1,
                                     doc="mu of the thin gas disc")
    R_b: float = _f(312.0, unit="GV", lo=1.0, hi=1e6, doc="break of D (Evoli et al. 2019)")
    d_delta: float = _f(0.2, lo=0.0, hi=1.0, doc="slope change of D at the break")
    s_break: float = _f(0.1, lo=0.01, hi=1.0, doc="smoothness of the break")
    injection_slope: float = _f(2.35, lo=1.5, hi=3.5,
                                doc="slope of the nuclei's injection per unit momentum (R^-slope)")
    norm_rigidity: float = _f(50.0, unit="GV", lo=5.0, hi=1e3,
                              doc="primaries (C, N, O, Ne, Mg, Si, Fe) matched to AMS-02 there")
    z_min: int = _f(4, lo=1, hi=26, doc="lightest element of the slab network")
    z_max: int = _f(26, lo=5, hi=28, doc="heaviest element of the slab network")
    e_min: float = _f(0.05, unit="GeV/n", lo=1e-3, hi=10.0, doc="slab energy grid: lowest")
    e_max: float = _f(2.0e4, unit="GeV/n", lo=100.0, hi=1e7, doc="slab energy grid: highest")
    e_per_decade: int = _f(20, lo=5, hi=200, doc="slab energy grid points per decade")
    start_D0: float = _f(2.5e28, unit="cm^2 s^-1", lo=1e27, hi=1e30, doc="fit start: D0 at 1 GV")
    start_delta: float = _f(0.5, lo=0.2, hi=0.9, doc="fit start: delta")
    start_v_alfven: float = _f(5.0, unit="km/s", lo=0.0, hi=40.0, doc="fit start: v_A")
    start_phi: float = _f(0.7, unit="GV", lo=0.1, hi=1.5, doc="fit start: phi")
    phi_min: float = _f(0.4, unit="GV", lo=0.0, hi=2.0, doc="fit bound: lowest phi")
    phi_max: float = _f(1.0, unit="GV", lo=0.0, hi=2.0, doc="fit bound: highest phi")
    # sources (Eqs. 1-4)
    snr_alpha: float = _f(1.09, lo=-5.0, hi=10.0, doc="Eq. 1 alpha (Green 2015)")
    snr_beta: float = _f(3.87, lo=0.0, hi=20.0, doc="Eq. 1 beta")
    snr_z0: float = _f(0.083, unit="kpc", lo=0.001, hi=2.0, doc="Eq. 1 scale height")
    r_sun: float = _f(8.5, unit="kpc", lo=1.0, hi=20.0, doc="Galactocentric radius of the Sun")
    disc_radius: float = _f(10.0, unit="kpc", lo=1.0, hi=30.0, doc="R_G")
    disc_half_height: float = _f(0.1, unit="kpc", lo=0.001, hi=5.0, doc="h")
    sn_rate: float = _f(1.0 / 30.0, unit="yr^-1", lo=1e-4, hi=1.0, doc="R_SN (Eq. 2)")
    e_sn: float = _f(1.0e51, unit="erg", lo=1e48, hi=1e53, doc="E_SN")
    eps_p: float = _f(0.05, lo=0.0, hi=1.0, doc="proton efficiency (Eq. 3)")
    gamma_p: float = _f(4.26, lo=3.5, hi=5.0, doc="proton momentum slope (Eq. 4)")
    eps_he: float = _f(0.012, lo=0.0, hi=1.0, doc="helium efficiency")
    gamma_he: float = _f(4.16, lo=3.5, hi=5.0, doc="helium momentum slope")
    p_max: float = _f(1.0, unit="PV", lo=1e-3, hi=1e3, doc="cut-off per unit charge (Z PeV/c)")
    # emission (Eqs. 7-8)
    emission_chi_c0: float = _f(0.4, unit="g cm^-2", lo=0.0, hi=10.0,
                                doc="chi_c0 of the emission (seed: 0.4)")
    grammage_models: list = _f(["exp 20", "exp 10", "exp 50", "exp 90", "broken 1 0.5",
                                "broken 10 1"], kind="strings",
                               doc="'exp R0[TV]' (Eq. 6) or 'broken R0[TV] delta' (Eq. B.1); "
                                   "the first is the main model")
    e_out_min: float = _f(10.0, unit="GeV", lo=1.0, hi=1e5, doc="gamma/nu energies: lowest")
    e_out_max: float = _f(3.0e6, unit="GeV", lo=1e3, hi=1e8, doc="gamma/nu energies: highest")
    e_out_per_decade: int = _f(8, lo=2, hi=40, doc="gamma/nu points per decade")
    inner_factor: float = _f(0.65, lo=0.0, hi=1.0, doc="LHAASO mask factor, inner region")
    outer_factor: float = _f(1.0, lo=0.0, hi=1.0, doc="LHAASO mask factor, outer region")
    n_gas: float = _f(1.0, unit="cm^-3", lo=1e-3, hi=1e4, doc="cocoon gas density of Eqs. 9-10")
    los_steps: int = _f(2000, lo=100, hi=100000, doc="steps of each line of sight through rho")
    map_supersample: int = _f(3, lo=0, hi=5, doc="sky maps: pixel averages over 4^k sub-pixels")
    map_los_steps: int = _f(1000, lo=100, hi=100000, doc="sky maps: steps per line of sight")
    n_map_chunks: int = _f(8, lo=1, hi=1024, doc="sky-map tasks (pixel ranges)")
    region_l_step: float = _f(0.25, unit="deg", lo=0.01, hi=5.0, doc="region quadrature step in l")
    region_b_nodes: int = _f(160, lo=10, hi=10000, doc="region quadrature nodes in b")

    def check(self):
        if list(self.chi_grid) != sorted(set(self.chi_grid)) or any(x < 0 for x in self.chi_grid):
            raise ConfigError("cocoons.chi_grid", "must be increasing values >= 0")
        if len(self.chi_grid) < 3:
            raise ConfigError("cocoons.chi_grid", "needs at least 3 values (a profile)")
        if not self.z_min <= 5 < 6 <= self.z_max:
            raise ConfigError("cocoons.z_min", "the slab network must contain B and C")
        if not self.e_out_min < self.e_out_max:
            raise ConfigError("cocoons.e_out_min", "must be < cocoons.e_out_max")
        if not self.grammage_models:
            raise ConfigError("cocoons.grammage_models", "give at least one model")
        if not self.phi_min < self.phi_max:
            raise ConfigError("cocoons.phi_min", "must be < cocoons.phi_max")
        from .galaxy.cocoons import GrammageSyntaxError, parse_grammage_model
        for text in self.grammage_models:
            try:
                parse_grammage_model(text)
            except GrammageSyntaxError as exc:
                raise ConfigError("cocoons.grammage_models", str(exc)) from None


@dataclass(frozen=True)
class KneeSection:
    """Seed 001 Sec. IV: the four source classes propagated to Earth (knee.py scenario).  The
    transport grid to fit is the [propagation] scan; its propagation grid is [propagation]'s
    with fit_z_max / fit_e_max; the classes use the [propagation] grid."""

    run_injection: bool = _f(True, doc="also run the seed-001 injection stage (MIST tracks)")
    power_snr: float = _f(1.0e49, unit="erg/yr", lo=0.0, doc="SNR energy budget (seed Sec. III.3)")
    power_o_type: float = _f(5.0e48, unit="erg/yr", lo=0.0,
                             doc="O-type wind budget (half of the 1e49 erg/yr of small clusters)")
    power_wr: float = _f(5.0e48, unit="erg/yr", lo=0.0, doc="WR wind budget (the other half)")
    power_msc: float = _f(4.0e48, unit="erg/yr", lo=0.0, doc="MSC budget (seed Eq. 14)")
    norm_rigidity: float = _f(100.0, unit="GV", lo=1.0, hi=1e6,
                              doc="the sum is normalised on AMS-02 protons there")
    class_weights: str = _f("budget", choices=("budget", "fit"),
                            doc="class factors from the power_* budgets and AMS-02 protons at "
                                "norm_rigidity, or fitted (non-negative least squares) to "
                                "weight_fit_data; both are computed and stored")
    weight_fit_data: list = _f(["AMS-02 H", "AMS-02 He", "AMS-02 C", "AMS-02 O", "DAMPE H",
                                "DAMPE He", "LHAASO H", "LHAASO He"], kind="strings",
                               doc="element fluxes the class factors are fitted to "
                                   "('EXPERIMENT Element')")
    weight_fit_r_min: float = _f(50.0, unit="GV", lo=1.0,
                                 doc="data below this rigidity are not used for the factors")
    fit_data: list = _f(["AMS-02 B/C", "AMS-02 B/O", "DAMPE B/C", "DAMPE B/O"], kind="strings",
                        doc="ratios fitted by the transport grid ('EXPERIMENT A/B')")
    fit_x_min: float = _f(1.0, unit="GV or GeV/n", lo=0.0, doc="data below this are not fitted")
    fit_phi: list = _f([0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.0], unit="GV",
                       kind="scan", doc="force-field potentials profiled for each point")
    fit_method: str = _f("grid", choices=("grid", "evolution"),
                         doc="transport fit: the [propagation] scan grid, or differential "
                             "evolution inside fit_lo..fit_hi (hpcsim.optimize)")
    fit_keys: list = _f(["D0", "delta", "v_alfven", "R_h", "delta_h"], kind="strings",
                        doc="parameters the evolution varies (names of [propagation] scan_*)")
    fit_lo: list = _f([1.0e28, 0.3, 0.0, 100.0, 0.1], unit="propagation units", kind="scan",
                      doc="lower bounds of fit_keys (D0 and R_h are searched in log10)")
    fit_hi: list = _f([1.0e29, 0.7, 30.0, 1000.0, 0.5], unit="propagation units", kind="scan",
                      doc="upper bounds of fit_keys")
    de_population: int = _f(15, lo=4, hi=1000, doc="evolution: points per generation (tasks)")
    de_generations: int = _f(10, lo=0, hi=1000, doc="evolution: generations after the first")
    de_seed: int = _f(2026, lo=0, doc="evolution: seed (the search is a function of it alone)")
    de_strategy: str = _f("current_to_best1", choices=("rand1", "current_to_best1"),
                          doc="evolution: mutation (hpcsim.optimize.Evolution)")
    fit_z_max: int = _f(8, lo=5, hi=28, doc="network of the fit (B/C, B/O need Z <= 8)")
    fit_e_max: float = _f(1.0e5, unit="GeV/n", lo=1e3, hi=1e9, doc="energy grid of the fit")
    typeia_age: float = _f(5.0e4, unit="yr", lo=1.0, doc="nearby Type Ia SNR: age")
    typeia_distance: float = _f(1.0, unit="kpc", lo=0.01, doc="distance")
    typeia_slope: float = _f(2.0, lo=1.0, hi=4.0, doc="injection slope in rigidity")
    typeia_energy: float = _f(5.5e50, unit="erg", lo=0.0, doc="CR energy above 1 GV")

    def check(self):
        from .propagation.transport_fit import ELEMENTS
        for text in self.fit_data:
            tok = text.split()
            if len(tok) != 2 or tok[0] not in ("AMS-02", "DAMPE", "CALET") or "/" not in tok[1] \
                    or any(x not in ELEMENTS for x in tok[1].split("/")):
                raise ConfigError("knee.fit_data", f"{text!r}: write 'EXPERIMENT A/B', e.g. "
                                  "'AMS-02 B/C'")
        if not self.fit_phi:
            raise ConfigError("knee.fit_phi", "give at least one potential")
        from .observations import cr_measurements_available
        have = cr_measurements_available()
        for text in self.weight_fit_data:
            tok = text.split()
            if len(tok) != 2 or (tok[0], tok[1]) not in have or "/" in tok[1]:
                raise ConfigError("knee.weight_fit_data", f"{text!r} is not an element flux "
                                  f"we have; write 'EXPERIMENT Element', one of "
                                  f"{[' '.join(h) for h in have if '/' not in h[1]]}")
        if self.fit_method == "evolution":
            for k in self.fit_keys:
                if k not in SCAN_KEYS:
                    raise ConfigError("knee.fit_keys", f"{k!r} is not one of {SCAN_KEYS}")
            if not (len(self.fit_keys) == len(self.fit_lo) == len(self.fit_hi)) \
                    or not self.fit_keys:
                raise ConfigError("knee.fit_lo", "fit_keys, fit_lo and fit_hi need the same "
                                  "(non-zero) length")
            for k, lo, hi in zip(self.fit_keys, self.fit_lo, self.fit_hi):
                if not lo < hi or (k in LOG_FIT_KEYS and lo <= 0):
                    raise ConfigError("knee.fit_lo", f"{k}: need 0 < lo < hi for a log10 "
                                      f"search, lo < hi otherwise (got {lo}, {hi})")


SECTIONS: dict[str, type] = {
    "run": RunSection,
    "population": PopulationSection,
    "stars": StarsSection,
    "bubble": BubbleSection,
    "galaxy": GalaxySection,
    "cosmic_rays": CosmicRaysSection,
    "emission": EmissionSection,
    "sky": SkySection,
    "injection": InjectionSection,
    "propagation": PropagationSection,
    "sources": SourcesSection,
    "cocoons": CocoonsSection,
    "knee": KneeSection,
}

# Keys that do not change results (excluded from the configuration hash).  Every key counts
# today: task ids depend on the number of realisations, so a run cannot be extended in place.
RESULT_NEUTRAL: set[tuple[str, str]] = {("propagation", "threads")}


@dataclass(frozen=True)
class Config:
    run: RunSection = field(default_factory=RunSection)
    population: PopulationSection = field(default_factory=PopulationSection)
    stars: StarsSection = field(default_factory=StarsSection)
    bubble: BubbleSection = field(default_factory=BubbleSection)
    galaxy: GalaxySection = field(default_factory=GalaxySection)
    cosmic_rays: CosmicRaysSection = field(default_factory=CosmicRaysSection)
    emission: EmissionSection = field(default_factory=EmissionSection)
    sky: SkySection = field(default_factory=SkySection)
    injection: InjectionSection = field(default_factory=InjectionSection)
    propagation: PropagationSection = field(default_factory=PropagationSection)
    sources: SourcesSection = field(default_factory=SourcesSection)
    cocoons: CocoonsSection = field(default_factory=CocoonsSection)
    knee: KneeSection = field(default_factory=KneeSection)
    #: named physics variants: ((name, ((section, key, value), ...)), ...) in file order
    variants: tuple = ()
    source: str = ""  # path of the TOML file it came from (not hashed)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        d = {name: dataclasses.asdict(getattr(self, name)) for name in SECTIONS}
        if self.variants:  # absent when empty: hashes of configurations without variants unchanged
            d["variants"] = {name: {f"{sec}.{key}": val for sec, key, val in ov}
                             for name, ov in self.variants}
        return d

    @property
    def variant_names(self) -> list[str]:
        return [name for name, _ in self.variants]

    def variant(self, name: str) -> "Config":
        """The configuration of variant ``name``: this one with its overrides (and no variants)."""
        for vname, ov in self.variants:
            if vname == name:
                return apply_overrides(self, ov)
        raise KeyError(name)

    def variant_overrides(self, name: str) -> tuple:
        return dict(self.variants)[name]

    def physics_hash(self) -> str:
        """SHA-256 of every result-affecting key, canonical JSON; identical across machines."""
        d = self.to_dict()
        for sec, key in RESULT_NEUTRAL:
            d[sec].pop(key, None)
        blob = json.dumps(d, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def to_toml(self) -> str:
        """The full effective configuration as TOML text (defaults filled in)."""
        lines = []
        for sec, values in self.to_dict().items():
            if sec == "variants":
                continue
            lines.append(f"[{sec}]")
            for k, v in values.items():
                lines.append(f"{k} = {_toml_value(v)}")
            lines.append("")
        for name, ov in self.variants:
            lines.append(f"[variants.{name}]")
            for sec, key, val in ov:
                lines.append(f"{sec}.{key} = {_toml_value(val)}")
            lines.append("")
        return "\n".join(lines)


def apply_overrides(cfg: Config, overrides) -> Config:
    """``cfg`` with ((section, key, value), ...) applied (values already validated), without
    variants."""
    changes: dict[str, dict] = {}
    for sec, key, val in overrides:
        changes.setdefault(sec, {})[key] = val
    new = {sec: dataclasses.replace(getattr(cfg, sec), **kv) for sec, kv in changes.items()}
    return dataclasses.replace(cfg, variants=(), **new)


# --------------------------------------------------------------------------------------------
# Variants: which keys a variant may override (computed for the same clusters)
# --------------------------------------------------------------------------------------------

#: stage at which an overridable key acts (hpcsim.scenarios.ymsc_diffuse computes each variant
#: from that stage on, for the same clusters as the baseline):
#: "count" thins / adds clusters with their own RNG streams, "redraw" repeats the draws of the
#: realisation with the same RNG stream, "environment" recomputes the bubbles, "transport" the
#: CR transport, "source" only the CR sources, "sky" only masks and the reduction.
VARIANT_STAGES: dict[tuple[str, str], str] = {
    ("population", "n_mean_override"): "count",
    ("population", "z_sigma"): "redraw",
    **{("bubble", k): "environment" for k in ("eta_m", "e_sn", "rcd_over_rfs", "core_radius",
                                               "mu")},
    **{("galaxy", k): "environment" for k in ("gas_model", "n_constant", "n_floor")},
    **{("cosmic_rays", k): "transport" for k in ("eta_B", "L_c", "d_ism_0", "d_ism_delta",
                                                  "evap_coeff", "n_r")},
    **{("cosmic_rays", k): "source" for k in ("xi_cr", "p_inj", "xi_sn", "p_max_sn",
                                               "esc_coeff", "sn_rule", "sn_profile",
                                               "sn_volume")},
    **{("sky", k): "sky" for k in ("inner_l_max", "inner_b_max", "inner_symmetric",
                                    "mask_resolved", "lhaaso_exposure", "exposure_index",
                                    "sensitivity_factor", "extension_law", "km2a_psf",
                                    "sea_exclude_shells")},
    ("emission", "nu_flavour_divisor"): "sky",
}
STAGE_ORDER = ("count", "redraw", "environment", "transport", "source", "sky")

_NOT_A_VARIANT = {
    "run": "sets up the run (tasks, random streams), not the physics",
    "population": "changes the cluster population (the random draws of each realisation); "
                  "variants share the clusters of each realisation, so run it as a separate "
                  "configuration (only n_mean_override, by thinning or adding clusters with "
                  "their own random streams, and z_sigma, with the same draws, are allowed)",
    "stars": "changes the stellar population drawn for each cluster; run it as a separate "
             "configuration",
    "emission": "changes the energy grids or cross sections shared with the CR sea; run it as "
                "a separate configuration (only nu_flavour_divisor is allowed)",
    "sky": "changes the sky grid or the CR-sea column shared by all variants; run it as a "
           "separate configuration",
    "cosmic_rays": "the turbulence regimes are the columns of the variant table; set them in "
                   "[cosmic_rays]",
}
_VARIANT_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def variant_stage(section: str, key: str) -> str:
    """The stage of an overridable key; ValueError with the reason if a variant may not set it."""
    stage = VARIANT_STAGES.get((section, key))
    if stage is None:
        raise ValueError(_NOT_A_VARIANT.get(section, "has no effect on the ymsc_diffuse "
                                                     "scenario's variants"))
    return stage


def _parse_variants(raw, base: dict, source: str, base_dir: str, base_cfg: Config) -> tuple:
    if not isinstance(raw, dict):
        raise ConfigError("variants", "must be a table of named variants, e.g. "
                          "[variants.sn_off] with cosmic_rays.xi_sn = 0.0")
    if raw and base_cfg.run.scenario != "ymsc_diffuse":
        raise ConfigError("variants", "variants apply to the ymsc_diffuse scenario only")
    out = []
    for name, table in raw.items():
        if not name or set(name) - _VARIANT_NAME_CHARS or name == "baseline" or len(name) > 40:
            raise ConfigError(f"variants.{name}", "a variant name is 1-40 letters, digits, '_' "
                              "or '-', and not 'baseline'")
        if not isinstance(table, dict) or not table:
            raise ConfigError(f"variants.{name}", "must be a non-empty table of overrides "
                              "'section.key = value'")
        flat = []
        for sec, val in table.items():
            if isinstance(val, dict):
                if any(isinstance(v, dict) for v in val.values()):
                    raise ConfigError(f"variants.{name}.{sec}", "nested table: a variant name "
                                      "cannot contain '.' (write e.g. eta_m_0p3)")
                flat += [(sec, k, v) for k, v in val.items()]
            elif "." in sec:
                a, b = sec.split(".", 1)
                flat.append((a, b, val))
            else:
                raise ConfigError(f"variants.{name}.{sec}", "write overrides as "
                                  "'section.key = value'")
        merged = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
        for sec, key, val in flat:
            where = f"variants.{name}.{sec}.{key}"
            if sec not in SECTIONS:
                raise ConfigError(where, f"unknown section (allowed: {', '.join(SECTIONS)})")
            if key not in {f.name for f in dataclasses.fields(SECTIONS[sec])}:
                raise ConfigError(where, "unknown key")
            try:
                variant_stage(sec, key)
            except ValueError as exc:
                raise ConfigError(where, f"cannot be set in a variant: it {exc}") from None
            if isinstance(merged.get(sec, {}), dict):
                merged.setdefault(sec, {})[key] = val
        try:
            vcfg = config_from_dict(merged, source=source, base_dir=base_dir)
        except ConfigError as exc:
            raise ConfigError(f"variants.{name}.{exc.key}", exc.problem) from None
        out.append((name, tuple((sec, key, getattr(getattr(vcfg, sec), key))
                                for sec, key, _ in flat)))
    return tuple(out)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(type(v))


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

_TYPE_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}


def _check_value(key: str, value, typ, md: dict, base_dir: str):
    if typ is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, f"must be {_TYPE_NAMES[float]}, got {type(value).__name__} "
                                   f"{value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ConfigError(key, f"must be finite, got {value!r}")
    elif typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"must be {_TYPE_NAMES[int]}, got {type(value).__name__} "
                                   f"{value!r}")
    elif typ is bool:
        if not isinstance(value, bool):
            raise ConfigError(key, f"must be true or false, got {value!r}")
    elif typ is str:
        if not isinstance(value, str):
            raise ConfigError(key, f"must be a string, got {type(value).__name__} {value!r}")
    elif md.get("kind") == "strings":
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise ConfigError(key, f"must be a list of strings, got {value!r}")
    elif md.get("kind") == "scan":
        if not isinstance(value, list) or any(
                isinstance(x, bool) or not isinstance(x, (int, float)) for x in value):
            raise ConfigError(key, f"must be a list of numbers, got {value!r}")
        value = [float(x) for x in value]
        if any(not math.isfinite(x) for x in value):
            raise ConfigError(key, f"must hold finite numbers, got {value!r}")
    elif md.get("kind") == "regimes":
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise ConfigError(key, f"must be a list of names, got {value!r}")
    else:  # list of numbers
        if not isinstance(value, list) or not value or any(
                isinstance(x, bool) or not isinstance(x, (int, float)) for x in value):
            raise ConfigError(key, f"must be a non-empty list of numbers, got {value!r}")
        value = [float(x) for x in value]
        if any(not math.isfinite(x) or x <= 0 for x in value):
            raise ConfigError(key, f"must hold positive numbers, got {value!r}")
    lo, hi = md.get("lo"), md.get("hi")
    unit = f" {md['unit']}" if md.get("unit") else ""
    if typ in (int, float):
        if lo is not None and (value < lo or (md.get("lo_open") and value == lo)):
            rel = ">" if md.get("lo_open") else ">="
            raise ConfigError(key, f"out of range: must be {rel} {lo}{unit}, got {value}{unit}")
        if hi is not None and value > hi:
            raise ConfigError(key, f"out of range: must be <= {hi}{unit}, got {value}{unit}")
    if md.get("choices") and value not in md["choices"]:
        raise ConfigError(key, f"must be one of {', '.join(map(repr, md['choices']))}; "
                               f"got {value!r}")
    if md.get("kind") == "dir" and value:
        path = os.path.expanduser(value if os.path.isabs(value) else os.path.join(base_dir, value))
        if not os.path.isdir(path):
            raise ConfigError(key, f"directory not found: {path}")
        value = os.path.abspath(path)
    if md.get("kind") == "file" and value:
        path = value if os.path.isabs(value) else os.path.join(base_dir, value)
        if not os.path.isfile(path):
            raise ConfigError(key, f"file not found: {path}")
        value = os.path.abspath(path)
    return value


def config_from_dict(data: dict, source: str = "", base_dir: str = ".") -> Config:
    """Build a validated :class:`Config` from a parsed TOML mapping."""
    if not isinstance(data, dict):
        raise ConfigError(source or "config", "top level must be a table")
    sections = {}
    raw_variants = data.get("variants", {})
    data = {k: v for k, v in data.items() if k != "variants"}
    for name in data:
        if name not in SECTIONS:
            raise ConfigError(name, f"unknown section (allowed: {', '.join(SECTIONS)}, "
                                    "variants)")
    for name, cls in SECTIONS.items():
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            raise ConfigError(name, "must be a table ([" + name + "])")
        hints = get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in raw:
            if key not in fields:
                raise ConfigError(f"{name}.{key}", "unknown key (allowed: "
                                  + ", ".join(fields) + ")")
        kwargs = {}
        for key, value in raw.items():
            kwargs[key] = _check_value(f"{name}.{key}", value, hints[key],
                                       dict(fields[key].metadata), base_dir)
        section = cls(**kwargs)
        section.check()
        sections[name] = section
    cfg = Config(source=source, **sections)
    _check_cross_sections(cfg)
    variants = _parse_variants(raw_variants, data, source, base_dir, cfg)
    if variants:
        cfg = dataclasses.replace(cfg, variants=variants)
    return cfg


def _check_cross_sections(cfg: Config):
    """Rules that involve more than one section."""
    if cfg.sources.from_injection and not (cfg.run.scenario == "knee"
                                           and cfg.knee.run_injection):
        raise ConfigError("sources.from_injection", "needs scenario = \"knee\" with "
                          "knee.run_injection = true (the injection stage of the same job)")
    if (cfg.sources.from_injection
            and cfg.sources.injection_turbulence not in cfg.injection.turbulence):
        raise ConfigError("sources.injection_turbulence", "must be one of injection.turbulence "
                          f"{list(cfg.injection.turbulence)}")


def load_config(path: str) -> Config:
    """Read and validate a TOML configuration file. Raises :class:`ConfigError`."""
    if not os.path.isfile(path):
        raise ConfigError(path, "configuration file not found")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML: {exc}") from None
    return config_from_dict(data, source=os.path.abspath(path),
                            base_dir=os.path.dirname(os.path.abspath(path)))


def config_from_toml_text(text: str) -> Config:
    """Rebuild a configuration stored as TOML text (e.g. inside a results file)."""
    return config_from_dict(tomllib.loads(text))


def describe_fields(cfg: Config | None = None) -> list[tuple[str, str, str, str, bool]]:
    """(key, value, unit, description, differs from the default) for every key, for the README
    and `hpcsim validate -v`: the values of ``cfg`` (the defaults when cfg is None)."""
    rows = []
    for name, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            value = default if cfg is None else getattr(getattr(cfg, name), f.name)
            rows.append((f"{name}.{f.name}", repr(value), f.metadata.get("unit", ""),
                         f.metadata.get("doc", ""), value != default))
    return rows
