"""Scenario "propagation": Galactic propagation of CR nuclei in 2D (seed 001 Sec. IV).

Tasks: (parameter point) x (source class).  The points are the Cartesian product of the
``propagation.scan_*`` lists (one point without scans); the classes are the prefixes of the
``sources.spectra`` strings ('all' without prefixes).  The equation is linear in the source, so
each class is propagated alone and the classes are summed afterwards (seed 001 Fig. 8 splits
the spectra by class for free).  A task propagates the whole network (Z_max down to Z_min)
with :func:`hpcsim.propagation.network.propagate` and stores the densities on the plane, the
requested full (r, z, E) densities and the solver statistics.

Reduction, per point: the classes summed; one factor normalises every species on the proton
intensity ``norm_flux`` at ``norm_energy`` (LIS); fluxes of isotopes and elements at the Sun vs
E_k/n, rigidity and total energy, LIS and force-field modulated for every ``phi``; B/C, B/O,
10Be/9Be and p/He; each class's element fluxes vs rigidity with the same factor.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ..config import Config, SCAN_KEYS
from ..propagation.cross_sections import (BARPOL, EVOLI_TABLE, ISOTOPE_LIST, CrossSections,
                                          find_xsec_file, xsec_dir)
from ..propagation.gas import gas_maps
from ..propagation.grid import Grid
from ..propagation.network import SEC_PROTONS, Result, Setup, Transport, propagate, species_label
from ..propagation.nuclides import (NuclideTable, builtin_nuclides, load_isotope_list,
                                    parse_species)
from ..propagation.observables import SunFluxes
from ..propagation.solver import Ladder
from ..propagation.sources import parse_spectra, source_map
from ..propagation.sweeps import Sweeps

FLUX_EKN = "m^-2 s^-1 sr^-1 (GeV/n)^-1"
FLUX_R = "m^-2 s^-1 sr^-1 GV^-1"
FLUX_E = "m^-2 s^-1 sr^-1 GeV^-1"
ELEMENT_NAMES = {1: "H", 2: "He", 3: "Li", 4: "Be", 5: "B", 6: "C", 7: "N", 8: "O", 9: "F",
                 10: "Ne", 11: "Na", 12: "Mg", 13: "Al", 14: "Si", 15: "P", 16: "S", 17: "Cl",
                 18: "Ar", 19: "K", 20: "Ca", 21: "Sc", 22: "Ti", 23: "V", 24: "Cr", 25: "Mn",
                 26: "Fe", 27: "Co", 28: "Ni"}
HEADLINE_P = (10.0, 100.0, 1000.0)  # GeV/n
HEADLINE_BC = (1.0, 10.0, 100.0, 1000.0)  # GeV/n


def point_label(k: int) -> str:
    return f"point_{k:03d}"


class PropagationScenario:
    name = "propagation"

    def __init__(self, cfg: Config, compositions: dict | None = None,
                 points: list | None = None):
        """``compositions`` ({class: SourceComposition}) and ``points`` (list of parameter
        dicts) replace the configuration's spectra strings and scan lists (for scenarios that
        build their sources in code, e.g. the seed-001 source classes)."""
        self.cfg = cfg
        pc = cfg.propagation
        self.points = points if points is not None else pc.scan_points()
        self.compositions = (compositions if compositions is not None
                             else parse_spectra(cfg.sources.spectra))
        self.classes = sorted(self.compositions)
        self.quiet = False
        # fail early (every rank, before any task or file) on missing data
        self._nuclides = self._nuclide_table()
        d = xsec_dir(pc.xsec_dir or None)
        if pc.partial == "evoli2019":
            find_xsec_file(d, EVOLI_TABLE)
        if pc.inelastic == "barashenkov_polanski":
            find_xsec_file(d, BARPOL)
        self._setups: dict = {}

    @property
    def n_tasks(self) -> int:
        return len(self.points) * len(self.classes)

    def task(self, tid: int) -> tuple[int, str]:
        return tid // len(self.classes), self.classes[tid % len(self.classes)]

    # -- building blocks -----------------------------------------------------------------------
    def _nuclide_table(self) -> NuclideTable:
        pc = self.cfg.propagation
        if pc.nuclear_data == "isotope_list":
            nuc = load_isotope_list(find_xsec_file(xsec_dir(pc.xsec_dir or None), ISOTOPE_LIST))
        else:
            nuc = builtin_nuclides()
        return NuclideTable(nuc, pc.z_min, pc.z_max, pc.t_fold)

    def grid(self, point: dict) -> Grid:
        pc = self.cfg.propagation
        L = point.get("halo_height", pc.halo_height)
        return Grid.log_energy(pc.r_max, pc.n_r, L, pc.n_z, pc.e_min, pc.e_max, pc.e_factor)

    def transport(self, point: dict) -> Transport:
        pc = self.cfg.propagation
        v = {k: point.get(k, getattr(pc, k)) for k in SCAN_KEYS if k != "halo_height"}
        dh = v["delta_h"]
        return Transport(D0=v["D0"], R0=pc.R0, delta=v["delta"], eta=v["eta"],
                         R_h=v["R_h"] if v["R_h"] < 1e29 else np.inf,
                         delta_h=None if dh < 0 else dh, v_alfven=v["v_alfven"],
                         v_conv0=v["v_conv0"], dv_conv_dz=v["dv_conv_dz"])

    def setup(self, point: dict, cls: str) -> Setup:
        """The Setup of a (point, class): cached per grid within this process."""
        pc = self.cfg.propagation
        g = self.grid(point)
        key = g.L
        if key not in self._setups:
            gas = gas_maps(g, pc.gas_model, x_co=pc.x_co, n_disc=pc.disc_density,
                           h_disc=pc.disc_half_thickness)
            smap = source_map(g, pc.source_model, r_sun=pc.source_r_sun, a=pc.snr_a,
                              b=pc.snr_b, z_s=pc.snr_zs, h_disc=pc.disc_half_thickness)
            xs = CrossSections(self._nuclides, inelastic=pc.inelastic, partial=pc.partial,
                               missing=pc.missing_channels, directory=pc.xsec_dir or None,
                               f_he=pc.f_he)
            self._setups = {key: Setup(g, gas, smap, None, xs, self._nuclides,
                                       pc.secondary_protons)}
        base = self._setups[key]
        return Setup(base.grid, base.gas, base.source_map, self.compositions[cls], base.xsec,
                     base.nuclides, base.secondary_protons, base._production)

    def ladder(self) -> Ladder:
        pc = self.cfg.propagation
        return Ladder(factor=pc.ladder_factor, max_steps_per_level=pc.max_steps_per_level,
                      tol=pc.tol, max_passes=pc.max_passes, theta=pc.theta)

    def schedule(self, pending):
        return list(pending)

    # -- task --------------------------------------------------------------------------------
    def compute(self, tid: int) -> dict[str, np.ndarray]:
        k, cls = self.task(tid)
        point = self.points[k]
        setup = self.setup(point, cls)
        pc = self.cfg.propagation
        t0 = time.time()

        def progress(label, i, n, info, dt):
            if not self.quiet:
                sys.stderr.write(f"[hpcsim]   task {tid} ({point_label(k)}, {cls}): {label:7s} "
                                 f"{i}/{n}  {info.steps} steps  {dt:.2f} s\n")
                sys.stderr.flush()

        res = propagate(setup, self.transport(point), self.ladder(),
                        Sweeps(kernel=True, threads=pc.threads), keep_full=set(pc.keep_full),
                        progress=progress)
        out = {"species_Z": np.array([1 if s == SEC_PROTONS else s[0] for s in res.species]),
               "species_A": np.array([s[1] for s in res.species]),
               "steps": np.array([res.info[s].steps for s in res.species]),
               "passes": np.array([res.info[s].passes for s in res.species]),
               "final_change": np.array([res.info[s].final_change for s in res.species]),
               "converged": np.array([res.info[s].converged for s in res.species]),
               "wall": np.array(time.time() - t0)}
        for s in res.species:
            out[f"plane/{species_label(s)}"] = res.plane[s]
        for s, N in res.full.items():
            out[f"full/{species_label(s)}"] = N
        return out

    # -- reduction ---------------------------------------------------------------------------
    def _result(self, g: Grid, d: dict) -> Result:
        species = [(int(z), int(a)) for z, a in zip(d["species_Z"], d["species_A"])]
        plane = {s: d[f"plane/{species_label(s)}"] for s in species}
        return Result(g, species, plane, {}, {})

    def reduce(self, read_task, cache_dir=None, quiet=True):
        pc = self.cfg.propagation
        out, units = {}, {}

        def put(name, arr, unit):
            out[name] = np.asarray(arr)
            units[name] = unit

        n_cls = len(self.classes)
        for key in SCAN_KEYS:
            put(f"propagation/scan/{key}",
                [p.get(key, getattr(pc, key)) for p in self.points], _SCAN_UNITS[key])
        put("propagation/classes", np.array(self.classes, dtype="S"), "source class names")
        self.headline = []
        for k, point in enumerate(self.points):
            g = self.grid(point)
            base = f"propagation/{point_label(k)}"
            tasks = [read_task(k * n_cls + c) for c in range(n_cls)]
            summed = dict(tasks[0])
            for t in tasks[1:]:
                for name in summed:
                    if name.startswith(("plane/", "full/")):
                        summed[name] = summed[name] + t[name]
            total = SunFluxes(self._result(g, summed), pc.observer_r,
                              (pc.norm_energy, pc.norm_flux, pc.norm_species))
            self._store_point(put, base, g, total, summed)
            for c, t in enumerate(tasks):  # each class with the common factor
                part = SunFluxes(self._result(g, t), pc.observer_r,
                                 (pc.norm_energy, pc.norm_flux, pc.norm_species))
                part.factor = total.factor
                R = self.rigidity_grid(g)
                for phi in pc.phi:
                    put(f"{base}/classes/{self.classes[c]}/element_flux_rigidity_phi_{phi:g}",
                        np.array([part.element_rigidity(z, R, phi) for z in self._elements(part)]),
                        f"{FLUX_R} [element x rigidity]")
                put(f"{base}/classes/{self.classes[c]}/steps", t["steps"], "solver steps per species")
            self.headline.append(self._headline(total, g))
            put(f"{base}/headline/p_flux", self.headline[-1]["p"],
                f"{FLUX_EKN} at E_k/n = {HEADLINE_P} GeV/n (LIS, H1 + H1_sec)")
            put(f"{base}/headline/he_flux", self.headline[-1]["he"],
                f"{FLUX_EKN} at E_k/n = {HEADLINE_P} GeV/n (LIS, He3 + He4)")
            put(f"{base}/headline/b_over_c", self.headline[-1]["bc"],
                f"1 at E_k/n = {HEADLINE_BC} GeV/n (LIS)")
        return out, units

    def _elements(self, sf: SunFluxes):
        return sorted({1 if s == SEC_PROTONS else s[0] for s in sf.species})

    def rigidity_grid(self, g: Grid) -> np.ndarray:
        kin = g.kinematics(1, 1)
        return kin.rigidity

    def _store_point(self, put, base, g, sf: SunFluxes, summed):
        pc = self.cfg.propagation
        labels = sf.labels()
        put(f"{base}/energy_kn", g.e_kn, "GeV/n")
        R = self.rigidity_grid(g)
        put(f"{base}/rigidity", R, "GV")
        e_tot = np.geomspace(1.0, (pc.e_max + g.m_n) * 2.0 * pc.z_max, 241)
        put(f"{base}/total_energy", e_tot, "GeV (per particle)")
        put(f"{base}/isotopes", np.array(labels, dtype="S"), "species (rows); H1_sec = "
            "secondary protons")
        put(f"{base}/normalisation", np.array(sf.factor), "flux units per code unit")
        zs = self._elements(sf)
        put(f"{base}/elements", np.array(zs), "Z (rows)")
        for phi in pc.phi:
            tag = f"phi_{phi:g}"
            put(f"{base}/isotope_flux_ekn_{tag}", np.array([sf.isotope(s, phi) for s in sf.species]),
                f"{FLUX_EKN} [isotope x E_k/n]; force field phi = {phi:g} GV")
            put(f"{base}/element_flux_ekn_{tag}", np.array([sf.element_ekn(z, phi) for z in zs]),
                f"{FLUX_EKN} [element x E_k/n]")
            put(f"{base}/element_flux_rigidity_{tag}",
                np.array([sf.element_rigidity(z, R, phi) for z in zs]), f"{FLUX_R} [element x R]")
            put(f"{base}/element_flux_etot_{tag}",
                np.array([sf.element_total_energy(z, e_tot, phi) for z in zs]),
                f"{FLUX_E} [element x total energy per particle]")
            for name, num, den in (("B_C", [5], [6]), ("B_O", [5], [8]), ("C_O", [6], [8])):
                if all(z in zs for z in num + den):
                    put(f"{base}/ratios/{name}_ekn_{tag}", sf.ratio_ekn(num, den, phi),
                        "1 vs energy_kn")
                    put(f"{base}/ratios/{name}_rigidity_{tag}",
                        sf.ratio_rigidity(num, den, R, phi), "1 vs rigidity")
            if (1, 1) in sf.species and 2 in zs:
                put(f"{base}/ratios/p_He_rigidity_{tag}", sf.ratio_rigidity([1], [2], R, phi),
                    "1 vs rigidity")
            if (4, 10) in sf.species and (4, 9) in sf.species:
                put(f"{base}/ratios/Be10_Be9_ekn_{tag}",
                    sf.isotope_ratio_ekn((4, 10), (4, 9), phi), "1 vs energy_kn")
        put(f"{base}/solver/steps", summed["steps"], "steps per species (first class)")
        put(f"{base}/solver/converged", summed["converged"].astype(np.int8), "1 = converged")
        put(f"{base}/solver/final_change", summed["final_change"], "relative change, last step")
        for name in summed:
            if name.startswith("full/"):
                put(f"{base}/{name}", summed[name] * sf.factor,
                    "dn/dlnp [code units x normalisation] on (r, z, E_k/n)")
        if any(n.startswith("full/") for n in summed):
            put(f"{base}/full_r", g.r, "kpc")
            put(f"{base}/full_z", g.z, "kpc")

    def _headline(self, sf: SunFluxes, g: Grid) -> dict:
        le = np.log(g.e_kn)

        def at(arr, e):
            return float(np.exp(np.interp(np.log(e), le, np.log(np.maximum(arr, 1e-300)))))
        bc = sf.ratio_ekn([5], [6]) if 5 in self._elements(sf) and 6 in self._elements(sf) \
            else np.full_like(g.e_kn, np.nan)
        return {"p": np.array([at(sf.element_ekn(1), e) for e in HEADLINE_P]),
                "he": np.array([at(sf.element_ekn(2), e) for e in HEADLINE_P])
                if 2 in self._elements(sf) else np.full(3, np.nan),
                "bc": np.array([float(np.interp(np.log(e), le, bc)) for e in HEADLINE_BC])}

    def summary(self, out: dict) -> str:
        lines = ["propagation: LIS at the Sun (p = H1 + H1_sec, He = He3 + He4; "
                 f"flux in {FLUX_EKN})"]
        for k, h in enumerate(self.headline):
            pt = ", ".join(f"{key}={val:g}" for key, val in self.points[k].items()) or "base"
            lines.append(f"  {point_label(k)} ({pt}):")
            lines.append("    p  at 10/100/1000 GeV/n: " + " ".join(f"{x:.4g}" for x in h["p"]))
            lines.append("    He at 10/100/1000 GeV/n: " + " ".join(f"{x:.4g}" for x in h["he"]))
            lines.append("    B/C at 1/10/100/1000 GeV/n: " + " ".join(f"{x:.4g}" for x in h["bc"]))
        return "\n".join(lines)


_SCAN_UNITS = {"D0": "cm^2 s^-1", "delta": "1", "eta": "1", "R_h": "GV", "delta_h": "1",
               "v_alfven": "km s^-1", "halo_height": "kpc", "v_conv0": "km s^-1",
               "dv_conv_dz": "km s^-1 kpc^-1"}

__all__ = ["PropagationScenario", "parse_species"]
