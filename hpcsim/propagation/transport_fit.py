"""chi^2 of propagated secondary-to-primary ratios against measurements, with the force-field
potential profiled (seed 001 Sec. IV.1: the transport of Model B' of Ma et al. 2023 is fitted
here to B/C and B/O, since its parameters are not printed in the seed).

For one propagation (a :class:`~.observables.LocalFluxes`) and a list of datasets (ratio of
element sums vs rigidity or vs E_k/n), chi^2(phi) = sum_d sum_i ((model_i(phi) - y_i) / s_i)^2
with s = stat (+) sys; phi is profiled on a grid (modulation is a cheap post-processing step,
so every propagated parameter point is scored at its best phi).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .nuclides import ELEMENT_Z as ELEMENTS  # symbol -> Z (knee.py imports it from here)
from .observables import LocalFluxes



@dataclass(frozen=True)
class RatioData:
    """One measured ratio: ``num``/``den`` element lists, x in GV (``x_kind = "rigidity"``) or
    GeV/n (``"ekn"``)."""

    name: str
    num: tuple
    den: tuple
    x_kind: str
    x: np.ndarray
    y: np.ndarray
    sigma: np.ndarray

    def model(self, lf: LocalFluxes, phi: float) -> np.ndarray:
        if self.x_kind == "rigidity":
            return lf.ratio_rigidity(list(self.num), list(self.den), self.x, phi)
        r = lf.ratio_ekn(list(self.num), list(self.den), phi)
        return np.exp(np.interp(np.log(self.x), np.log(lf.e_kn), np.log(r)))


def ratio_from_measurement(name: str, m, x_min: float = 0.0) -> RatioData:
    """A :class:`RatioData` from an ``observations.cr_measurement`` of a ratio such as "B/C"."""
    a, b = m.quantity.split("/")
    keep = m.x >= x_min
    return RatioData(name, (ELEMENTS[a],), (ELEMENTS[b],), m.x_kind, m.x[keep], m.y[keep],
                     m.err()[keep])


def profile_phi(lf: LocalFluxes, data, phi_grid):
    """(chi^2 at the best phi, best phi, chi^2 per dataset there, chi^2 vs phi)."""
    table = np.array([[float(np.sum(((d.model(lf, phi) - d.y) / d.sigma) ** 2)) for d in data]
                      for phi in phi_grid])
    tot = table.sum(axis=1)
    k = int(np.argmin(tot))
    return float(tot[k]), float(phi_grid[k]), table[k], tot
