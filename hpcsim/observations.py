"""Diffuse gamma-ray and neutrino measurements compared with in seed 000 (Menchiari et al., ICRC2025, Fig. 1).

The tables live in ``hpcsim/data/observations/*.csv``; each file starts with comment lines naming the
publication, table/figure, region, units and the file of ``../shared/data/observations`` it was
transcribed from (see that directory's PROVENANCE.md).  The loaders read only the package copy.

Conventions of every loader (a choice: the results files store differential intensities, so the
measurements are returned the same way and the plotting code multiplies by E^2):

* energies in GeV;
* ``value`` = differential intensity dN/dE/dA/dt/dOmega [GeV^-1 cm^-2 s^-1 sr^-1] for the region
  measurements, or differential full-sky flux [GeV^-1 cm^-2 s^-1] for the IceCube KRA-gamma curves
  (``Measurement.units`` says which);
* errors in the same units as ``value``; ``err_lo``/``err_hi`` = statistical (+) systematic in quadrature.

Available (with the publication each number was read from):

=========================  ===========================================================================
loader                      source
=========================  ===========================================================================
lhaaso_km2a(region)         Cao et al. (LHAASO) 2023, PRL 131, 151001, arXiv:2305.05372, Suppl. Tables S2
                            (inner: 15<l<125 deg) and S3 (outer: 125<l<235 deg), |b|<5 deg, 10 TeV-1 PeV
icecube_kra_gamma(cutoff)   IceCube Collaboration 2023, Science 380, 1338, arXiv:2307.04427, KRA-gamma
                            5 / 50 PeV best-fit spectra, digitized from the paper's figure (upstream),
                            FULL-SKY integrated, PER FLAVOUR
icecube_prelim_regions()    IceCube preliminary 10-yr cascades, talk abstract (see the CSV), per-flavour
                            intensity at 5 TeV in |l|<30/|b|<8 deg and |l|>60/|b|<8 deg
=========================  ===========================================================================

MISSING (no published numbers could be read; nothing is invented here):
ARGO-YBJ diffuse (Bartoli et al. 2015, ApJ 806, 20, region 25<l<100 deg, |b|<5 deg) and LHAASO-WCDA
diffuse 1-25 TeV (Cao et al. 2025, PRL 134, 081002, arXiv:2411.16021).  Their loaders raise
:class:`MissingDataError` naming the publication, so that adding the CSV later is the only change.

IceCube KRA-gamma and the |b|<5 deg region of seed Fig. 1
-----------------------------------------------------------
The KRA-gamma curves are E^2 dN/dE integrated over the whole sky (the template's full extent), per
flavour.  Turning them into the mean intensity over |b| < 5 deg needs the fraction f of the template
flux that falls inside |b| < 5 deg, which is a property of the KRA-gamma template that we do not have:

    I_5(E) = f * F_allsky(E) / Omega_5,     Omega_5 = 4 pi sin(5 deg) = 1.0952 sr.

Only bounds are model-independent: for a template that is brighter in the plane than on average,
Omega_5/(4 pi) <= f <= 1, i.e. F/(4 pi) <= I_5 <= F/Omega_5 (a factor 1/sin 5 deg = 11.5 apart).
:func:`icecube_kra_gamma_plane_intensity` returns f F / Omega(|b|<b_max) for a fraction f supplied by
the caller (default f = 1, the upper bound, which is what tools/plot_fig1.py draws and labels as such;
equivalently it shows the full-sky flux on a twin axis of region-integrated flux I x Omega_5).
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field

import numpy as np

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "observations")

TEV_IN_GEV = 1.0e3
#: 1e-11 TeV m^-2 s^-1 sr^-1 expressed in GeV cm^-2 s^-1 sr^-1 (1 TeV = 1e3 GeV, 1 m^-2 = 1e-4 cm^-2).
ICECUBE_PRELIM_UNIT = 1.0e-11 * 1.0e3 * 1.0e-4

#: Best-fit normalisations of the KRA-gamma templates, (best, -err, +err), IceCube 2023, Science 380,
#: 1338, as quoted in ../shared/data/observations/PROVENANCE.md (upstream converter
#: convert_neutrino_icecube.py).  The digitized curves already include the best-fit factor.
KRA_GAMMA_NORMALISATION = {5: (0.55, 0.15, 0.18), 50: (0.37, 0.11, 0.13)}


class MissingDataError(FileNotFoundError):
    """A measurement that was asked for has not been transcribed (no published numbers read)."""


@dataclass(frozen=True)
class Measurement:
    """One measured spectrum.  Arrays are float64 numpy arrays of equal length, ordered by energy."""

    name: str
    energy: np.ndarray  # GeV
    value: np.ndarray  # units below
    err_lo: np.ndarray  # total lower error (stat (+) sys), same units as value
    err_hi: np.ndarray  # total upper error
    units: str
    region: str
    citation: str
    stat_lo: np.ndarray = field(default=None)
    stat_hi: np.ndarray = field(default=None)
    sys: np.ndarray = field(default=None)
    energy_lo: np.ndarray = field(default=None)  # bin edges [GeV] where published
    energy_hi: np.ndarray = field(default=None)

    def e2(self):
        """(E^2 value, E^2 err_lo, E^2 err_hi) [GeV x units of value]."""
        e2 = self.energy ** 2
        return e2 * self.value, e2 * self.err_lo, e2 * self.err_hi


def _read_csv(fname):
    """Rows of a package CSV as a dict of columns (strings); '#' lines are comments."""
    path = os.path.join(DATA_DIR, fname)
    if not os.path.isfile(path):
        raise MissingDataError(path)
    with open(path, newline="") as fh:
        rows = [r for r in csv.reader(line for line in fh if not line.lstrip().startswith("#"))
                if r and any(c.strip() for c in r)]
    header, body = rows[0], rows[1:]
    return {h.strip(): [r[i].strip() for r in body] for i, h in enumerate(header)}


def _col(cols, name):
    return np.asarray([float(v) for v in cols[name]], dtype=np.float64)


LHAASO_KM2A_CITATION = ("Cao Z. et al. (LHAASO) 2023, Phys. Rev. Lett. 131, 151001, arXiv:2305.05372, "
                        "Supplemental Tables S2 (inner) / S3 (outer)")
LHAASO_REGIONS = {"inner": "15 < l < 125 deg, |b| < 5 deg", "outer": "125 < l < 235 deg, |b| < 5 deg"}


def lhaaso_km2a(region="inner"):
    """LHAASO-KM2A diffuse gamma-ray intensity, 10 TeV - 1 PeV, known sources masked.

    Source: Cao et al. (LHAASO) 2023, PRL 131, 151001, arXiv:2305.05372, Supplemental Table S2
    (region="inner": 15 < l < 125 deg, |b| < 5 deg) or Table S3 (region="outer": 125 < l < 235 deg,
    |b| < 5 deg).  Published in TeV and TeV^-1 cm^-2 s^-1 sr^-1; converted here with E[GeV] = 1e3 E[TeV]
    and I[GeV^-1 ...] = 1e-3 I[TeV^-1 ...].  Total errors: stat (asymmetric) and sys added in quadrature
    (our choice; the paper shows them separately).  Energy bins: published log10(E_rec/TeV) edges.

    Returns a :class:`Measurement`: energy [GeV], value [GeV^-1 cm^-2 s^-1 sr^-1].
    """
    if region not in LHAASO_REGIONS:
        raise KeyError(f"region must be one of {sorted(LHAASO_REGIONS)}")
    c = _read_csv(f"lhaaso_km2a_2023_{region}.csv")
    e = _col(c, "E_TeV") * TEV_IN_GEV
    to_gev = 1.0 / TEV_IN_GEV
    phi, slo, shi, sys = (_col(c, k) * to_gev for k in ("phi", "stat_lo", "stat_up", "sys"))
    return Measurement(
        name=f"LHAASO-KM2A {region}", energy=e, value=phi,
        err_lo=np.hypot(slo, sys), err_hi=np.hypot(shi, sys),
        units="GeV^-1 cm^-2 s^-1 sr^-1", region=LHAASO_REGIONS[region], citation=LHAASO_KM2A_CITATION,
        stat_lo=slo, stat_hi=shi, sys=sys,
        energy_lo=10.0 ** _col(c, "logErec_min") * TEV_IN_GEV,
        energy_hi=10.0 ** _col(c, "logErec_max") * TEV_IN_GEV)


ICECUBE_CITATION = ("IceCube Collaboration 2023, Science 380, 1338, arXiv:2307.04427; KRA-gamma best-fit "
                    "curves digitized from the paper's figure (C. Evoli, The_CR_Spectrum)")


def icecube_kra_gamma(cutoff_pev=5):
    """IceCube Galactic-plane best-fit KRA-gamma spectrum (cutoff 5 or 50 PeV), full sky, per flavour.

    Source: IceCube Collaboration 2023, Science 380, 1338 (arXiv:2307.04427); curve digitized from
    the paper's figure by the upstream author (not a published table).  The quantity is the
    differential neutrino flux of ONE flavour (nu + nubar) integrated over the whole sky:
    value = F(E) = (E^2 F)/E^2 [GeV^-1 cm^-2 s^-1]  -- NOT an intensity (see the module docstring).
    err_lo/err_hi: the 1-sigma range of the best-fit normalisation (0.55 +0.18/-0.15 for 5 PeV,
    0.37 +0.13/-0.11 for 50 PeV; :data:`KRA_GAMMA_NORMALISATION`) scaled onto the curve; the spectral
    shape is fixed by the template.
    """
    if cutoff_pev not in KRA_GAMMA_NORMALISATION:
        raise KeyError("cutoff_pev must be 5 or 50")
    c = _read_csv(f"icecube_2023_kra_gamma_{cutoff_pev}pev.csv")
    e = _col(c, "E_GeV")
    f = _col(c, "E2F") / e ** 2
    best, lo, hi = KRA_GAMMA_NORMALISATION[cutoff_pev]
    return Measurement(
        name=f"IceCube 2023 KRA-gamma {cutoff_pev} PeV", energy=e, value=f,
        err_lo=f * lo / best, err_hi=f * hi / best,
        units="GeV^-1 cm^-2 s^-1 (full sky, per flavour)", region="full sky", citation=ICECUBE_CITATION)


def solid_angle_band(b_max_deg):
    """Solid angle [sr] of the latitude band |b| < b_max: 4 pi sin(b_max) (exact spherical geometry)."""
    return 4.0 * math.pi * math.sin(math.radians(b_max_deg))


def icecube_kra_gamma_plane_intensity(cutoff_pev=5, b_max_deg=5.0, plane_fraction=1.0):
    """KRA-gamma best fit as a mean intensity over |b| < b_max: f F_allsky / Omega(|b|<b_max).

    ``plane_fraction`` f = fraction of the template's full-sky flux inside |b| < b_max; it is a
    property of the KRA-gamma template (Gaggero et al. 2015) that is NOT available here, so the
    default f = 1 gives the UPPER BOUND of the region's mean intensity (all flux assumed inside the
    band); f = Omega/(4 pi) gives the all-sky mean (a lower bound for a plane-concentrated template).
    Per flavour; value [GeV^-1 cm^-2 s^-1 sr^-1].
    """
    if not 0.0 < plane_fraction <= 1.0:
        raise ValueError("plane_fraction must be in (0, 1]")
    m = icecube_kra_gamma(cutoff_pev)
    k = plane_fraction / solid_angle_band(b_max_deg)
    return Measurement(
        name=m.name + f" (f={plane_fraction:g} in |b|<{b_max_deg:g})", energy=m.energy, value=m.value * k,
        err_lo=m.err_lo * k, err_hi=m.err_hi * k, units="GeV^-1 cm^-2 s^-1 sr^-1 (per flavour)",
        region=f"|b| < {b_max_deg:g} deg, assuming a fraction {plane_fraction:g} of the full-sky flux",
        citation=m.citation)


ICECUBE_PRELIM_CITATION = ("IceCube Collaboration, preliminary, 10-yr cascades, talk abstract "
                           "https://indico-icehap.phys.s.chiba-u.ac.jp/event/3/contributions/438/")
LHAASO_SENSITIVITY_CITATION = (
    "LHAASO Collaboration, Radiat. Detect. Technol. Methods (2018), doi:10.1007/s41605-018-0037-3, "
    "Fig. 2 ('LHAASO (1yr)'), as digitized in sst1mpipe (see the CSV header)")
ERG_IN_GEV = 624.150907  # 1 erg = 624.150907 GeV (CODATA 2018 eV)


def lhaaso_point_sensitivity_1yr():
    """LHAASO 1-year 5-sigma point-source sensitivity curve (design curve, third-party
    digitization of LHAASO Collaboration 2018, Fig. 2; KM2A above ~25 TeV).

    Returns (energy [GeV], sensitivity as a differential flux dN/dE [GeV^-1 cm^-2 s^-1]):
    the stored E^2 F [erg cm^-2 s^-1] times 624.150907 GeV/erg divided by E^2.
    """
    c = _read_csv("lhaaso_2018_1yr_point_sensitivity.csv")
    e = _col(c, "E_GeV")
    return e, _col(c, "E2F_erg_cm2_s") * ERG_IN_GEV / e**2


ICECUBE_PRELIM_REGIONS = {"inner": "|l| < 30 deg, |b| < 8 deg", "outer": "|l| > 60 deg, |b| < 8 deg"}


def icecube_prelim_regions():
    """Preliminary IceCube per-flavour intensity at 5 TeV in two sky regions (10-yr cascades).

    Source: IceCube talk abstract (preliminary; URL in :data:`ICECUBE_PRELIM_CITATION`).  Returns
    {region: dict(energy [GeV], value [GeV^-1 cm^-2 s^-1 sr^-1] per flavour, err_lo, err_hi, gamma,
    gamma_err_lo, gamma_err_hi, region)} with value = (E^2 Phi)/E^2 at E_ref, the published
    E^2 Phi converted from 1e-11 TeV m^-2 s^-1 sr^-1 to GeV cm^-2 s^-1 sr^-1 (x 1e-12).
    """
    c = _read_csv("icecube_prelim_cascades10yr_regions.csv")
    out = {}
    for i, reg in enumerate(c["region"]):
        e = float(c["E_ref_TeV"][i]) * TEV_IN_GEV
        k = ICECUBE_PRELIM_UNIT / e ** 2
        out[reg] = dict(energy=e, value=float(c["E2Phi_per_flavour"][i]) * k,
                        err_lo=float(c["E2Phi_err_lo"][i]) * k, err_hi=float(c["E2Phi_err_hi"][i]) * k,
                        gamma=float(c["gamma"][i]), gamma_err_lo=float(c["gamma_err_lo"][i]),
                        gamma_err_hi=float(c["gamma_err_hi"][i]), region=ICECUBE_PRELIM_REGIONS[reg],
                        citation=ICECUBE_PRELIM_CITATION)
    return out


def argo_ybj():
    """ARGO-YBJ diffuse gamma rays, 25 < l < 100 deg, |b| < 5 deg (Bartoli et al. 2015, ApJ 806, 20).

    NOT TRANSCRIBED: the published numbers could not be read from the available sources.  Raises
    :class:`MissingDataError`; add ``argo_ybj_2015.csv`` (columns E_GeV,value,err_lo,err_hi in GeV and
    GeV^-1 cm^-2 s^-1 sr^-1) with its citation header to enable it.
    """
    c = _read_csv_or_missing("argo_ybj_2015.csv", "ARGO-YBJ diffuse (Bartoli et al. 2015, ApJ 806, 20)")
    return _generic(c, "ARGO-YBJ", "25 < l < 100 deg, |b| < 5 deg", "Bartoli B. et al. 2015, ApJ 806, 20")


def lhaaso_wcda(region="inner"):
    """LHAASO-WCDA diffuse gamma rays 1-25 TeV (Cao et al. 2025, PRL 134, 081002, arXiv:2411.16021).

    NOT TRANSCRIBED (see :func:`argo_ybj`); expects ``lhaaso_wcda_2025_<region>.csv`` with columns
    E_GeV,value,err_lo,err_hi.
    """
    if region not in LHAASO_REGIONS:
        raise KeyError(f"region must be one of {sorted(LHAASO_REGIONS)}")
    c = _read_csv_or_missing(f"lhaaso_wcda_2025_{region}.csv",
                             "LHAASO-WCDA diffuse (Cao et al. 2025, PRL 134, 081002, arXiv:2411.16021)")
    return _generic(c, f"LHAASO-WCDA {region}", LHAASO_REGIONS[region],
                    "Cao Z. et al. (LHAASO) 2025, PRL 134, 081002, arXiv:2411.16021")


def _read_csv_or_missing(fname, what):
    try:
        return _read_csv(fname)
    except MissingDataError:
        raise MissingDataError(f"{what}: not transcribed in hpcsim/data/observations/{fname}") from None


def _generic(c, name, region, citation):
    return Measurement(name=name, energy=_col(c, "E_GeV"), value=_col(c, "value"),
                       err_lo=_col(c, "err_lo"), err_hi=_col(c, "err_hi"),
                       units="GeV^-1 cm^-2 s^-1 sr^-1", region=region, citation=citation)


def gamma_measurements(region):
    """Measurements available for an hpcsim sky region name (hpcsim.sky.regions.REGIONS keys).

    lhaaso_inner -> [LHAASO-KM2A inner (+ WCDA inner if transcribed)], lhaaso_outer -> outer,
    argo -> [ARGO-YBJ if transcribed].  Missing tables are skipped silently (list may be empty).
    """
    loaders = {"lhaaso_inner": [lambda: lhaaso_wcda("inner"), lambda: lhaaso_km2a("inner")],
               "lhaaso_outer": [lambda: lhaaso_wcda("outer"), lambda: lhaaso_km2a("outer")],
               "argo": [argo_ybj]}.get(region, [])
    out = []
    for load in loaders:
        try:
            out.append(load())
        except MissingDataError:
            pass
    return out


def fit_power_law(energy, value, err):
    """Weighted least-squares fit of log I = log A - Gamma log(E/E0): returns (Gamma, sigma_Gamma, A, E0).

    Weights 1/sigma_log^2 with sigma_log = err/value (linearised log errors); E0 = weighted log-mean
    energy.  Used as a sanity check against the published LHAASO index (2.99, Cao et al. 2023, as quoted in PROVENANCE.md).
    """
    x = np.log(np.asarray(energy, dtype=float))
    y = np.log(np.asarray(value, dtype=float))
    w = (np.asarray(value, dtype=float) / np.asarray(err, dtype=float)) ** 2
    x0 = np.sum(w * x) / np.sum(w)
    xs = x - x0
    slope = np.sum(w * xs * (y - np.sum(w * y) / np.sum(w))) / np.sum(w * xs ** 2)
    sigma = 1.0 / math.sqrt(np.sum(w * xs ** 2))
    intercept = np.sum(w * (y - slope * xs)) / np.sum(w)
    return -slope, sigma, math.exp(intercept), math.exp(x0)


# ---------------------------------------------------------------------------------------------
# LHAASO proton and helium spectra above 0.1 PeV (seed 001 Figs. 6-7)
# ---------------------------------------------------------------------------------------------

LHAASO_PHE_CITATION = ("Cao Z. et al. (LHAASO) 2026, Phys. Rev. Lett. 136, 121001, arXiv:2511.05013, "
                       "Supplementary Tables S3 (helium) and S5 (proton)")
HADRONIC_MODELS = ("qgsjet", "epos", "sibyll")


def lhaaso_light_spectrum(species="proton", model="qgsjet"):
    """LHAASO proton or helium flux vs total energy [GeV^-1 cm^-2 s^-1 sr^-1] at the geometric
    bin centres [GeV] (LHAASO_PHE_CITATION).  ``err_lo``/``err_hi``: stat and sys in quadrature."""
    if species not in ("proton", "helium") or model not in HADRONIC_MODELS:
        raise ValueError(f"species proton/helium and model in {HADRONIC_MODELS}")
    c = _read_csv(f"lhaaso_2025_{species}.csv")
    lo, hi = _col(c, "lg_emin"), _col(c, "lg_emax")
    e = 10 ** (0.5 * (lo + hi)) * 1e6  # GeV
    conv = 1e-6 * 1e-4  # PeV^-1 m^-2 -> GeV^-1 cm^-2
    v = _col(c, f"flux_{model}") * conv
    err = np.hypot(_col(c, f"stat_{model}"), _col(c, f"sys_{model}")) * conv
    return Measurement(name=f"LHAASO {species} ({model})", energy=e, value=v, err_lo=err,
                       err_hi=err, units="GeV^-1 cm^-2 s^-1 sr^-1", citation=LHAASO_PHE_CITATION,
                       region="all sky (cosmic rays at Earth)")


def lhaaso_h_he_ratio(rigidity_gv=3.0e6):
    """Observed H/He flux ratio at equal rigidity [GV] from the LHAASO tables (seed 001 Fig. 7).

    Per unit rigidity dN/dR = Z dN/dE (ultra-relativistic, E = Z R), so
    H/He(R) = J_p(E = R) / (2 J_He(E = 2 R)), fluxes interpolated log-log between bin centres.
    Returns (ratio, error): the QGSJET-II-04 value; error = its stat+sys (quadrature, both
    species) combined with the spread of the three hadronic models.
    """
    vals, errs = [], []
    for m in HADRONIC_MODELS:
        p, he = lhaaso_light_spectrum("proton", m), lhaaso_light_spectrum("helium", m)
        jp = np.exp(np.interp(np.log(rigidity_gv), np.log(p.energy), np.log(p.value)))
        jhe = np.exp(np.interp(np.log(2 * rigidity_gv), np.log(he.energy), np.log(he.value)))
        rp = np.interp(np.log(rigidity_gv), np.log(p.energy), p.err_lo / p.value)
        rhe = np.interp(np.log(2 * rigidity_gv), np.log(he.energy), he.err_lo / he.value)
        vals.append(jp / (2.0 * jhe))
        errs.append(vals[-1] * math.hypot(rp, rhe))
    spread = 0.5 * (max(vals) - min(vals))
    return float(vals[0]), float(math.hypot(errs[0], spread))


def lhaaso_knee_rigidity(species="proton", model="qgsjet"):
    """Knee rigidity [GV] and 1-sigma error from a smoothly broken power-law fit to the LHAASO
    spectrum of ``species`` (our fit to the published points, LHAASO_PHE_CITATION):
    J = A (E/E_b)^-g1 [1 + (E/E_b)^(1/w)]^(-(g2 - g1) w), w = 0.1 fixed; R_b = E_b / Z."""
    from scipy.optimize import curve_fit

    m = lhaaso_light_spectrum(species, model)
    x = np.log(m.energy / 1e6)

    def model_fn(x, la, lb, g1, g2):
        r = x - lb
        return la - g1 * r - (g2 - g1) * 0.1 * np.logaddexp(0.0, r / 0.1)

    p0 = [np.log(m.value[len(x) // 2]), np.log(3.0 * (1 if species == "proton" else 2)), 2.7, 3.4]
    popt, pcov = curve_fit(model_fn, x, np.log(m.value), p0=p0, sigma=m.err_lo / m.value,
                           absolute_sigma=True, maxfev=20000)
    z = 1 if species == "proton" else 2
    e_b = math.exp(popt[1]) * 1e6
    return e_b / z, e_b / z * math.sqrt(pcov[1, 1])


# ---------------------------------------------------------------------------------------------
# Direct cosmic-ray measurements: fluxes and flux ratios (AMS-02, DAMPE, CALET, NUCLEON, LHAASO)
# ---------------------------------------------------------------------------------------------
#
# One CSV per measurement in hpcsim/data/observations/ (header: publication, DOI, what x and y are,
# units, the ../shared file it was transcribed from).  Columns x,y,stat_lo,stat_up,sys_lo,sys_up,
# optionally x_lo,x_hi (published bin edges) and sys_ana,sys_had (DAMPE systematic components).
# Units follow CRDB: x in GV / GeV/n / GeV, fluxes per m^2 s sr and per unit of x, ratios
# dimensionless.  LHAASO H and He are read from the existing lhaaso_2025_{proton,helium}.csv
# (QGSJET-II-04 columns), converted from PeV to GeV.

CR_X_UNITS = {"rigidity": "GV", "ekn": "GeV/n", "ekin": "GeV", "etot": "GeV"}
CR_FLUX_UNITS = {"rigidity": "m^-2 s^-1 sr^-1 GV^-1", "ekn": "m^-2 s^-1 sr^-1 (GeV/n)^-1",
                 "ekin": "m^-2 s^-1 sr^-1 GeV^-1", "etot": "m^-2 s^-1 sr^-1 GeV^-1"}
CR_RATIO_UNIT = "dimensionless"

_CRDB = " (values via CRDB, Maurin et al. 2023, EPJC 83, 971, and KISS, C. Evoli)"
_AMS_PHYSREP = "Aguilar M. et al. (AMS) 2021, Phys. Rep. 894, 1, DOI 10.1016/j.physrep.2020.09.003" + _CRDB
_AMS_NEMGSI = "Aguilar M. et al. (AMS) 2020, PRL 124, 211102, DOI 10.1103/PhysRevLett.124.211102" + _CRDB
_DAMPE_2026 = ("DAMPE Collaboration 2026, Nature 653, 52, DOI 10.1038/s41586-026-10472-0, arXiv:2511.05409 "
               "(tables hand-transcribed by C. Evoli, KISS)")
_DAMPE_BC = "DAMPE Collaboration 2022, Sci. Bull. 67, 2162, DOI 10.1016/j.scib.2022.10.002" + _CRDB
_CALET_B = "Adriani O. et al. (CALET) 2022, PRL 129, 251103, DOI 10.1103/PhysRevLett.129.251103" + _CRDB
_CALET_CO = "Adriani O. et al. (CALET) 2020, PRL 125, 251102, DOI 10.1103/PhysRevLett.125.251102" + _CRDB
_NUCLEON = ("Grebenyuk V. et al. (NUCLEON) 2019, Adv. Space Res. 64, 2546, DOI 10.1016/j.asr.2019.10.004, "
            "Table 2" + _CRDB)

#: (experiment, quantity, x_kind, csv file, citation); the first entry of an (experiment, quantity)
#: pair is the default of :func:`cr_measurement`.
CR_DATASETS = [
    ("AMS-02", "H", "rigidity", "ams02_2021_proton_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "He", "rigidity", "ams02_2021_helium_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "C", "rigidity", "ams02_2021_carbon_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "N", "rigidity", "ams02_2021_nitrogen_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "O", "rigidity", "ams02_2021_oxygen_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "Ne", "rigidity", "ams02_2020_neon_rigidity.csv", _AMS_NEMGSI),
    ("AMS-02", "Mg", "rigidity", "ams02_2020_magnesium_rigidity.csv", _AMS_NEMGSI),
    ("AMS-02", "Si", "rigidity", "ams02_2020_silicon_rigidity.csv", _AMS_NEMGSI),
    ("AMS-02", "S", "rigidity", "ams02_2023_sulfur_rigidity.csv",
     "Aguilar M. et al. (AMS) 2023, PRL 130, 211002, DOI 10.1103/PhysRevLett.130.211002" + _CRDB),
    ("AMS-02", "Fe", "rigidity", "ams02_2021_iron_rigidity.csv",
     "Aguilar M. et al. (AMS) 2021, PRL 126, 041104, DOI 10.1103/PhysRevLett.126.041104" + _CRDB),
    ("AMS-02", "B/C", "rigidity", "ams02_2021_b_c_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "B/C", "ekn", "ams02_2016_b_c_ekn.csv",
     "Aguilar M. et al. (AMS) 2016, PRL 117, 231102, DOI 10.1103/PhysRevLett.117.231102" + _CRDB),
    ("AMS-02", "B/O", "rigidity", "ams02_2021_b_o_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "C/O", "rigidity", "ams02_2021_c_o_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "N/O", "rigidity", "ams02_2021_n_o_rigidity.csv", _AMS_PHYSREP),
    ("AMS-02", "Ne/O", "rigidity", "ams02_2020_ne_o_rigidity.csv", _AMS_NEMGSI),
    ("DAMPE", "H", "ekin", "dampe_2026_proton_ekin.csv", _DAMPE_2026 + ", Suppl. Table S1"),
    ("DAMPE", "He", "ekin", "dampe_2026_helium_ekin.csv", _DAMPE_2026 + ", Suppl. Table S2"),
    ("DAMPE", "C", "ekin", "dampe_2026_carbon_ekin.csv", _DAMPE_2026 + ", Suppl. Table S3"),
    ("DAMPE", "O", "ekin", "dampe_2026_oxygen_ekin.csv", _DAMPE_2026 + ", Suppl. Table S4"),
    ("DAMPE", "Fe", "ekin", "dampe_2026_iron_ekin.csv", _DAMPE_2026 + ", Suppl. Table S5"),
    ("DAMPE", "B", "ekn", "dampe_2025_boron_ekn.csv",
     "DAMPE Collaboration 2025, PRL 134, 191001, DOI 10.1103/PhysRevLett.134.191001, arXiv:2412.11460, "
     "Suppl. Table S1 (hand-transcribed by C. Evoli, KISS)"),
    ("DAMPE", "B/C", "ekn", "dampe_2022_b_c_ekn.csv", _DAMPE_BC),
    ("DAMPE", "B/O", "ekn", "dampe_2022_b_o_ekn.csv", _DAMPE_BC),
    ("CALET", "H", "ekin", "calet_2022_proton_ekin.csv",
     "Adriani O. et al. (CALET) 2022, PRL 129, 101102, DOI 10.1103/PhysRevLett.129.101102" + _CRDB),
    ("CALET", "He", "ekin", "calet_2023_helium_ekin.csv",
     "Adriani O. et al. (CALET) 2023, PRL 130, 171002, DOI 10.1103/PhysRevLett.130.171002" + _CRDB),
    ("CALET", "B", "ekn", "calet_2022_boron_ekn.csv", _CALET_B),
    ("CALET", "C", "ekn", "calet_2022_carbon_ekn.csv", _CALET_B),
    ("CALET", "O", "ekn", "calet_2020_oxygen_ekn.csv", _CALET_CO),
    ("CALET", "Fe", "ekn", "calet_2021_iron_ekn.csv",
     "Adriani O. et al. (CALET) 2021, PRL 126, 241101, DOI 10.1103/PhysRevLett.126.241101" + _CRDB),
    ("CALET", "B/C", "ekn", "calet_2022_b_c_ekn.csv", _CALET_B),
    ("CALET", "C/O", "ekn", "calet_2020_c_o_ekn.csv", _CALET_CO),
    ("NUCLEON", "H", "etot", "nucleon_2019_proton_etot.csv", _NUCLEON),
    ("NUCLEON", "He", "etot", "nucleon_2019_helium_etot.csv", _NUCLEON),
    ("NUCLEON", "C", "etot", "nucleon_2019_carbon_etot.csv", _NUCLEON),
    ("NUCLEON", "O", "etot", "nucleon_2019_oxygen_etot.csv", _NUCLEON),
    ("NUCLEON", "Ne", "etot", "nucleon_2019_neon_etot.csv", _NUCLEON),
    ("NUCLEON", "Mg", "etot", "nucleon_2019_magnesium_etot.csv", _NUCLEON),
    ("NUCLEON", "Si", "etot", "nucleon_2019_silicon_etot.csv", _NUCLEON),
    ("NUCLEON", "Fe", "etot", "nucleon_2019_iron_etot.csv", _NUCLEON),
    ("NUCLEON", "p/He", "rigidity", "nucleon_2020_p_he_rigidity.csv",
     "Karmanov D. et al. (NUCLEON) 2020, JETP Lett. 111, 363, DOI 10.1134/S002136402007005X" + _CRDB
     + "; no systematic errors given (sys = 0)"),
    ("LHAASO", "H", "etot", "lhaaso_2025_proton.csv", LHAASO_PHE_CITATION + "; hadronic model QGSJET-II-04"),
    ("LHAASO", "He", "etot", "lhaaso_2025_helium.csv", LHAASO_PHE_CITATION + "; hadronic model QGSJET-II-04"),
]

_CR_ALIASES = {"p": "H", "proton": "H", "helium": "He", "H/He": "p/He"}


@dataclass(frozen=True)
class CRMeasurement:
    """A measured cosmic-ray flux or flux ratio at Earth.  Arrays are float64, ordered by x.

    x_kind: "rigidity" (x in GV), "ekn" (kinetic energy per nucleon, GeV/n), "ekin" (kinetic energy
    per particle, GeV) or "etot" (total energy per particle, GeV).  y: flux per unit of x
    [``y_unit``] or a dimensionless ratio.  Errors are absolute, in the units of y; stat and sys are
    kept separately, lo = downward, up = upward.  x_lo/x_hi: published bin edges where stored, else None.
    """

    experiment: str
    quantity: str
    x_kind: str
    x: np.ndarray
    y: np.ndarray
    stat_lo: np.ndarray
    stat_up: np.ndarray
    sys_lo: np.ndarray
    sys_up: np.ndarray
    x_unit: str
    y_unit: str
    citation: str
    source: str  # CSV file name in DATA_DIR
    x_lo: np.ndarray = field(default=None)
    x_hi: np.ndarray = field(default=None)

    @property
    def name(self):
        return f"{self.experiment} {self.quantity}"

    @property
    def is_ratio(self):
        return "/" in self.quantity

    def err(self):
        """Total error: stat and sys each symmetrised (mean of lo and up), added in quadrature."""
        return np.hypot(0.5 * (self.stat_lo + self.stat_up), 0.5 * (self.sys_lo + self.sys_up))

    def err_lo(self):
        """Downward total error, stat_lo and sys_lo in quadrature."""
        return np.hypot(self.stat_lo, self.sys_lo)

    def err_up(self):
        """Upward total error, stat_up and sys_up in quadrature."""
        return np.hypot(self.stat_up, self.sys_up)


def cr_measurements_available():
    """[(experiment, quantity), ...] that :func:`cr_measurement` can load, without repeats."""
    out = []
    for exp, q, *_ in CR_DATASETS:
        if (exp, q) not in out:
            out.append((exp, q))
    return out


def cr_measurement(experiment, quantity, x_kind=None):
    """Measured cosmic-ray flux or ratio ``quantity`` ("H", "He", ..., "B/C", "p/He") of ``experiment``
    ("AMS-02", "DAMPE", "CALET", "NUCLEON", "LHAASO") as a :class:`CRMeasurement`.

    ``x_kind`` picks among several tables of one quantity (only AMS-02 "B/C": "rigidity", the
    default, or "ekn"); None = the first listed in :data:`CR_DATASETS`.  LHAASO: QGSJET-II-04 unfolding.
    Unknown requests raise KeyError naming what is available.
    """
    q = _CR_ALIASES.get(quantity, quantity)
    rows = [r for r in CR_DATASETS if r[0] == experiment and r[1] == q]
    if not rows:
        have = sorted({r[0] for r in CR_DATASETS})
        if experiment not in have:
            raise KeyError(f"unknown experiment {experiment!r}; available: {have}")
        qs = [r[1] for r in CR_DATASETS if r[0] == experiment]
        raise KeyError(f"no {experiment} measurement of {quantity!r}; available quantities: "
                       f"{list(dict.fromkeys(qs))}")
    if x_kind is not None:
        match = [r for r in rows if r[2] == x_kind]
        if not match:
            raise KeyError(f"{experiment} {q} is available vs {[r[2] for r in rows]}, not {x_kind!r}")
        rows = match
    exp, q, kind, fname, citation = rows[0]
    c = _read_csv(fname)
    y_unit = CR_RATIO_UNIT if "/" in q else CR_FLUX_UNITS[kind]
    if exp == "LHAASO":
        lo, hi = _col(c, "lg_emin"), _col(c, "lg_emax")
        pev = 1e6  # GeV; flux PeV^-1 -> GeV^-1 is x 1e-6
        y, stat, sys = (_col(c, k) / pev for k in ("flux_qgsjet", "stat_qgsjet", "sys_qgsjet"))
        return CRMeasurement(exp, q, kind, x=10.0 ** (0.5 * (lo + hi)) * pev, y=y, stat_lo=stat,
                             stat_up=stat, sys_lo=sys, sys_up=sys, x_unit=CR_X_UNITS[kind], y_unit=y_unit,
                             citation=citation, source=fname, x_lo=10.0 ** lo * pev, x_hi=10.0 ** hi * pev)
    edges = {k: _col(c, k) for k in ("x_lo", "x_hi") if k in c}
    return CRMeasurement(exp, q, kind, x=_col(c, "x"), y=_col(c, "y"), stat_lo=_col(c, "stat_lo"),
                         stat_up=_col(c, "stat_up"), sys_lo=_col(c, "sys_lo"), sys_up=_col(c, "sys_up"),
                         x_unit=CR_X_UNITS[kind], y_unit=y_unit, citation=citation, source=fname, **edges)


# the isotope by which element data given vs energy are put on a rigidity axis (a display
# convention; model-to-data comparisons use LocalFluxes.element_flux on the data's own axis)
DOMINANT_A = {1: 1, 2: 4, 6: 12, 7: 14, 8: 16, 10: 20, 12: 24, 14: 28, 16: 32, 26: 56}


def cr_to_rigidity(m, Z: int, A: int, m_n: float = 0.938272):
    """(R [GV], J per GV, error per GV) of a flux measurement given vs rigidity, kinetic energy
    per nucleon, kinetic or total energy per particle, for a nucleus (Z, A) (the element's
    dominant isotope: a display convention for element data)."""
    x, y, e = np.asarray(m.x, dtype=float), np.asarray(m.y, dtype=float), m.err()
    if m.x_kind == "rigidity":
        return x, y, e
    if m.x_kind == "ekn":
        tn = x
    elif m.x_kind == "ekin":
        tn = x / A
    elif m.x_kind == "etot":
        tn = x / A - m_n
    else:
        raise ValueError(f"unknown x_kind {m.x_kind!r}")
    pn = np.sqrt(tn * (tn + 2 * m_n))
    R = A * pn / Z
    # dJ/dR = dJ/dx dx/dR; dT_n/dR = beta Z/A, dx/dT_n = 1 (ekn) or A (ekin, etot)
    beta = pn / (tn + m_n)
    jac = beta * Z / A * (1.0 if m.x_kind == "ekn" else A)
    return R, y * jac, e * jac
