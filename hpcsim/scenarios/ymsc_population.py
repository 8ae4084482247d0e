"""Scenario of seed 000 Sec. 2: synthetic YMSC populations, one task per (realisation, sector).

A task draws the clusters of one Galactic sector of one realisation, their massive stars, the
collective winds and the wind-blown bubbles, in the ambient density of the Galactic gas model.
Its RNG is ``default_rng(SeedSequence(seed, spawn_key=(realisation, sector)))``.
The reduction concatenates sector catalogues in sector order for every realisation and builds
summary histograms: it reads tasks in task-id order, so results do not depend on the rank count.
"""

from __future__ import annotations

import numpy as np

from ..clusters.bubble import bubble_structure
from ..clusters.collective_wind import WindParams, draw_massive_stars, wind_speed
from ..clusters.population import (PopulationParams, SpatialSampler, mean_number_of_clusters,
                                   sample_sector_clusters, sector_weights)
from ..config import Config
from ..constants import KM, M_PROTON, MSUN_PER_YR, MYR, PC
from ..galaxy.gas import n_hydrogen
from ..kernels.stellar_winds import collective_wind
from ..stars.table import StarTable, load_star_table

# catalogue fields: name -> unit (as stored in the task files and results.h5)
CATALOGUE_UNITS = {
    "mass": "Msun", "age": "Myr", "x": "kpc", "y": "kpc", "z": "kpc", "r_gc": "kpc",
    "arm": "1 (Hou & Han 2014 arm index, -1: none)", "distance": "kpc", "l": "deg", "b": "deg",
    "n_H": "cm^-3", "n_massive": "1 (stars >= 8 Msun formed)", "n_ms": "1", "n_wr": "1",
    "n_sn": "1", "L_w": "erg s^-1", "Mdot": "Msun yr^-1", "v_w": "km s^-1", "L_tot": "erg s^-1",
    "R_ts": "pc", "R_cd": "pc", "R_fs": "pc", "P_b": "dyn cm^-2", "sector": "1",
}

# summary histograms: name -> (catalogue field, bin edges, unit)
HISTOGRAMS = {
    "mass": ("mass", np.geomspace(1e3, 6.4e4, 25), "Msun"),
    "age": ("age", np.linspace(0.0, 30.0, 31), "Myr"),
    "distance": ("distance", np.linspace(0.0, 25.0, 26), "kpc"),
    "R_fs": ("R_fs", np.geomspace(1.0, 1000.0, 31), "pc"),
    "L_w": ("L_w", np.geomspace(1e33, 1e40, 29), "erg s^-1"),
}


def population_params(cfg: Config) -> PopulationParams:
    p = cfg.population
    return PopulationParams(mass_min=p.mass_min, mass_max=p.mass_max, cmf_mass_lo=p.cmf_mass_lo,
                            cmf_slope=p.cmf_slope, age_max=p.age_max,
                            sfr_surface_density=p.sfr_surface_density, r_gc_min=p.r_gc_min,
                            r_gc_max=p.r_gc_max, arm_sigma=p.arm_sigma, z_sigma=p.z_sigma,
                            n_mean_override=p.n_mean_override)


def wind_params(cfg: Config) -> WindParams:
    s = cfg.stars
    return WindParams(imf_m_min=s.imf_m_min, imf_m_max=s.imf_m_max, wr_mass_min=s.wr_mass_min,
                      wr_duration=s.wr_duration, wr_vinf=s.wr_vinf, wr_Y=s.wr_Y, wr_Z=s.wr_Z)


