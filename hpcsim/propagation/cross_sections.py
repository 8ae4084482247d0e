"""Cross sections of the propagation network: inelastic (loss) and partial (production).

Interstellar target: hydrogen (all of n_HI + 2 n_H2 + n_HII) plus helium at ``f_he`` = 0.11 He
per H, folded into effective cross sections sigma_H + f_he sigma_He.

Inelastic cross sections (``inelastic``):

* protons: Kafexhiu et al. 2014 (PRD 90, 123014, Eq. 1) for p-p, plus f_he sigma(p-He);
* ``"letaw"`` (built-in): p + A of Letaw, Silberberg & Tsao 1983 (ApJS 51, 271, Eq. 3 with the
  low-energy factor of their Eq. 5): 45 A^0.7 [1 + 0.016 sin(5.3 - 2.63 ln A)]
  x [1 - 0.62 exp(-E/200 MeV) sin(10.9 (E/MeV)^-0.28)] mb;
* ``"barashenkov_polanski"``: the evaluated proton non-elastic cross sections of Barashenkov &
  Polanski (1994, JINR E2-94-417; the CROSEC tables used by GALPROP and DRAGON2), read from
  ``galprop_barpol.dat`` in the cross-section data directory; quadratic interpolation in target
  mass through three tabulated masses, linear in energy; held constant outside 14 MeV-1 TeV.
  A nucleus of E_k/n on a proton at rest is the same collision as a proton of that energy on
  the nucleus (inverse kinematics).
* He target: sigma_He / sigma_H = 2.10 A^-0.055 (the total-cross-section scaling used with the
  Ferrando et al. 1988 partial-cross-section ratios, as in GALPROP and DRAGON2).

Partial cross sections (``partial``):

* ``"evoli2019"``: the cumulative table of Evoli, Aloisio & Blasi 2019 (PRD 99, 103023;
  DRAGON2's default), 187 channels from 19 parents, 10 MeV/n - 1 TeV/n; read from the data
  directory; a natural cubic spline in linear energy per channel (as DRAGON2), constant above
  the table and clipped at 0.  He target: each value x (1 + f_he R_F) with R_F the ratio of
  Ferrando et al. 1988 (PRC 37, 1490, Eqs. 6-8; GALPROP's parametrisation) at the table
  energies.  Channels not in the table: ``missing = "semiempirical"`` (default) or ``"zero"``
  (DRAGON2's behaviour, for like-for-like comparisons).
* ``"semiempirical"``: Silberberg & Tsao (1998, ApJ 501, 911, and references therein;
  :mod:`hpcsim.propagation.xsec_semiempirical`), made cumulative here: the cross sections of
  all short-lived progenitors that decay into a propagated nucleus are added to it
  (:class:`~.nuclides.NuclideTable`).

Data directory: ``<data dir>/xsec_dragon2`` (``$HPCSIM_DATA_DIR`` or ``~/.cache/hpcsim``) or
the configured ``xsec_dir``; ``hpcsim data fetch xsec`` downloads the files from DRAGON2's
public repository at a pinned commit and checks their SHA-256.
"""

from __future__ import annotations

import gzip
import os

import numpy as np
from scipy.interpolate import CubicSpline

from ..interactions.kafexhiu2014 import sigma_inel_pp as _sigma_pp_k14
from ..stars.mist import data_dir

F_HE = 0.11  # He per H in the ISM (PROPAGATION.md)
DRAGON2_REPO = "cosmicrays/DRAGON2-Beta_version"
DRAGON2_COMMIT = "cd588707fe03c76f19bda1b8092e136dcbe3fe90"
EVOLI_TABLE = "crxsecs_fragmentation_Evoli2019_cumulative_modified.dat"
ISOTOPE_LIST = "isotope_list.dat"
BARPOL = "galprop_barpol.dat"
#: file -> SHA-256 of the published file at DRAGON2_COMMIT (data/<file>)
XSEC_SHA256 = {
    EVOLI_TABLE: "2112077180c9dd8a7fb17114f7f52ad2f13da44cb948cd7e26751b74a21a3287",
    ISOTOPE_LIST: "335c7897a2ad9de0305e66e65ad03be0d74597a6f61b04dca8d7fa506bb95b7a",
    BARPOL: "eb263594a54ec85cb1f6fd6a886efeda50f6c2a2215ac2b6290942dc0fd76487",
}


