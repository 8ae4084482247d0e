"""Main job of seed 000: diffuse gamma rays and neutrinos from the Galactic YMSC population.

Task (realisation, sector): the clusters of the population stage
(:class:`~hpcsim.scenarios.ymsc_population.PopulationScenario`), then, for every turbulence
regime and the same clusters, the CR content (seed 000 Eq. 1, termination shock + supernovae)
folded with the target gas (Eq. 3) and the cross sections (Eq. 2) into gamma-ray and all-flavour
neutrino fluxes at Earth [Cython kernel], the LHAASO detectability of each cluster at 100 TeV,
and the HEALPix pixels of its disc (radius atan(R_fs/d)).

Reduction (rank 0, task-id order): per realisation, the resolved-source mask (detected clusters'
discs) plus the inner-plane mask; region spectra of the unresolved clusters (gamma rays:
masked; neutrinos: all clusters, IceCube |b| < 5 deg); the CR-sea emission (computed once per
run, cached in RUNDIR/cache) under the same masks; medians and quartiles over realisations;
totals; the ratios of seed 000 Sec. 5; maps of the first realisation.
"""

from __future__ import annotations

import sys

import numpy as np

from ..acceleration.cluster_emission_ref import cluster_fluxes
from ..acceleration.supernovae import sn_times_since_explosion
from ..acceleration.wind_termination_shock import d_ism
from ..config import Config
from ..constants import KPC, M_PROTON, PC
from ..interactions.matrices import log_grid, rate_matrices
from ..sky import masks, regions
from ..sky.line_of_sight import column_density_chunk, cr_sea_maps
from ..sky.paint import disc_pixels, disc_radius, to_intensity
from .ymsc_population import CATALOGUE_UNITS, PopulationScenario

REGIONS = ("icecube", "lhaaso_inner", "lhaaso_outer", "argo")
SEA_MODELS = ("lower", "upper")
FLUX_UNIT = "GeV^-1 cm^-2 s^-1"
INTENSITY_UNIT = "GeV^-1 cm^-2 s^-1 sr^-1"


def log_interp(e_grid, y, e0):
    """y(e0) by linear interpolation in log e - log y (y > 0) along the last axis."""
    ly = np.log(np.maximum(np.asarray(y, dtype=float), 1e-300))
    j = int(np.clip(np.searchsorted(e_grid, e0) - 1, 0, len(e_grid) - 2))
    w = np.log(e0 / e_grid[j]) / np.log(e_grid[j + 1] / e_grid[j])
    return np.exp((1 - w) * ly[..., j] + w * ly[..., j + 1])


