"""Scenario "cocoons" (seed 002: cosmic-ray cocoons around sources; COCOONS.md).

Tasks:
* one per chi_c0 of ``cocoons.chi_grid``: the weighted-slab B/C (Evoli et al. 2019) fitted to
  AMS-02 B/C with free D0, delta, v_A, phi and fixed H and break
  (:class:`hpcsim.propagation.slab_fit.BCFit`); stores the best parameters, chi^2 and the
  total / Galactic / cocoon B/C curves;
* ``n_map_chunks`` pixel ranges of the sky factor S = int ds rho (Eq. 8), pixel averages of
  the HEALPix map at [sky] NSIDE;
* [sky]-style chunks of the gas column N_H for the CR-sea emission (as seed 000).

Reduction: the chi^2 profile, best chi_c0 and its Delta chi^2 = 1 and 4 intervals; the cocoon
gamma-ray and neutrino production per supernova (Eq. 7) for every grammage model at
``emission_chi_c0``; intensities in the LHAASO inner and outer regions (exact regions, by
quadrature of S; x inner_factor / outer_factor for the source masks) and the all-sky neutrino
flux per flavour; the CR-sea emission of the project (lower/upper bounds) in the same regions as
the Galactic diffuse band; totals; Eqs. 9 and 10.
"""

from __future__ import annotations

import sys

import numpy as np

from ..config import Config
from ..constants import M_PROTON_GEV
from ..galaxy.cocoons import (CocoonInjection, intensity, lifetime_bound_yr, parse_grammage_model,
                              production_per_sn, radius_bound_pc)
from ..galaxy.snr_distribution import (SNRDistribution, region_integral, sky_factor_pixels)
from ..interactions.matrices import log_grid, rate_matrices
from ..observations import cr_measurement
from ..propagation.cross_sections import (BARPOL, EVOLI_TABLE, ISOTOPE_LIST, CrossSections,
                                          find_xsec_file, xsec_dir)
from ..propagation.nuclides import NuclideTable, builtin_nuclides, load_isotope_list
from ..propagation.slab_fit import BCFit, FitBounds, group_compositions, profile_interval
from ..propagation.weighted_slab import Cocoon, SlabNetwork, SlabTransport, chi_cocoon
from ..sky import regions
from ..sky.line_of_sight import chunk_bounds, column_density_chunk, cr_sea_maps

GROUPS = ("C", "N", "O", "Ne", "Mg", "Si", "Fe")
REGIONS = ("lhaaso_inner", "lhaaso_outer")
SEA_MODELS = ("lower", "upper")
INTENSITY = "GeV^-1 cm^-2 s^-1 sr^-1"