class XsecDataError(Exception):
    """A cross-section data file is missing or malformed."""


def xsec_dir(configured: str | None = None) -> str:
    return os.path.abspath(os.path.expanduser(configured)) if configured else os.path.join(
        data_dir(), "xsec_dragon2")


def find_xsec_file(directory: str, name: str) -> str:
    """Path of ``name`` (or ``name.gz``) in ``directory``; a clear error if absent."""
    for cand in (name, name + ".gz"):
        path = os.path.join(directory, cand)
        if os.path.isfile(path):
            return path
    raise XsecDataError(
        f"cross-section file {name} not found in {directory}.\nGet it with `hpcsim data fetch "
        f"xsec` (downloads DRAGON2's published tables at commit {DRAGON2_COMMIT[:8]} and checks "
        "their SHA-256), or point `propagation.xsec_dir` (or $HPCSIM_DATA_DIR/xsec_dragon2) at a "
        "directory that holds it, or use the built-in cross sections (propagation.partial = "
        "\"semiempirical\", propagation.inelastic = \"letaw\").")


def _open_text(path):
    return gzip.open(path, "rt") if path.endswith(".gz") else open(path)


# -------------------------------------------------------------------------------------------
# Inelastic
# -------------------------------------------------------------------------------------------

def sigma_pp(e_kn):
    """p-p inelastic [mb] (Kafexhiu et al. 2014, Eq. 1), zero below the pion threshold."""
    return np.nan_to_num(_sigma_pp_k14(np.asarray(e_kn, dtype=float)))


def sigma_letaw(A: int, e_kn):
    """p + A inelastic [mb] (Letaw, Silberberg & Tsao 1983, Eqs. 3, 5)."""
    e_mev = np.asarray(e_kn, dtype=float) * 1e3
    hi = 45.0 * A ** 0.7 * (1.0 + 0.016 * np.sin(5.3 - 2.63 * np.log(A)))
    return hi * (1.0 - 0.62 * np.exp(-e_mev / 200.0) * np.sin(10.9 * e_mev ** -0.28))


def he_to_h_total_ratio(A: int) -> float:
    """sigma_He / sigma_H of the total inelastic cross section: 2.10 A^-0.055."""
    return 2.10 * A ** -0.055


class BarashenkovPolanski:
    """Proton non-elastic cross sections on nuclei from ``galprop_barpol.dat``."""

    def __init__(self, path: str):
        try:
            with open(path, "rb") as fh:  # the file has a few non-UTF-8 bytes in its titles
                raw = fh.read()
            if path.endswith(".gz"):
                raw = gzip.decompress(raw)
            lines = raw.decode("latin-1").splitlines()
            head = lines[0].split()
            ns, n_e = int(head[1]), [int(x) for x in head[2:6]]
            n_t = int(head[6])
            row = 1
            blocks = []
            for js in range(ns):
                row += 1  # the block's header line
                n_targets = n_t if js < 2 else int(head[7])
                e, sig = [], []
                for k in range(n_e[js]):
                    tok = lines[row].split()
                    row += 1
                    if js != 1:
                        continue  # only the proton block (the second) is used
                    e.append(float(tok[0]) * (1000.0 if k >= n_e[js] - 3 else 1.0))
                    sig.append([float(x) for x in tok[-n_targets:]])  # non-elastic: last columns
                blocks.append((np.array(e), np.array(sig)))
        except (OSError, ValueError, IndexError) as exc:
            raise XsecDataError(f"{path}: not a readable Barashenkov-Polanski table ({exc})") \
                from None
        self.energy_mev, self.sigma = blocks[1]  # protons
        # target masses of the table (standard atomic weights of H ... Cf, BARPOL's order)
        self.masses = np.array([1.00, 2.00, 4.00, 6.94, 9.01, 12.00, 14.00, 16.00, 23.00, 26.98,
                                32.06, 40.08, 47.90, 55.85, 63.54, 79.90, 95.94, 112.40, 118.69,
                                137.34, 183.85, 207.19, 238.03, 252.00])[:self.sigma.shape[1]]

    def __call__(self, A: float, e_kn) -> np.ndarray:
        E = np.clip(np.asarray(e_kn, dtype=float) * 1e3, 14.0, 1.0e6)
        m = self.masses
        j = int(np.searchsorted(m, A, side="right"))
        j = min(max(j, 1), m.size - 2)
        idx = [j - 1, j, j + 1]
        x = m[idx]
        w = [np.prod([(A - x[b]) / (x[a] - x[b]) for b in range(3) if b != a]) for a in range(3)]
        s_a = sum(w[a] * self.sigma[:, idx[a]] for a in range(3))  # at every table energy
        return np.interp(E, self.energy_mev, s_a)