def run_collective_wind(u, offsets, age_myr, table: StarTable, wp: WindParams):
    """Cython kernel call: per-cluster wind sums and per-star explosion ages."""
    n, ns = len(offsets) - 1, len(u)
    out = {"L_w": np.zeros(n), "Mdot": np.zeros(n), "n_sn": np.zeros(n, np.int64),
           "n_ms": np.zeros(n, np.int64), "n_wr": np.zeros(n, np.int64),
           "m_star": np.zeros(ns), "t_sn": np.zeros(ns)}
    collective_wind(np.ascontiguousarray(u), offsets.astype(np.int64),
                    np.ascontiguousarray(age_myr, dtype=float), table.log_m, table.t_tams,
                    table.log_l, table.log_teff, table.log_r, table.mass, table.log_l_tams,
                    8.0, wp.imf_m_max, 2.3, wp.wr_mass_min, wp.wr_duration, wp.wr_vinf * KM,
                    wp.wr_Y, wp.wr_Z, **out)
    return out


class PopulationScenario:
    """Tasks = realisation x sector; each returns the sector's cluster catalogue."""

    name = "ymsc_population"

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.pp = population_params(cfg)
        self.wp = wind_params(cfg)
        self.table = load_star_table()
        self.sampler = SpatialSampler(self.pp)
        self.n_sectors = cfg.run.n_sectors
        self.n_mean = mean_number_of_clusters(self.pp)
        self.weights = sector_weights(self.sampler, self.n_sectors, cfg.run.seed)

    @property
    def n_tasks(self) -> int:
        return self.cfg.run.n_realisations * self.n_sectors

    def task_rng(self, tid: int) -> np.random.Generator:
        r, s = divmod(tid, self.n_sectors)
        return np.random.default_rng(np.random.SeedSequence(self.cfg.run.seed, spawn_key=(r, s)))

    def ambient_density(self, x, y, z, galaxy=None):
        g = self.cfg.galaxy if galaxy is None else galaxy
        if g.gas_model == "constant":
            return np.full(np.shape(x), g.n_constant)
        return np.maximum(n_hydrogen(x, y, z), g.n_floor)

    def draw(self, tid: int, rng: np.random.Generator, pp: PopulationParams | None = None,
             n_mean: float | None = None, sampler: SpatialSampler | None = None) -> dict:
        """The random draws of one task (clusters of the sector, their massive stars) and the
        stellar winds: everything that does not depend on the ambient gas or the bubble.
        ``pp``/``n_mean``/``sampler`` default to this scenario's (variants pass their own)."""
        r, s = divmod(tid, self.n_sectors)
        pp = self.pp if pp is None else pp
        n_mean = self.n_mean if n_mean is None else n_mean
        c = sample_sector_clusters(pp, self.sampler if sampler is None else sampler,
                                   n_mean * self.weights[s], s, self.n_sectors, rng)
        offsets, u = draw_massive_stars(c["mass"], rng, self.wp)
        w = run_collective_wind(u, offsets, c["age"], self.table, self.wp)
        return {"c": c, "offsets": offsets, "u": u, "w": w, "sector": s}

    def environment(self, d: dict, cfg: Config | None = None):
        """Catalogue (CGS quantities kept in ``internal``) of drawn clusters in the ambient gas
        of the Galactic gas model, with their bubbles (``cfg``: [galaxy] and [bubble] sections;
        default this scenario's)."""
        cfg = self.cfg if cfg is None else cfg
        c, offsets, w, s = d["c"], d["offsets"], d["w"], d["sector"]
        n_h = self.ambient_density(c["x"], c["y"], c["z"], cfg.galaxy)
        rho0 = cfg.bubble.mu * M_PROTON * n_h
        v_w = wind_speed(w["L_w"], w["Mdot"])
        age_s = c["age"] * MYR
        bub = bubble_structure(w["L_w"], w["Mdot"], v_w, w["n_sn"], age_s, rho0,
                               eta_m=cfg.bubble.eta_m, e_sn=cfg.bubble.e_sn,
                               rcd_over_rfs=cfg.bubble.rcd_over_rfs)
        cat = {
            "mass": c["mass"], "age": c["age"], "x": c["x"], "y": c["y"], "z": c["z"],
            "r_gc": c["r_gc"], "arm": c["arm"], "distance": c["distance"],
            "l": np.degrees(c["l"]), "b": np.degrees(c["b"]), "n_H": n_h,
            "n_massive": np.diff(offsets), "n_ms": w["n_ms"], "n_wr": w["n_wr"],
            "n_sn": w["n_sn"], "L_w": w["L_w"], "Mdot": w["Mdot"] / MSUN_PER_YR,
            "v_w": v_w / KM, "L_tot": bub["L_tot"], "R_ts": bub["R_ts"] / PC,
            "R_cd": bub["R_cd"] / PC, "R_fs": bub["R_fs"] / PC, "P_b": bub["P_b"],
            "sector": np.full(c["mass"].size, s, dtype=np.int64),
        }
        internal = {"Mdot": w["Mdot"], "v_w": v_w, "age_s": age_s, "rho0": rho0,
                    "R_ts": bub["R_ts"], "R_cd": bub["R_cd"], "R_fs": bub["R_fs"],
                    "L_tot": bub["L_tot"], "offsets": offsets, "t_sn": w["t_sn"],
                    "m_star": w["m_star"]}
        return cat, internal

    def clusters(self, tid: int, rng: np.random.Generator):
        """Catalogue of one task (CGS quantities kept in ``internal``) and per-star arrays."""
        return self.environment(self.draw(tid, rng))

    def compute(self, tid: int) -> dict[str, np.ndarray]:
        cat, _ = self.clusters(tid, self.task_rng(tid))
        return {f"clusters/{k}": v for k, v in cat.items()}

    # -- reduction (task-id order) ---------------------------------------------------------
    def population_row(self, parts: list[dict]) -> dict[str, np.ndarray]:
        """One realisation's catalogue (its sector tasks ``parts`` in order) and histograms."""
        cat = {k: np.concatenate([p[f"clusters/{k}"] for p in parts]) for k in CATALOGUE_UNITS}
        hist = {name: np.histogram(cat[field], bins=edges)[0]
                for name, (field, edges, _) in HISTOGRAMS.items()}
        return {"cat": cat, "hist": hist}

    def population_outputs(self, rows: dict[int, dict]) -> tuple[dict, dict]:
        """Datasets and units of the population stage from every realisation's row."""
        out, units = {}, {}
        n_real = self.cfg.run.n_realisations
        hists = {name: np.zeros((n_real, len(edges) - 1), dtype=np.int64)
                 for name, (_, edges, _) in HISTOGRAMS.items()}
        n_clusters = np.zeros(n_real, dtype=np.int64)
        for r in range(n_real):
            cat = rows[r]["cat"]
            base = f"population/realisation_{r:05d}"
            for k, v in cat.items():
                out[f"{base}/{k}"] = v
                units[f"{base}/{k}"] = CATALOGUE_UNITS[k]
            n_clusters[r] = cat["mass"].size
            for name in HISTOGRAMS:
                hists[name][r] = rows[r]["hist"][name]
        for name, (field, edges, unit) in HISTOGRAMS.items():
            out[f"population/histograms/{name}/edges"] = edges
            units[f"population/histograms/{name}/edges"] = unit
            out[f"population/histograms/{name}/counts"] = hists[name]
            units[f"population/histograms/{name}/counts"] = "1 (per realisation x bin)"
        out["population/n_clusters"] = n_clusters
        units["population/n_clusters"] = "1"
        out["population/n_mean_expected"] = np.array(self.n_mean)
        units["population/n_mean_expected"] = "1 (formation-rate integral)"
        out["population/sector_weights"] = self.weights
        units["population/sector_weights"] = "1"
        return out, units

    def reduce(self, read_task, cache_dir=None, quiet=True) -> tuple[dict, dict]:
        """Gather catalogues per realisation; returns (datasets, units)."""
        rows = {r: self.population_row([read_task(r * self.n_sectors + s)
                                        for s in range(self.n_sectors)])
                for r in range(self.cfg.run.n_realisations)}
        return self.population_outputs(rows)

    def summary(self, out: dict) -> str:
        n = out["population/n_clusters"]
        return (f"clusters per realisation: mean {n.mean():.1f} (expected {self.n_mean:.1f} "
                f"from the formation-rate integral), min {n.min()}, max {n.max()}")