class CocoonsScenario:
    name = "cocoons"

    def __init__(self, cfg: Config):
        self.cfg = cfg
        cc, pc = cfg.cocoons, cfg.propagation
        self.quiet = False
        self.chi = list(cc.chi_grid)
        self.n_fit = len(self.chi)
        self.n_map = cc.n_map_chunks
        self.n_gas = max(1, min(16, (12 * cfg.sky.nside ** 2) // 3072))
        self.models = [parse_grammage_model(t) for t in cc.grammage_models]
        self.dist = SNRDistribution(cc.snr_alpha, cc.snr_beta, cc.snr_z0, cc.r_sun,
                                    cc.disc_radius, cc.disc_half_height, cc.sn_rate)
        d = xsec_dir(pc.xsec_dir or None)  # fail early (before any file) on missing data
        if pc.partial == "evoli2019":
            find_xsec_file(d, EVOLI_TABLE)
        if pc.inelastic == "barashenkov_polanski":
            find_xsec_file(d, BARPOL)
        if pc.nuclear_data == "isotope_list":
            find_xsec_file(d, ISOTOPE_LIST)
        zs = {"C": 6, "N": 7, "O": 8, "Ne": 10, "Mg": 12, "Si": 14, "Fe": 26}
        self.groups = [g for g in GROUPS if cc.z_min <= zs[g] <= cc.z_max]
        self._fit = None

    @property
    def n_tasks(self) -> int:
        return self.n_fit + self.n_map + self.n_gas

    def schedule(self, pending):
        return sorted(pending)

    # -- building blocks -----------------------------------------------------------------------
    def bc_fit(self) -> BCFit:
        """The B/C fit (network, data, normalisation), built once per process."""
        if self._fit is None:
            cc, pc = self.cfg.cocoons, self.cfg.propagation
            nuc = (load_isotope_list(find_xsec_file(xsec_dir(pc.xsec_dir or None), ISOTOPE_LIST))
                   if pc.nuclear_data == "isotope_list" else builtin_nuclides())
            table = NuclideTable(nuc, cc.z_min, cc.z_max, pc.t_fold)
            xs = CrossSections(table, inelastic=pc.inelastic, partial=pc.partial,
                               missing=pc.missing_channels, directory=pc.xsec_dir or None,
                               f_he=pc.f_he)
            e = log_grid(cc.e_min, cc.e_max, cc.e_per_decade)
            groups = self.groups
            net = SlabNetwork(table, xs, group_compositions(groups, cc.injection_slope), e,
                              M_PROTON_GEV, pc.f_he)
            bc = cr_measurement("AMS-02", "B/C")
            norm = {}
            for g in groups:
                m = cr_measurement("AMS-02", g)
                norm[g] = float(np.exp(np.interp(np.log(cc.norm_rigidity), np.log(m.x),
                                                 np.log(m.y))))
            base = SlabTransport(H=cc.halo_height, mu=cc.disc_surface_density, R_b=cc.R_b,
                                 d_delta=cc.d_delta, s=cc.s_break)
            self._fit = BCFit(net, groups, (bc.x, bc.y, bc.err()), norm, cc.norm_rigidity, base,
                              Cocoon(0.0, cc.fit_R0, "exp"),
                              FitBounds(phi=(cc.phi_min, cc.phi_max)))
        return self._fit

    def start(self):
        cc = self.cfg.cocoons
        return (np.log10(cc.start_D0), cc.start_delta, cc.start_v_alfven, cc.start_phi)

    @staticmethod
    def curve_grids():
        return np.geomspace(1.0, 1.0e4, 121), np.geomspace(0.3, 5.0e3, 121)  # GV, GeV/n

    # -- tasks ---------------------------------------------------------------------------------
    def compute(self, tid: int) -> dict[str, np.ndarray]:
        cfg, cc = self.cfg, self.cfg.cocoons
        if tid < self.n_fit:
            fit = self.bc_fit()
            chi = self.chi[tid]
            theta, chi2, res = fit.fit(chi, self.start())
            R, E = self.curve_grids()
            cur = fit.curves(theta, chi, R)
            cur_e = fit.curves(theta, chi, e_kn=E)
            cur_data = fit.curves(theta, chi)
            if not self.quiet:
                sys.stderr.write(f"[hpcsim]   chi_c0 = {chi:g} g/cm^2: chi^2 = {chi2:.2f} "
                                 f"({res.nfev} evaluations)\n")
            return {"fit/theta": np.asarray(theta), "fit/chi2": np.array(chi2),
                    "fit/nfev": np.array(res.nfev), "fit/status": np.array(res.status),
                    "fit/weights": cur["weights"], "fit/bc_total": cur["total"],
                    "fit/bc_galactic": cur["galactic"], "fit/bc_cocoon": cur["cocoon"],
                    "fit/bc_ekn_total": cur_e["total"], "fit/bc_ekn_galactic": cur_e["galactic"],
                    "fit/bc_ekn_cocoon": cur_e["cocoon"],
                    "fit/bc_at_data": cur_data["total"]}
        if tid < self.n_fit + self.n_map:
            k = tid - self.n_fit
            lo, hi = chunk_bounds(12 * cfg.sky.nside ** 2, self.n_map, k)
            return {"map/S": sky_factor_pixels(self.dist, cfg.sky.nside, np.arange(lo, hi),
                                               cc.map_supersample, cc.map_los_steps)}
        k = tid - self.n_fit - self.n_map
        return {"sea/N_H": column_density_chunk(cfg.sky.nside, self.n_gas, k,
                                                s_max_kpc=cfg.sky.los_s_max,
                                                n_steps=cfg.sky.los_n_steps)}

    # -- reduction ------------------------------------------------------------------------------
    def injections(self):
        cc = self.cfg.cocoons
        return [CocoonInjection(1, 1, cc.eps_p, cc.gamma_p, cc.p_max, cc.e_sn),
                CocoonInjection(2, 4, cc.eps_he, cc.gamma_he, cc.p_max, cc.e_sn)]

    def reduce(self, read_task, cache_dir=None, quiet=True):
        cfg, cc = self.cfg, self.cfg.cocoons
        out, units = {}, {}

        def put(name, arr, unit):
            out[name] = np.asarray(arr)
            units[name] = unit

        # -- the chi_c0 profile ---------------------------------------------------------------
        fits = [read_task(t) for t in range(self.n_fit)]
        chi2 = np.array([float(f["fit/chi2"]) for f in fits])
        theta = np.array([f["fit/theta"] for f in fits])
        put("cocoons/fit/chi_c0", self.chi, "g cm^-2")
        put("cocoons/fit/chi2", chi2, "1 (AMS-02 B/C, stat and sys in quadrature)")
        put("cocoons/fit/n_data", np.array(fits[0]["fit/bc_at_data"].size), "1")
        put("cocoons/fit/D0", 10.0 ** theta[:, 0], "cm^2 s^-1 at 1 GV")
        put("cocoons/fit/delta", theta[:, 1], "1")
        put("cocoons/fit/v_alfven", theta[:, 2], "km s^-1")
        put("cocoons/fit/phi", theta[:, 3], "GV")
        put("cocoons/fit/weights", np.array([f["fit/weights"] for f in fits]),
            f"1 (primary-group weights {', '.join(self.groups)})")
        best1 = profile_interval(self.chi, chi2, 1.0)
        best4 = profile_interval(self.chi, chi2, 4.0)
        put("cocoons/fit/best_chi_c0", np.array(best1[0]), "g cm^-2 (parabola at the minimum)")
        put("cocoons/fit/interval_1", np.array(best1[1:]), "g cm^-2 (Delta chi^2 = 1)")
        put("cocoons/fit/interval_4", np.array(best4[1:]), "g cm^-2 (Delta chi^2 = 4)")
        i_best = int(np.argmin(chi2))
        R, E = self.curve_grids()
        put("cocoons/bc/rigidity", R, "GV")
        put("cocoons/bc/energy_kn", E, "GeV/n")
        for name, i in (("best", i_best), ("seed", int(np.argmin(np.abs(np.array(self.chi)
                                                                         - 0.4))))):
            for part in ("total", "galactic", "cocoon"):
                put(f"cocoons/bc/{name}/{part}", fits[i][f"fit/bc_{part}"],
                    f"1 (B/C vs rigidity, chi_c0 = {self.chi[i]:g}, modulated)")
                put(f"cocoons/bc/{name}/{part}_ekn", fits[i][f"fit/bc_ekn_{part}"],
                    f"1 (B/C vs E_k/n, chi_c0 = {self.chi[i]:g}, modulated)")
        # -- emission per supernova (Eq. 7) -----------------------------------------------------
        e = log_grid(cc.e_out_min, cc.e_out_max, cc.e_out_per_decade)
        put("cocoons/energy", e, "GeV")
        inj = self.injections()
        q = {}
        for k, (kind, r0, dl) in enumerate(self.models):
            chi_fn = (lambda R, kind=kind, r0=r0, dl=dl:
                      chi_cocoon(R, cc.emission_chi_c0, r0, kind, dl if dl else 0.5))
            for ch in ("gamma", "nu"):
                q[(k, ch)] = production_per_sn(inj, chi_fn, e, ch)
                put(f"cocoons/production/model_{k}/{ch}", q[(k, ch)],
                    "GeV^-1 per supernova (nu: all flavours)")
        put("cocoons/production/models", np.array(cc.grammage_models, dtype="S"),
            "grammage models (rows)")
        # -- sky: regions by quadrature, maps from the tasks -------------------------------------
        S_map = np.concatenate([read_task(self.n_fit + k)["map/S"] for k in range(self.n_map)])
        put("cocoons/maps/sky_factor", S_map, "yr^-1 kpc^-2 (RING pixel averages of int ds rho)")
        factor = {"lhaaso_inner": cc.inner_factor, "lhaaso_outer": cc.outer_factor}
        sea = self._sea(read_task, e, quiet)
        nu_div = cfg.emission.nu_flavour_divisor
        for r in REGIONS:
            lmin, lmax, bmax = regions.REGIONS[r]
            integral, omega = region_integral(self.dist, lmin, lmax, bmax, cc.region_l_step,
                                              cc.region_b_nodes, cc.los_steps)
            put(f"cocoons/regions/{r}/sky_factor", np.array(integral / omega),
                "yr^-1 kpc^-2 (mean of int ds rho over the region)")
            for k in range(len(self.models)):
                for ch in ("gamma", "nu"):
                    I = intensity(q[(k, ch)], integral / omega) * factor[r]
                    if ch == "nu":
                        I = I / nu_div
                    put(f"cocoons/regions/{r}/model_{k}/{ch}", I,
                        f"{INTENSITY} (x {factor[r]:g} for the LHAASO masks; nu per flavour)")
            for mod in SEA_MODELS:
                for ch in ("gamma", "nu"):
                    Isea = regions.region_mean_intensity(sea[mod][f"I_{ch}"], r, cfg.sky.nside)
                    Isea = Isea * factor[r] / (nu_div if ch == "nu" else 1.0)
                    put(f"cocoons/regions/{r}/sea_{mod}/{ch}", Isea,
                        f"{INTENSITY} (project CR sea, x {factor[r]:g})")
                    put(f"cocoons/regions/{r}/total_{mod}/{ch}",
                        Isea + out[f"cocoons/regions/{r}/model_0/{ch}"],
                        f"{INTENSITY} (CR sea + cocoons, main grammage model)")
        # all-sky neutrinos per flavour (IceCube compares all-sky fluxes)
        integral, _ = region_integral(self.dist, 0.0, 360.0, 90.0, 2 * cc.region_l_step,
                                      cc.region_b_nodes, cc.los_steps)
        npix = 12 * cfg.sky.nside ** 2
        for k in range(len(self.models)):
            put(f"cocoons/allsky/model_{k}/nu", intensity(q[(k, "nu")], integral) / nu_div,
                "GeV^-1 cm^-2 s^-1 per flavour (whole sky)")
        for mod in SEA_MODELS:
            put(f"cocoons/allsky/sea_{mod}/nu", sea[mod]["I_nu"].sum(axis=0) * 4 * np.pi / npix
                / nu_div, "GeV^-1 cm^-2 s^-1 per flavour (whole sky)")
        # -- Eqs. 9 and 10 ---------------------------------------------------------------------
        put("cocoons/eq9_lifetime", np.array(lifetime_bound_yr(cc.emission_chi_c0, cc.n_gas)),
            "yr (cocoon lifetime must exceed this)")
        put("cocoons/eq10_radius", np.array(radius_bound_pc(
            cc.emission_chi_c0, cc.n_gas, cc.sn_rate, cc.disc_radius, cc.disc_half_height)),
            "pc (cocoon radius must stay below this)")
        self.view = out
        return out, units

    def _sea(self, read_task, e, quiet):
        cfg = self.cfg
        first = self.n_fit + self.n_map
        n_h = np.concatenate([read_task(first + c)["sea/N_H"] for c in range(self.n_gas)])
        e_p = log_grid(cfg.emission.e_p_min, cfg.emission.e_p_max, cfg.emission.e_p_per_decade)
        mats = rate_matrices(e_p, e, gamma_model="aafrag", nuclear_enhancement="target")
        sea = {}
        for mod in SEA_MODELS:
            if not quiet:
                sys.stderr.write(f"[hpcsim] CR-sea maps ({mod}) ...\n")
            sea[mod] = cr_sea_maps(cfg.sky.nside, e, mats["gamma"], mats["nu"], mod,
                                   e_p=e_p, species=cfg.sky.cr_sea_species, n_h=n_h)
        return sea

    def summary(self, out: dict) -> str:
        o = self.view
        best = float(o["cocoons/fit/best_chi_c0"])
        i1, i4 = o["cocoons/fit/interval_1"], o["cocoons/fit/interval_4"]
        chi2 = o["cocoons/fit/chi2"]
        lines = [f"cocoons: B/C fit to AMS-02 ({int(o['cocoons/fit/n_data'])} points): best "
                 f"chi_c0 = {best:.2f} g/cm^2 (Delta chi^2 = 1: {i1[0]:.2f}..{i1[1]:.2f}; 4: "
                 f"{i4[0]:.2f}..{i4[1]:.2f}); chi^2 min {chi2.min():.1f}, at 0: {chi2[0]:.1f} "
                 "(seed 002: 0.4, good fits 0.3-0.6)",
                 f"  Eq. 9: lifetime >= {float(o['cocoons/eq9_lifetime']):.3g} yr; Eq. 10: "
                 f"R_c <= {float(o['cocoons/eq10_radius']):.0f} pc"]
        e = o["cocoons/energy"]
        for r in REGIONS:
            c = o[f"cocoons/regions/{r}/model_0/gamma"]
            s = [o[f"cocoons/regions/{r}/sea_{m}/gamma"] for m in SEA_MODELS]
            for E in (1e3, 1e4, 1e5):
                j = int(np.argmin(np.abs(np.log(e / E))))
                lines.append(f"  {r} gamma at {e[j] / 1e3:g} TeV: cocoons / CR sea = "
                             f"{c[j] / s[1][j]:.2f}-{c[j] / s[0][j]:.2f}")
        j = int(np.argmin(np.abs(np.log(e / 1e5))))
        nu_c = o["cocoons/allsky/model_0/nu"][j]
        nu_s = [o[f"cocoons/allsky/sea_{m}/nu"][j] for m in SEA_MODELS]
        lines.append(f"  all-sky nu (per flavour) at 100 TeV: E^2 F cocoons {e[j] ** 2 * nu_c:.2e}, "
                     f"CR sea {e[j] ** 2 * nu_s[0]:.2e}-{e[j] ** 2 * nu_s[1]:.2e} GeV cm^-2 s^-1")
        return "\n".join(lines)
