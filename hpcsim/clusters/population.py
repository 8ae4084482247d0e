"""Synthetic Galactic population of young massive star clusters (seed 000 Sec. 2).

Cluster formation rate xi(M, t, R) = psi(t) f(M) rho(R) (Menchiari et al. 2025, A&A 695, A175):
* psi: constant over the last ``age_max``; its value is the local (solar-neighbourhood) cluster
  formation rate in mass, Sigma_SFR = 790 Msun Myr^-1 kpc^-2 (Bonatto & Bica 2011, MNRAS 415,
  2827, abstract: mean over clusters above 100 Msun).
* f(M) ~ M^-alpha, normalised so that int M f dM over [cmf_mass_lo, mass_max] is that mass
  rate; alpha = 2 by default (see README, Physics choices: the Piskunov et al. 2018 slope could
  not be retrieved).
* rho(R): the clusters follow the giant molecular clouds, whose surface density we take from the
  molecular-gas model of :mod:`hpcsim.galaxy.gas` (Ferriere 2001 Eq. 3), normalised to 1 at R0.

Mean number of clusters with mass_min < M < mass_max and age < age_max:
    N = age_max * Sigma_SFR * [int f dM / int M f dM] * int_{R_min}^{R_max} 2 pi R rho(R) dR.

Sampling per cluster: age uniform in [0, age_max]; mass from f(M) by inverse CDF; R from
2 pi R rho(R) by inverse CDF on a fine grid; azimuth on the Hou & Han (2014) arms
(:func:`hpcsim.galaxy.spiral_arms.place_on_arms`); isotropic Gaussian scatter sigma_arm in the
plane and Gaussian z of width sigma_z.

Galactic sectors.  A realisation is a Poisson point process in the Galaxy; sector s (azimuth
in [2 pi s/S, 2 pi (s+1)/S)) holds an independent Poisson number with mean N w_s, where w_s is
the sector's share of the spatial distribution, and its clusters are drawn from the spatial
distribution restricted to the sector (rejection).  The union over sectors is therefore a
realisation of the whole-Galaxy process for any S.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad

from ..galaxy.coordinates import galactocentric_to_galactic, polar_to_xy, xy_to_theta
from ..galaxy.gas import h2_surface_density_profile
from ..galaxy.spiral_arms import monotonic_pieces, place_on_arms
from ..stars.imf import powerlaw_inverse_cdf


@dataclass(frozen=True)
class PopulationParams:
    mass_min: float = 1.0e3  # Msun
    mass_max: float = 6.4e4  # Msun
    cmf_mass_lo: float = 100.0  # Msun, lower end of the mass budget of Sigma_SFR
    cmf_slope: float = 2.0
    age_max: float = 30.0  # Myr
    sfr_surface_density: float = 790.0  # Msun Myr^-1 kpc^-2
    r_gc_min: float = 3.0  # kpc
    r_gc_max: float = 15.0  # kpc
    r_sun: float = 8.3  # kpc
    arm_sigma: float = 0.3  # kpc
    z_sigma: float = 0.05  # kpc
    n_mean_override: float = 0.0  # if > 0, use this mean number instead of the integral


def radial_profile(R, p: PopulationParams):
    """rho(R)/rho(R0) of clusters (molecular-gas surface density, Ferriere 2001 Eq. 3)."""
    return h2_surface_density_profile(R) / h2_surface_density_profile(p.r_sun)


def effective_area(p: PopulationParams) -> float:
    """int 2 pi R rho(R)/rho(R0) dR over the cluster disc [kpc^2]."""
    return quad(lambda R: 2.0 * np.pi * R * radial_profile(R, p), p.r_gc_min, p.r_gc_max,
                limit=200)[0]


def number_fraction_per_mass(p: PopulationParams) -> float:
    """int_{mass_min}^{mass_max} f dM / int_{cmf_mass_lo}^{mass_max} M f dM [Msun^-1]."""
    a = p.cmf_slope

    def pint(lo, hi, k):  # int M^k dM
        return np.log(hi / lo) if abs(k + 1) < 1e-12 else (hi ** (k + 1) - lo ** (k + 1)) / (k + 1)

    return pint(p.mass_min, p.mass_max, -a) / pint(p.cmf_mass_lo, p.mass_max, 1.0 - a)


def mean_number_of_clusters(p: PopulationParams) -> float:
    """Expected number of clusters in the Galaxy (see module docstring)."""
    if p.n_mean_override > 0:
        return p.n_mean_override
    return p.age_max * p.sfr_surface_density * number_fraction_per_mass(p) * effective_area(p)


class SpatialSampler:
    """Draws Galactocentric positions from rho(R) on the spiral arms."""

    def __init__(self, p: PopulationParams, n_grid: int = 4096):
        self.p = p
        r = np.linspace(p.r_gc_min, p.r_gc_max, n_grid)
        pdf = 2.0 * np.pi * r * radial_profile(r, p)
        cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(r))])
        self.r_grid, self.cdf = r, cdf / cdf[-1]
        self.pieces = monotonic_pieces()

    def sample(self, n: int, rng: np.random.Generator):
        """n positions: dict of x, y, z [kpc], arm index."""
        R = np.interp(rng.random(n), self.cdf, self.r_grid)
        theta, arm = place_on_arms(R, rng, self.pieces)
        x, y = polar_to_xy(R, theta)
        x = x + self.p.arm_sigma * rng.standard_normal(n)
        y = y + self.p.arm_sigma * rng.standard_normal(n)
        z = self.p.z_sigma * rng.standard_normal(n)
        return {"x": x, "y": y, "z": z, "arm": arm}

    def sample_in_sector(self, n: int, sector: int, n_sectors: int, rng: np.random.Generator,
                         batch: int = 4096):
        """n positions restricted to Galactocentric azimuth sector ``sector`` (rejection)."""
        out = {k: [] for k in ("x", "y", "z", "arm")}
        have = 0
        while have < n:
            cand = self.sample(max(batch, 2 * n_sectors * (n - have)), rng)
            s = sector_of(cand["x"], cand["y"], n_sectors)
            keep = np.flatnonzero(s == sector)[: n - have]
            for k in out:
                out[k].append(cand[k][keep])
            have += keep.size
        return {k: np.concatenate(v) if v else np.zeros(0) for k, v in out.items()}


def sector_of(x, y, n_sectors: int):
    """Index of the Galactocentric azimuth sector of positions x, y [kpc]."""
    s = np.floor(xy_to_theta(x, y) * n_sectors / (2.0 * np.pi)).astype(np.int64)
    return np.minimum(s, n_sectors - 1)


def sector_weights(sampler: SpatialSampler, n_sectors: int, seed: int,
                   n_samples: int = 2_000_000) -> np.ndarray:
    """Share w_s of the spatial distribution in each sector (Monte Carlo, fixed seed).

    Deterministic for a given configuration; statistical error ~ (w/n_samples)^1/2 ~ 4e-4.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2 ** 32 - 1,)))
    pos = sampler.sample(n_samples, rng)
    counts = np.bincount(sector_of(pos["x"], pos["y"], n_sectors), minlength=n_sectors)
    return counts / counts.sum()


def sample_sector_clusters(p: PopulationParams, sampler: SpatialSampler, n_mean_sector: float,
                           sector: int, n_sectors: int, rng: np.random.Generator):
    """Clusters of one sector of one realisation: mass, age, position, d, l, b."""
    n = int(rng.poisson(n_mean_sector))
    mass = powerlaw_inverse_cdf(rng.random(n), p.mass_min, p.mass_max, p.cmf_slope)
    age = p.age_max * rng.random(n)
    pos = sampler.sample_in_sector(n, sector, n_sectors, rng)
    d, l, b = galactocentric_to_galactic(pos["x"], pos["y"], pos["z"], r0=p.r_sun)
    return {"mass": mass, "age": age, "x": pos["x"], "y": pos["y"], "z": pos["z"],
            "r_gc": np.hypot(pos["x"], pos["y"]), "arm": pos["arm"].astype(np.int64),
            "distance": d, "l": l, "b": b}