class DiffuseScenario(PopulationScenario):
    name = "ymsc_diffuse"

    def __init__(self, cfg: Config):
        super().__init__(cfg)
        em = cfg.emission
        self.e_p = log_grid(em.e_p_min, em.e_p_max, em.e_p_per_decade)
        self.e_out = log_grid(em.e_min, em.e_max, em.e_per_decade)
        # clusters: target densities count nucleons (mass / m_p, seed 000 Eq. 3), so no extra
        # nuclear enhancement for the target's helium (README, Physics choices)
        self.matrices = rate_matrices(self.e_p, self.e_out, gamma_model=em.gamma_model,
                                      high_energy_model=em.high_energy_model,
                                      nuclear_enhancement="none")
        self.d_out = d_ism(self.e_p, cfg.cosmic_rays.d_ism_0, cfg.cosmic_rays.d_ism_delta)
        self.regimes = list(cfg.cosmic_rays.regimes)
        self.band_index = [int(np.argmin(np.abs(np.log(self.e_out / e))))
                           for e in cfg.sky.map_energies]
        # the CR-sea gas column is split into tasks too (parallel and checkpointed)
        self.n_pop_tasks = cfg.run.n_realisations * self.n_sectors
        self.n_sea_chunks = max(1, min(16, (12 * cfg.sky.nside ** 2) // 3072))

    @property
    def n_tasks(self) -> int:
        return self.n_pop_tasks + self.n_sea_chunks

    def schedule(self, pending):
        """Gas-column chunks (long, equal) first, then the realisation tasks."""
        return sorted(pending, key=lambda t: (t < self.n_pop_tasks, t))

    # -- task ------------------------------------------------------------------------------
    def compute(self, tid: int) -> dict[str, np.ndarray]:
        cfg, cr = self.cfg, self.cfg.cosmic_rays
        if tid >= self.n_pop_tasks:
            return {"sea/N_H": column_density_chunk(
                cfg.sky.nside, self.n_sea_chunks, tid - self.n_pop_tasks,
                s_max_kpc=cfg.sky.los_s_max, n_steps=cfg.sky.los_n_steps)}
        cat, c = self.clusters(tid, self.task_rng(tid))
        out = {f"clusters/{k}": v for k, v in cat.items()}
        dist = cat["distance"] * KPC
        sn_dt, sn_off = sn_times_since_explosion(c["t_sn"], c["offsets"], cat["age"])
        eta_m_L = cfg.bubble.eta_m * c["L_tot"]
        theta = disc_radius(c["R_fs"], dist)
        for regime in self.regimes:
            res = cluster_fluxes(
                self.e_p, self.matrices, dist, c["Mdot"], c["v_w"], c["R_ts"], c["R_cd"],
                c["R_fs"], c["age_s"], eta_m_L, c["rho0"], regime, sn_dt, sn_off,
                eta_B=cr.eta_B, L_c=cr.L_c * PC, xi_cr=cr.xi_cr, p_inj=cr.p_inj,
                r_c=cfg.bubble.core_radius * PC, n_r=cr.n_r, d_out=self.d_out,
                xi_sn=cr.xi_sn, e_sn=cfg.bubble.e_sn, p_max_sn=cr.p_max_sn,
                esc_coeff=cr.esc_coeff, evap_coeff=cr.evap_coeff)
            f100 = masks.flux_at_energy(self.e_out, res["phi_gamma"], masks.DETECTION_ENERGY_GEV)
            det = masks.detected(f100, np.degrees(theta), cfg.sky.lhaaso_exposure,
                                 cfg.sky.km2a_sensitivity_crab, cfg.sky.km2a_psf)
            base = f"emission/{regime}"
            out[f"{base}/phi_gamma"] = res["phi_gamma"]
            out[f"{base}/phi_nu"] = res["phi_nu"]
            out[f"{base}/status"] = res["status"]
            out[f"{base}/p_max"] = res["p_max"]
            out[f"{base}/detected"] = det.astype(np.uint8)
        pix = [disc_pixels(cfg.sky.nside, cat["l"][i], cat["b"][i], theta[i])
               for i in range(theta.size)]
        off = np.zeros(theta.size + 1, dtype=np.int64)
        np.cumsum([p.size for p in pix], out=off[1:])
        out["sky/pix"] = np.concatenate(pix) if pix else np.zeros(0, dtype=np.int64)
        out["sky/pix_offsets"] = off
        out["sky/theta"] = np.degrees(theta)
        return out

    # -- reduction -------------------------------------------------------------------------
    def _sea(self, read_task, quiet):
        """CR-sea maps from the gas column gathered from the chunk tasks (in chunk order)."""
        sky = self.cfg.sky
        n_h = np.concatenate([read_task(self.n_pop_tasks + c)["sea/N_H"]
                              for c in range(self.n_sea_chunks)])
        sea = {}
        for model in SEA_MODELS:
            if not quiet:
                sys.stderr.write(f"[hpcsim] CR-sea maps ({model} model, NSIDE {sky.nside}) ...\n")
            sea[model] = cr_sea_maps(sky.nside, self.e_out, self.matrices_sea["gamma"],
                                     self.matrices_sea["nu"], model, None, e_p=self.e_p,
                                     species=sky.cr_sea_species, n_h=n_h)
        return sea

    @property
    def matrices_sea(self):
        """CR sea: projectiles are all nucleons (superposition); the target is hydrogen, so
        helium and metals of the gas enter as Kafexhiu's target-only enhancement."""
        if not hasattr(self, "_matrices_sea"):
            em = self.cfg.emission
            self._matrices_sea = rate_matrices(self.e_p, self.e_out, gamma_model=em.gamma_model,
                                               high_energy_model=em.high_energy_model,
                                               nuclear_enhancement="target")
        return self._matrices_sea

    def reduce(self, read_task, cache_dir=None, quiet=True):
        out, units = super().reduce(read_task)
        cfg, sky = self.cfg, self.cfg.sky
        nside, n_real, nE = sky.nside, cfg.run.n_realisations, self.e_out.size
        nu_div = cfg.emission.nu_flavour_divisor
        npix = 12 * nside * nside
        inner = masks.inner_plane_mask(nside, sky.inner_l_max, sky.inner_b_max,
                                       symmetric=sky.inner_symmetric)
        in_region = {r: regions.region_mask(r, nside) for r in REGIONS}
        sea = self._sea(read_task, quiet)
        sc = {(m, g, r): np.zeros((n_real, nE)) for m in ("gamma", "nu")
              for g in self.regimes for r in REGIONS}
        sea_r = {(g, mod, r): np.zeros((n_real, nE)) for g in self.regimes
                 for mod in SEA_MODELS for r in REGIONS}
        n_detected = {g: np.zeros(n_real, dtype=np.int64) for g in self.regimes}
        masked_frac = {g: np.zeros(n_real) for g in self.regimes}
        maps = {}
        for real in range(n_real):
            parts = [read_task(real * self.n_sectors + s) for s in range(self.n_sectors)]
            pix = np.concatenate([p["sky/pix"] for p in parts])
            counts = np.concatenate([np.diff(p["sky/pix_offsets"]) for p in parts])
            hit_cl = np.repeat(np.arange(counts.size), counts)
            inv_n = 1.0 / np.maximum(counts, 1)
            for g in self.regimes:
                phi = {m: np.concatenate([p[f"emission/{g}/phi_{m}"] for p in parts])
                       for m in ("gamma", "nu")}
                det = np.concatenate([p[f"emission/{g}/detected"] for p in parts]).astype(bool)
                mask = inner.copy()
                if sky.mask_resolved and det.any():
                    mask[pix[det[hit_cl]]] = True
                n_detected[g][real] = int(det.sum())
                masked_frac[g][real] = mask.mean()
                for r in REGIONS:
                    for m, excl in (("gamma", mask), ("nu", None)):
                        keep = in_region[r] if excl is None else in_region[r] & ~excl
                        w = np.bincount(hit_cl, weights=keep[pix].astype(float),
                                        minlength=counts.size) * inv_n
                        omega = keep.sum() * (4.0 * np.pi / npix)
                        spec = np.einsum("i,ij->j", w, phi[m]) / omega
                        sc[(m, g, r)][real] = spec / (nu_div if m == "nu" else 1.0)
                    for mod in SEA_MODELS:
                        keep = in_region[r] & ~mask
                        sea_r[(g, mod, r)][real] = sea[mod]["I_gamma"][keep].mean(axis=0)
                if real == 0:
                    for m in ("gamma", "nu"):
                        vals = phi[m][:, self.band_index] * inv_n[:, None]
                        dense = np.stack([np.bincount(pix, weights=vals[hit_cl, b], minlength=npix)
                                          for b in range(len(self.band_index))], axis=1)
                        maps[(m, g)] = to_intensity(dense, nside) / (nu_div if m == "nu" else 1.0)
                    maps[("mask", g)] = mask
        self._store(out, units, sc, sea, sea_r, inner, in_region, maps, n_detected, masked_frac)
        return out, units

    def _store(self, out, units, sc, sea, sea_r, inner, in_region, maps, n_detected, masked_frac):
        nu_div = self.cfg.emission.nu_flavour_divisor
        e = self.e_out
        out["emission/energy"] = e
        units["emission/energy"] = "GeV"
        out["emission/energy_p"] = self.e_p
        units["emission/energy_p"] = "GeV (proton kinetic energy grid)"
        nu_unit = f"{INTENSITY_UNIT} (per flavour nu+nubar = all-flavour / {nu_div:g})"

        def put(name, arr, unit):
            out[name] = arr
            units[name] = unit

        sea_nu = {mod: {r: sea[mod]["I_nu"][in_region[r]].mean(axis=0) / nu_div for r in REGIONS}
                  for mod in SEA_MODELS}
        sea_g_inner = {mod: {r: sea[mod]["I_gamma"][in_region[r] & ~inner].mean(axis=0)
                             for r in REGIONS} for mod in SEA_MODELS}
        for mod in SEA_MODELS:
            for r in REGIONS:
                put(f"emission/nu/cr_sea/{mod}/{r}", sea_nu[mod][r], nu_unit)
                put(f"emission/gamma/cr_sea/{mod}/{r}", sea_g_inner[mod][r],
                    INTENSITY_UNIT + " (inner-plane mask only)")
        ratios = {}
        for g in self.regimes:
            put(f"emission/n_detected/{g}", n_detected[g], "1 (clusters resolved by LHAASO)")
            put(f"emission/masked_sky_fraction/{g}", masked_frac[g], "1")
            for r in REGIONS:
                for m in ("gamma", "nu"):
                    per = sc[(m, g, r)]
                    unit = nu_unit if m == "nu" else INTENSITY_UNIT + " (unresolved clusters)"
                    base = f"emission/{m}/{g}/{r}"
                    put(f"{base}/per_realisation", per, unit)
                    q1, q2, q3 = np.percentile(per, [25.0, 50.0, 75.0], axis=0)
                    put(f"{base}/q1", q1, unit)
                    put(f"{base}/median", q2, unit)
                    put(f"{base}/q3", q3, unit)
                    for mod in SEA_MODELS:
                        sea_per = (np.broadcast_to(sea_nu[mod][r], per.shape) if m == "nu"
                                   else sea_r[(g, mod, r)])
                        tot = np.percentile(per + sea_per, 50.0, axis=0)
                        bound = "lower" if mod == "lower" else "upper"
                        put(f"emission/{m}/total/{g}/{r}/{bound}", tot, unit)
                        if m == "gamma":
                            put(f"{base}/cr_sea_{mod}", np.percentile(sea_per, 50.0, axis=0),
                                INTENSITY_UNIT + " (same masks as the clusters)")
                        e0 = 1.0e4 if m == "nu" else 1.0e3
                        ratio = float(log_interp(e, q2, e0) / log_interp(e, np.median(sea_per, axis=0), e0))
                        key = f"{m}_sc_over_sea_{int(e0 / 1e3)}TeV/{g}/{r}/{mod}"
                        put(f"emission/ratios/{key}", np.array(ratio), "1 (median clusters / CR sea)")
                        ratios[key] = ratio
            for (m, gg), arr in maps.items():
                if gg != g:
                    continue
                if m == "mask":
                    put(f"maps/mask/{g}", arr.astype(np.uint8), "1 (1 = masked)")
                    continue
                for b in range(arr.shape[1]):
                    put(f"maps/{m}/{g}/band_{b}", arr[:, b],
                        nu_unit if m == "nu" else INTENSITY_UNIT)
        for mod in SEA_MODELS:
            for m in ("gamma", "nu"):
                I = sea[mod][f"I_{m}"][:, self.band_index] / (nu_div if m == "nu" else 1.0)
                for b in range(I.shape[1]):
                    put(f"maps/{m}/cr_sea/{mod}/band_{b}", I[:, b],
                        nu_unit if m == "nu" else INTENSITY_UNIT)
        put("maps/band_energy", e[self.band_index], "GeV")
        put("maps/N_H", sea[SEA_MODELS[0]]["N_H"], "cm^-2")
        self.ratios = ratios

    def summary(self, out: dict) -> str:
        lines = [super().summary(out)]
        for g in self.regimes:
            nd = out[f"emission/n_detected/{g}"]
            r_nu = [self.ratios.get(f"nu_sc_over_sea_10TeV/{g}/icecube/{m}") for m in SEA_MODELS]
            r_g = [self.ratios.get(f"gamma_sc_over_sea_1TeV/{g}/lhaaso_inner/{m}")
                   for m in SEA_MODELS]
            lines.append(f"{g:>10s}: resolved clusters {nd.mean():.1f}/realisation; "
                         f"nu sc/sea @10 TeV (|b|<5) = {r_nu[0]:.2f} (lower sea) .. "
                         f"{r_nu[1]:.2f} (upper sea); gamma sc/sea @1 TeV (LHAASO inner, masked)"
                         f" = {r_g[0]:.2f} .. {r_g[1]:.2f}")
        return "\n".join(lines)
