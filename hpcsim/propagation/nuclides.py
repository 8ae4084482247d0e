"""Nuclides of the propagation network: half-lives, decays of bare nuclei, folding, order.

Cosmic-ray nuclei above ~100 MeV/n are fully ionised, so a nucleus that decays only by electron
capture (EC) is stable during propagation, and a nucleus with a beta+/EC branch decays by beta+
alone with the partial half-life of that branch.  This is the convention of DRAGON2 with
K-capture off (Evoli et al. 2018, JCAP 07, 006, Sec. 2.3) and of GALPROP's default.

Nuclides whose (bare) half-life is shorter than ``t_fold`` (1e4 yr by default, PROPAGATION.md)
are not propagated: whatever produces them produces their final long-lived descendant instead
("folding", as in the cumulative cross sections of Evoli et al. 2019).  A produced nucleus
that is in no table ("ghost") is assumed to beta-decay along its isobar to the nearest
propagated nucleus on its side of the valley of stability (GALPROP's rule for unknown
progenitors, Strong & Moskalenko 1998, ApJ 509, 212, Sec. 3; Moskalenko & Mashnik 2003, ICRC).

Two sources of nuclear data, same result type (``dict[(Z, A)] -> Nuclide``):

* :func:`builtin_nuclides`: stable isotopes and the radioactive nuclides that matter for
  Z <= 28, half-lives from NUBASE2020 (Kondev et al. 2021, Chinese Phys. C 45, 030001);
* :func:`load_isotope_list`: DRAGON2's ``isotope_list.dat`` (A, Z, T1/2 [s], T1/2 of the bare
  nucleus [s], mode, element), from the data directory (``hpcsim data fetch xsec``).

The network order (:func:`network_order`) puts every parent before its products; it is built
from the actual couplings (fragmentation and decay) and refuses cycles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..constants import YR

T_FOLD_YR = 1.0e4  # PROPAGATION.md: nuclei with t1/2 < 1e4 yr are folded into their daughters

ELEMENT_SYMBOLS = ("n", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al",
                   "Si", "P", "S", "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co",
                   "Ni", "Cu", "Zn")
#: element symbol -> Z
ELEMENT_Z = {s: z for z, s in enumerate(ELEMENT_SYMBOLS) if z}


class NuclideError(ValueError):
    """Unknown species, bad nuclear-data file, or a cycle in the network."""


@dataclass(frozen=True)
class Nuclide:
    """A nucleus as propagated: ``half_life_yr`` of the bare nucleus (inf if it cannot decay
    when fully ionised) and its decay ``mode`` ('stable', 'b-', 'b+')."""

    Z: int
    A: int
    half_life_yr: float = np.inf
    mode: str = "stable"

    @property
    def daughter(self) -> tuple[int, int] | None:
        if self.mode == "b-":
            return (self.Z + 1, self.A)
        if self.mode == "b+":
            return (self.Z - 1, self.A)
        return None

    @property
    def name(self) -> str:
        return species_name(self.Z, self.A)


def species_name(Z: int, A: int) -> str:
    """'C12', 'He4', 'H1' ..."""
    if 0 < Z < len(ELEMENT_SYMBOLS):
        return f"{ELEMENT_SYMBOLS[Z]}{A}"
    return f"Z{Z}A{A}"


def parse_species(name: str) -> tuple[int, int]:
    """'C12' -> (6, 12); also accepts DRAGON2 ids like '6012'.  Raises NuclideError."""
    s = str(name).strip()
    if s.isdigit() and len(s) >= 4:
        Z, A = int(s[:-3]), int(s[-3:])
    else:
        sym = s.rstrip("0123456789")
        digits = s[len(sym):]
        if sym not in ELEMENT_SYMBOLS[1:] or not digits:
            raise NuclideError(f"unknown species {name!r} (write e.g. 'C12', 'He4', 'Fe56')")
        Z, A = ELEMENT_SYMBOLS.index(sym), int(digits)
    if not (1 <= Z <= A):
        raise NuclideError(f"unknown species {name!r}")
    return Z, A


# -------------------------------------------------------------------------------------------
# Built-in nuclear data (NUBASE2020; bare-nucleus decays as explained in the module docstring)
# -------------------------------------------------------------------------------------------

#: Stable isotopes Z = 1..28 (and primordial ones with t1/2 > 1e9 yr: 40K, 50V, 48Ca).
_STABLE = {
    1: (1, 2), 2: (3, 4), 3: (6, 7), 4: (9,), 5: (10, 11), 6: (12, 13), 7: (14, 15),
    8: (16, 17, 18), 9: (19,), 10: (20, 21, 22), 11: (23,), 12: (24, 25, 26), 13: (27,),
    14: (28, 29, 30), 15: (31,), 16: (32, 33, 34, 36), 17: (35, 37), 18: (36, 38, 40),
    19: (39, 40, 41), 20: (40, 42, 43, 44, 46, 48), 21: (45,), 22: (46, 47, 48, 49, 50),
    23: (50, 51), 24: (50, 52, 53, 54), 25: (55,), 26: (54, 56, 57, 58), 27: (59,),
    28: (58, 60, 61, 62, 64),
}

#: Radioactive nuclides: (Z, A): (bare half-life [yr], mode).  'ec' = electron capture only:
#: stable when bare.  For beta+/EC nuclei the beta+ partial half-life t1/2 / BR(beta+) is used.
_RADIOACTIVE = {
    (1, 3): (12.32, "b-"),
    (4, 7): (0.1457, "ec"),  # 53.22 d
    (4, 10): (1.387e6, "b-"),  # Chmeleff et al. 2010; Korschinek et al. 2010
    (6, 10): (6.11e-7, "b+"),  # 19.3 s
    (6, 11): (3.88e-5, "b+"),  # 20.4 min
    (6, 14): (5.70e3, "b-"),
    (9, 18): (2.09e-4, "b+"),  # 109.7 min
    (11, 22): (2.60 / 0.9038, "b+"),  # beta+ branch 90.38 %
    (13, 26): (7.17e5 / 0.8173, "b+"),  # beta+ branch 81.73 %
    (14, 32): (153.0, "b-"),
    (15, 32): (0.0392, "b-"),  # 14.27 d
    (15, 33): (0.0695, "b-"),  # 25.35 d
    (16, 35): (0.2394, "b-"),  # 87.4 d
    (17, 36): (3.01e5 / 0.981, "b-"),  # beta- branch 98.1 %
    (18, 37): (0.0959, "ec"),  # 35.0 d
    (18, 39): (268.0, "b-"),
    (18, 42): (32.9, "b-"),
    (20, 41): (9.94e4, "ec"),
    (20, 45): (0.4456, "b-"),  # 162.6 d
    (20, 47): (0.01240, "b-"),  # 4.54 d
    (21, 44): (4.51e-4, "b+"),  # 3.97 h (beta+ 94 %)
    (21, 46): (0.2294, "b-"),  # 83.8 d
    (21, 47): (0.00917, "b-"),  # 3.35 d
    (21, 48): (0.00498, "b-"),  # 43.7 h
    (22, 44): (59.1, "ec"),
    (23, 48): (0.04380 / 0.4991, "b+"),  # 16.0 d, beta+ 49.91 %
    (23, 49): (0.904, "ec"),  # 330 d
    (24, 48): (0.00246, "ec"),  # 21.6 h
    (24, 51): (0.0758, "ec"),  # 27.7 d
    (25, 52): (0.01531 / 0.294, "b+"),  # 5.59 d, beta+ 29.4 %
    (25, 53): (3.7e6, "ec"),
    (25, 54): (6.3e5, "b-"),  # bare 54Mn: beta- branch only (Wuosmaa et al. 1998, PRL 80, 2085)
    (26, 55): (2.744, "ec"),
    (26, 59): (0.1219, "b-"),  # 44.5 d
    (26, 60): (2.62e6, "b-"),  # Rugel et al. 2009
    (27, 56): (0.2114 / 0.196, "b+"),  # 77.2 d, beta+ 19.6 %
    (27, 57): (0.7441, "ec"),  # 271.8 d
    (27, 58): (0.1941 / 0.1493, "b+"),  # 70.9 d, beta+ 14.93 %
    (27, 60): (5.271, "b-"),
    (28, 56): (4.0e4, "b+"),  # bare 56Ni: beta+ only (half-life as in GALPROP/DRAGON2 lists)
    (28, 57): (0.004063 / 0.436, "b+"),  # 35.6 h, beta+ 43.6 %
    (28, 59): (7.6e4, "ec"),
    (28, 63): (101.2, "b-"),
}


def builtin_nuclides() -> dict[tuple[int, int], Nuclide]:
    """Stable and radioactive nuclides Z = 1..28 (NUBASE2020), bare-nucleus decay modes."""
    out = {}
    for Z, As in _STABLE.items():
        for A in As:
            out[(Z, A)] = Nuclide(Z, A)
    for (Z, A), (t, mode) in _RADIOACTIVE.items():
        out[(Z, A)] = Nuclide(Z, A) if mode == "ec" else Nuclide(Z, A, float(t), mode)
    return out


def load_isotope_list(path: str) -> dict[tuple[int, int], Nuclide]:
    """Read DRAGON2's ``isotope_list.dat`` (Evoli et al. 2018).  Bare-nucleus decay modes:
    STABLE, BB and EC -> stable; B- / ECB- -> beta-; B+ / ECB+ -> beta+ (bare half-life, column
    4).  Raises NuclideError on a malformed file."""
    if not os.path.isfile(path):
        raise NuclideError(f"isotope list not found: {path}")
    out = {}
    with open(path) as fh:
        lines = fh.read().splitlines()
    for n, line in enumerate(lines[1:], start=2):
        tok = line.split()
        if not tok:
            continue
        try:
            A, Z, t_bare, mode = int(tok[0]), int(tok[1]), float(tok[3]), tok[4].upper()
        except (ValueError, IndexError):
            raise NuclideError(f"{path}:{n}: cannot read 'A Z T1/2 T1/2_bare MODE'") from None
        if mode in ("STABLE", "BB", "EC") or t_bare < 0:
            out[(Z, A)] = Nuclide(Z, A)
        elif mode in ("B-", "ECB-"):
            out[(Z, A)] = Nuclide(Z, A, t_bare / YR, "b-")
        elif mode in ("B+", "ECB+"):
            out[(Z, A)] = Nuclide(Z, A, t_bare / YR, "b+")
        else:
            raise NuclideError(f"{path}:{n}: unknown decay mode {mode!r}")
    return out


# -------------------------------------------------------------------------------------------
# Folding and the propagated species
# -------------------------------------------------------------------------------------------

class NuclideTable:
    """Nuclear data plus the folding rule for a network between ``z_min`` and ``z_max``."""

    def __init__(self, nuclides: dict[tuple[int, int], Nuclide], z_min: int = 1,
                 z_max: int = 28, t_fold_yr: float = T_FOLD_YR):
        if not 1 <= z_min <= z_max:
            raise NuclideError(f"need 1 <= z_min <= z_max, got {z_min}, {z_max}")
        self.nuclides = dict(nuclides)
        self.z_min, self.z_max, self.t_fold_yr = z_min, z_max, t_fold_yr
        self.species = sorted(
            (k for k, n in self.nuclides.items()
             if z_min <= k[0] <= z_max and n.half_life_yr >= t_fold_yr),
            key=lambda k: (-k[1], -k[0]))
        self._set = set(self.species)

    def is_propagated(self, Z: int, A: int) -> bool:
        return (Z, A) in self._set

    def final(self, Z: int, A: int) -> tuple[int, int] | None:
        """The propagated nucleus a produced (Z, A) ends up as, or None (leaves the network:
        e.g. decays to Z > z_max or to unbound 8Be)."""
        seen = 0
        while (Z, A) not in self._set:
            seen += 1
            if seen > 64 or Z < 1:
                return None
            nuc = self.nuclides.get((Z, A))
            if nuc is not None and nuc.daughter is not None:
                Z, A = nuc.daughter
                continue
            if nuc is not None:  # known, stable, but outside [z_min, z_max]
                return None
            Z = self._ghost_step(Z, A)
            if Z is None:
                return None
        return (Z, A)

    def _ghost_step(self, Z: int, A: int) -> int | None:
        """Charge after one beta decay of an unknown nucleus: towards the nearest known
        isobar (beta- if the known isobars lie above in Z, beta+ if below)."""
        isobars = [z for (z, a) in self.nuclides if a == A]
        if not isobars:
            return None
        nearest = min(isobars, key=lambda z: (abs(z - Z), z))
        return Z + 1 if nearest > Z else Z - 1

    def decay(self, Z: int, A: int) -> tuple[float, tuple[int, int] | None]:
        """(bare half-life [yr], final propagated daughter) of a propagated species."""
        nuc = self.nuclides[(Z, A)]
        if nuc.daughter is None:
            return np.inf, None
        return nuc.half_life_yr, self.final(*nuc.daughter)


def network_order(species: list[tuple[int, int]],
                  feeds: dict[tuple[int, int], set[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Species ordered so that every parent precedes all it feeds (Kahn's topological sort,
    ties broken by heavier A, then higher Z, first).  ``feeds[p]`` = species p produces.
    Raises NuclideError naming a cycle."""
    import heapq

    indeg = {s: 0 for s in species}
    for p, ds in feeds.items():
        for d in ds:
            if d != p and d in indeg and p in indeg:
                indeg[d] += 1
    heap = [(-s[1], -s[0], s) for s in species if indeg[s] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, _, s = heapq.heappop(heap)
        order.append(s)
        for d in sorted(feeds.get(s, ())):
            if d != s and d in indeg:
                indeg[d] -= 1
                if indeg[d] == 0:
                    heapq.heappush(heap, (-d[1], -d[0], d))
    if len(order) != len(species):
        stuck = sorted((s for s in species if s not in set(order)), key=lambda k: (-k[1], -k[0]))
        raise NuclideError("the network has a cycle (a nucleus feeds one of its own parents): "
                           + ", ".join(species_name(*s) for s in stuck[:8]))
    return order


def order_species(table: NuclideTable, production) -> list[tuple[int, int]]:
    """The propagated species of ``table`` in network order; ``production(parent)`` returns the
    species a parent produces (a mapping or set); decays are added from the table."""
    feeds = {}
    for s in table.species:
        ds = set(production(s))
        _, d = table.decay(*s)
        if d is not None:
            ds.add(d)
        feeds[s] = ds
    return network_order(table.species, feeds)