# -------------------------------------------------------------------------------------------
# Partial: Ferrando He/H ratio and the Evoli 2019 table
# -------------------------------------------------------------------------------------------

def ferrando_ratio(Zp: int, Ap: int, Zf: int, Af: int, e_kn) -> np.ndarray:
    """sigma(He + parent -> fragment) / sigma(H + parent -> fragment) (Ferrando et al. 1988,
    PRC 37, 1490, in GALPROP's parametrisation): exp[mu |dZ - F Delta|^1.43] for
    dZ <= Zp // 2, a power law in dZ beyond; mu(E), Delta(E) from E = 0.43, 0.73, 1.51 GeV/n,
    F(Zp) from Z = 6, 8, 26."""
    E = np.asarray(e_kn, dtype=float)
    if Ap <= Af:
        return np.zeros_like(E)
    lo = E < 0.73
    mu = np.where(lo, 0.082 + (0.047 - 0.082) * (E - 0.43) / 0.30,
                  0.047 + (0.031 - 0.047) * (E - 0.73) / 0.78)
    dl = np.where(lo, 2.45 + (3.45 - 2.45) * np.log(E / 0.43) / np.log(0.73 / 0.43),
                  3.45 + (4.40 - 3.45) * np.log(E / 0.73) / np.log(1.51 / 0.73))
    mu = np.where(E < 0.43, 0.082, np.where(E > 1.51, 0.031, mu))
    dl = np.where(E < 0.43, 2.45, np.where(E > 1.51, 4.40, dl))
    if Zp < 8:
        F = -0.76 + (-0.41 + 0.76) * np.log(Zp / 6.0) / np.log(8.0 / 6.0)
    else:
        F = -0.41 + (1.00 + 0.41) * np.log(Zp / 8.0) / np.log(26.0 / 8.0)
    h = Zp // 2
    dZ = Zp - Zf
    if dZ <= h:
        return np.exp(mu * np.abs(dZ - F * dl) ** 1.43)
    X = np.exp(mu * np.abs(h - F * dl) ** 1.43)
    Y = X - np.exp(mu * np.abs(h - 1 - F * dl) ** 1.43)
    b = h * Y / X
    a = X / h ** b
    return a * dZ ** b


def _code_to_za(code: str) -> tuple[int, int]:
    """'26.56' -> (26, 56) (Evoli's Z.AA codes)."""
    zs, _, as_ = code.partition(".")
    return int(zs), int(as_.ljust(2, "0"))


def load_evoli_table(path: str) -> dict:
    """{(parent ZA, daughter ZA): (E [GeV/n], sigma_H [mb])} from the Evoli 2019 table."""
    table: dict = {}
    try:
        with _open_text(path) as fh:
            next(fh)
            for line in fh:
                tok = line.split()
                if len(tok) < 4:
                    continue
                key = (_code_to_za(tok[0]), _code_to_za(tok[1]))
                table.setdefault(key, ([], []))
                table[key][0].append(float(tok[2]) * 1e-3)
                table[key][1].append(float(tok[3]))
    except (OSError, ValueError, StopIteration) as exc:
        raise XsecDataError(f"{path}: not a readable Evoli 2019 cross-section table ({exc})") \
            from None
    if not table:
        raise XsecDataError(f"{path}: no cross sections found")
    return {k: (np.array(e), np.array(s)) for k, (e, s) in table.items()}


