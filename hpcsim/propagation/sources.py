"""Cosmic-ray sources: spatial distribution in the Galaxy and injection spectra per isotope.

Spatial distributions S(r, z) (arbitrary normalisation; the fluxes are normalised afterwards):

* ``"ferriere"`` — supernova rate of Ferriere 2001 (RMP 73, 1031, Eqs. 4-5 for type II and
  type Ia), as in DRAGON2's "Ferriere" option (Evoli et al. 2017, App. C), with r_sun the
  observer's radius:
    r > 3.7 kpc: 50 [0.79 e^{-(z/0.212)^2} + 0.21 e^{-(z/0.636)^2}] e^{-(r^2 - r_sun^2)/6.8^2}
    r <= 3.7:   177.5 [same z profile] e^{-((r - 3.7)/2.1)^2}
    plus type Ia: 7.3 e^{-(r - r_sun)/4.5 - |z|/0.325}.
* ``"snr_powerlaw"`` — (r/r_sun)^a exp[-b (r - r_sun)/r_sun] exp(-|z|/z_s): the SNR form of
  GALPROP (Case & Bhattacharya 1998, ApJ 504, 761 type) used by Yuan et al. 2017 (PRD 95,
  083007) and seed 001 Sec. IV.1; parameters a, b, z_s, r_sun.
* ``"uniform_disc"`` — 1 for |z| <= h_disc (any r < r_max), for closed-form checks.

Injection spectrum of each isotope, per unit momentum (so that N = dn/dlnp gets p Q): a power
law in rigidity R with any number of breaks and an optional exponential cut-off,

    Q(R) = a_i (R/R_0)^-g_0                                  R <= R_0 ... (continuous),
    slopes g_k between breaks R_{k-1} < R <= R_k, times exp(-R/R_cut),

equal to a_i at R = R_0 (the first break; 1 GV without breaks).  This is seed 001 Eq. 16 for
SNRs (one break) and Eq. 6 for winds (no break), and DRAGON2's source.param form (whose breaks
are momenta per nucleon: multiply by A/Z to give them here as rigidities).  Abundances a_i are
at equal rigidity at R_0 (seed 001 Table 3 note).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .grid import Grid


def ferriere_rate(r, z, r_sun: float = 8.5):
    """Type II + Ia supernova rate density (Ferriere 2001), arbitrary units."""
    r = np.asarray(r, dtype=float)
    z = np.asarray(z, dtype=float)
    zprof = 0.79 * np.exp(-(z / 0.212) ** 2) + 0.21 * np.exp(-(z / 0.636) ** 2)
    outer = 50.0 * np.exp(-(r ** 2 - r_sun ** 2) / 6.8 ** 2)
    inner = 177.5 * np.exp(-((r - 3.7) / 2.1) ** 2)
    t2 = zprof * np.where(r > 3.7, outer, inner)
    t1a = 7.3 * np.exp(-(r - r_sun) / 4.5 - np.abs(z) / 0.325)
    return t2 + t1a


def snr_powerlaw_rate(r, z, a: float, b: float, z_s: float, r_sun: float = 8.5):
    """(r/r_sun)^a exp[-b (r - r_sun)/r_sun] exp(-|z|/z_s), arbitrary units."""
    r = np.asarray(r, dtype=float)
    with np.errstate(divide="ignore"):
        return (np.where(r > 0, (r / r_sun) ** a, 0.0 if a > 0 else 1.0)
                * np.exp(-b * (r - r_sun) / r_sun) * np.exp(-np.abs(z) / z_s))


def source_map(grid: Grid, model: str = "ferriere", r_sun: float = 8.5, a: float = 1.25,
               b: float = 3.56, z_s: float = 0.2, h_disc: float = 0.1) -> np.ndarray:
    """S(r, z) on the grid's unknowns, shape (n_r - 1, n_z - 2), evaluated at the nodes."""
    R, Z = np.meshgrid(grid.r, grid.z, indexing="ij")
    if model == "ferriere":
        return ferriere_rate(R, Z, r_sun)
    if model == "snr_powerlaw":
        return snr_powerlaw_rate(R, Z, a, b, z_s, r_sun)
    if model == "uniform_disc":
        return (np.abs(Z) <= h_disc + 1e-12).astype(float)
    raise ValueError(f"unknown source distribution {model!r} (ferriere, snr_powerlaw, "
                     "uniform_disc)")