def evoli_on_grid(e_tab, s_tab, e_kn, he_factor=None):
    """Table channel on the grid: natural cubic spline in linear E inside the table (DRAGON2's
    interpolation), constant beyond both ends, clipped at 0.  ``he_factor`` multiplies the
    table values first (the He target at the table energies)."""
    s = s_tab * (he_factor if he_factor is not None else 1.0)
    E = np.asarray(e_kn, dtype=float)
    spline = CubicSpline(e_tab, s, bc_type="natural")
    inside = spline(np.clip(E, e_tab[0], e_tab[-1]))
    out = np.where(E > e_tab[-1], s[-1], np.where(E < e_tab[0], s[0], inside))
    return np.maximum(out, 0.0)


# -------------------------------------------------------------------------------------------
# The configured set
# -------------------------------------------------------------------------------------------

class CrossSections:
    """Effective (H + f_he He) inelastic and cumulative production cross sections [mb].

    ``table``: nuclide table (:class:`~.nuclides.NuclideTable`) for folding the semi-empirical
    cross sections.  ``directory``: cross-section data directory (needed for "evoli2019" and
    "barashenkov_polanski").
    """

    def __init__(self, table, inelastic: str = "letaw", partial: str = "semiempirical",
                 missing: str = "semiempirical", directory: str | None = None,
                 f_he: float = F_HE):
        self.nuclides = table
        self.inelastic_model, self.partial_model, self.missing = inelastic, partial, missing
        self.f_he = f_he
        self.directory = directory
        self._bp = None
        self._evoli = None
        if inelastic == "barashenkov_polanski":
            self._bp = BarashenkovPolanski(find_xsec_file(xsec_dir(directory), BARPOL))
        elif inelastic != "letaw":
            raise ValueError(f"unknown inelastic model {inelastic!r}")
        if partial == "evoli2019":
            self._evoli = load_evoli_table(find_xsec_file(xsec_dir(directory), EVOLI_TABLE))
        elif partial != "semiempirical":
            raise ValueError(f"unknown partial cross-section model {partial!r}")
        if missing not in ("semiempirical", "zero"):
            raise ValueError(f"unknown rule for missing channels {missing!r}")

    # -- losses ------------------------------------------------------------------------------
    def inelastic(self, Z: int, A: int, e_kn) -> np.ndarray:
        """sigma_H + f_he sigma_He of (Z, A) [mb]."""
        E = np.asarray(e_kn, dtype=float)
        if A == 1:
            s_phe = self._bp(4.0, E) if self._bp is not None else sigma_letaw(4, E)
            return sigma_pp(E) + self.f_he * s_phe
        s = self._bp(float(A), E) if self._bp is not None else sigma_letaw(A, E)
        return s * (1.0 + self.f_he * he_to_h_total_ratio(A))

    # -- production --------------------------------------------------------------------------
    def production(self, parent: tuple[int, int], e_kn) -> dict:
        """{propagated daughter: sigma_H + f_he sigma_He [mb] on the grid} for one parent,
        cumulative (short-lived products folded into their long-lived descendants)."""
        E = np.asarray(e_kn, dtype=float)
        out: dict = {}
        from_table = set()
        if self._evoli is not None:
            for (p, d), (et, st) in self._evoli.items():
                if p != parent or not self.nuclides.is_propagated(*d) or d[1] >= parent[1]:
                    continue
                he = 1.0 + self.f_he * ferrando_ratio(*p, *d, et)
                out[d] = out.get(d, 0.0) + evoli_on_grid(et, st, E, he)
                from_table.add(d)
        from .xsec_semiempirical import partial_cross_section
        Zp, Ap = parent
        for Af in range(1, Ap):
            for Zf in range(max(1, Af // 4), min(Zp + 1, Af) + 1):
                d = self.nuclides.final(Zf, Af)
                if d is None or d[1] >= Ap or d in from_table:
                    continue
                # DRAGON2 (missing = "zero") fills only He and H daughters from formulas
                if self._evoli is not None and self.missing == "zero" and d[0] > 2:
                    continue
                s = partial_cross_section(Zp, Ap, Zf, Af, E)
                if not np.any(s > 0):
                    continue
                he = 1.0 + self.f_he * ferrando_ratio(Zp, Ap, Zf, Af, E)
                out[d] = out.get(d, 0.0) + s * he
        return out