@dataclass(frozen=True)
class Injection:
    """Broken power law in rigidity (see the module docstring); all slopes positive numbers
    (Q ~ R^-slope).  ``breaks`` [GV] increasing, len(slopes) = len(breaks) + 1."""

    abundance: float
    slopes: tuple = (2.3,)
    breaks: tuple = ()
    r_cut: float = np.inf  # GV

    def __post_init__(self):
        if len(self.slopes) != len(self.breaks) + 1:
            raise ValueError(f"injection needs one more slope than breaks, got "
                             f"{len(self.slopes)} slopes and {len(self.breaks)} breaks")
        if any(b2 <= b1 for b1, b2 in zip(self.breaks, self.breaks[1:])) or any(
                b <= 0 for b in self.breaks):
            raise ValueError(f"injection breaks must be positive and increasing, got "
                             f"{self.breaks}")
        if self.abundance < 0 or not self.r_cut > 0:
            raise ValueError("injection abundance must be >= 0 and r_cut > 0")

    def spectrum(self, rigidity) -> np.ndarray:
        """Q(R) per unit momentum, relative units (a_i at the first break, or at 1 GV)."""
        R = np.asarray(rigidity, dtype=float)
        ref = self.breaks[0] if self.breaks else 1.0
        logq = -self.slopes[0] * np.log(R / ref)
        # above each break, the slope changes; continuity fixes the prefactor
        for k, rb in enumerate(self.breaks):
            above = R > rb
            # value at the break from the segment below, then slope k+1 above it
            logq_b = _log_at(rb, ref, self.slopes, self.breaks, k)
            logq = np.where(above, logq_b - self.slopes[k + 1] * np.log(R / rb), logq)
        q = self.abundance * np.exp(logq)
        if np.isfinite(self.r_cut):
            q = q * np.exp(-R / self.r_cut)
        return q


def _log_at(rb, ref, slopes, breaks, k):
    """log Q at the k-th break (continuous broken power law, log Q(ref) = 0)."""
    val = -slopes[0] * np.log(breaks[0] / ref) if breaks else 0.0
    for j in range(1, k + 1):
        val -= slopes[j] * np.log(breaks[j] / breaks[j - 1])
    return val


@dataclass
class SourceComposition:
    """Injection of every primary isotope: ``{(Z, A): Injection}``."""

    isotopes: dict = field(default_factory=dict)

    def injection_per_lnp(self, Z: int, A: int, rigidity: np.ndarray, p_total: np.ndarray):
        """Q per unit ln p (= p Q(R)) on the energy grid, or None if not injected."""
        inj = self.isotopes.get((Z, A))
        if inj is None or inj.abundance == 0:
            return None
        return np.asarray(p_total) * inj.spectrum(rigidity)


class SpectrumSyntaxError(ValueError):
    """A malformed injection-spectrum string (names the string and the problem)."""


def parse_spectra(lines) -> dict[str, SourceComposition]:
    """{class: SourceComposition} from strings '[class/]Species: abundance slope0 [R1 slope1
    [R2 slope2 ...]] [cut R_cut]' (rigidities in GV).  The class defaults to 'all'."""
    from .nuclides import NuclideError, parse_species

    out: dict[str, SourceComposition] = {}
    for text in lines:
        head, sep, body = str(text).partition(":")
        if not sep:
            raise SpectrumSyntaxError(f"{text!r}: expected 'Species: abundance slope ...'")
        cls, _, name = head.strip().rpartition("/")
        cls = cls.strip() or "all"
        try:
            Z, A = parse_species(name.strip())
        except NuclideError as exc:
            raise SpectrumSyntaxError(f"{text!r}: {exc}") from None
        tok = body.split()
        r_cut = np.inf
        if "cut" in tok:
            i = tok.index("cut")
            if i != len(tok) - 2:
                raise SpectrumSyntaxError(f"{text!r}: 'cut' must be followed by one rigidity "
                                          "at the end")
            try:
                r_cut = float(tok[-1])
            except ValueError:
                raise SpectrumSyntaxError(f"{text!r}: bad cut-off {tok[-1]!r}") from None
            tok = tok[:i]
        try:
            nums = [float(x) for x in tok]
        except ValueError:
            raise SpectrumSyntaxError(f"{text!r}: numbers expected after the colon") from None
        if len(nums) < 2 or len(nums) % 2 != 0:
            raise SpectrumSyntaxError(f"{text!r}: need 'abundance slope0 [R1 slope1 ...]' (an "
                                      "even count of numbers)")
        try:
            inj = Injection(nums[0], tuple(nums[1::2]), tuple(nums[2::2]), r_cut)
        except ValueError as exc:
            raise SpectrumSyntaxError(f"{text!r}: {exc}") from None
        comp = out.setdefault(cls, SourceComposition())
        if (Z, A) in comp.isotopes:
            raise SpectrumSyntaxError(f"{text!r}: {name.strip()} given twice in class {cls!r}")
        comp.isotopes[(Z, A)] = inj
    if not out:
        raise SpectrumSyntaxError("no injection spectra given")
    return out
