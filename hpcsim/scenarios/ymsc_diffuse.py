"""Main job of seed 000: diffuse gamma rays and neutrinos from the Galactic YMSC population, and
its named physics variants.

Task (realisation, sector): the clusters of the population stage
(:class:`~hpcsim.scenarios.ymsc_population.PopulationScenario`), then, for every turbulence
regime and the same clusters, the CR content (seed 000 Eq. 1, termination shock + supernovae)
folded with the target gas (Eq. 3) and the cross sections (Eq. 2) into gamma-ray and all-flavour
neutrino fluxes at Earth [Cython kernels], each cluster's flux at 100 TeV (for the LHAASO
detectability, decided in the reduction), the HEALPix pixels of its disc (radius atan(R_fs/d))
and the gas column its swept-up shell adds there.

Variants (``[variants]`` of the configuration, :func:`hpcsim.config.variant_stage`): each is the
baseline configuration with a few keys overridden, computed in the same task for the same
clusters (same RNG stream): a variant repeats the computation only from the stage its keys act on
(population count -> cluster draws -> bubbles -> CR transport -> CR sources -> sky masks), and a
variant whose per-cluster physics equals the baseline's (or an earlier variant's) shares its
results.  A count variant (``population.n_mean_override``) keeps the same clusters: it thins
them (each kept with probability N'/N, from the stream spawn_key = (realisation, sector, 1)) or
adds an independent Poisson set of N' - N clusters (stream (realisation, sector, 2)), either of
which is again a Poisson population of mean N'.  A ``population.z_sigma`` variant repeats the
draws with the same stream (the heights are the only draws that change).  Any other population,
stellar or grid key is rejected by the configuration check (run it as a separate configuration).
Variants store only what their table needs: the fluxes at the two grid energies around 1 TeV
(gamma) and 10 TeV (neutrinos) and at 100 TeV.

Reduction (rank 0, task-id order): per realisation, the resolved-source mask (detected clusters'
discs) plus the inner-plane mask; region spectra of the unresolved clusters (gamma rays:
masked; neutrinos: all clusters, IceCube |b| < 5 deg); the CR-sea emission (computed once per
run) under the same masks; medians and quartiles over realisations; totals; the ratios of
seed 000 Sec. 5; the variant table (the same ratios per realisation and their double ratio,
quartiles over realisations, for the baseline and every variant); the clusters' shell gas as a
fraction of the CR-sea gas column; maps of the first realisation.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import sys

import numpy as np

from ..acceleration import cluster_emission_ref as ce
from ..acceleration.supernovae import sn_spectrum_norm, sn_times_since_explosion, sn_volume
from ..acceleration.wind_termination_shock import d_ism
from ..clusters.population import mean_number_of_clusters
from ..config import Config
from ..constants import KPC, PC
from ..interactions.matrices import log_grid, rate_matrices
from ..io.cache import ArrayCache
from ..sky import masks, regions
from ..sky.line_of_sight import column_density_chunk, cr_sea_maps
from ..sky.paint import disc_pixels, disc_radius, to_intensity
from .ymsc_population import PopulationScenario, population_params

REGIONS = ("icecube", "lhaaso_inner", "lhaaso_outer", "argo")
SEA_MODELS = ("lower", "upper")
FLUX_UNIT = "GeV^-1 cm^-2 s^-1"
INTENSITY_UNIT = "GeV^-1 cm^-2 s^-1 sr^-1"
#: energies of the ratios of seed 000 Sec. 5 [GeV]: neutrinos at 10 TeV, gamma rays at 1 TeV
RATIO_ENERGY = {"nu": 1.0e4, "gamma": 1.0e3}
#: the variant table: quantity -> (messenger, region) (double_ratio = gamma / nu)
TABLE = {"nu_ratio": ("nu", "icecube"), "gamma_ratio": ("gamma", "lhaaso_inner"),
         "gamma_ratio_plane": ("gamma", "icecube")}
TABLE_REGIONS = ("icecube", "lhaaso_inner")
BASELINE = "baseline"


def log_interp(e_grid, y, e0):
    """y(e0) by linear interpolation in log e - log y (y > 0) along the last axis."""
    ly = np.log(np.maximum(np.asarray(y, dtype=float), 1e-300))
    j = int(np.clip(np.searchsorted(e_grid, e0) - 1, 0, len(e_grid) - 2))
    w = np.log(e0 / e_grid[j]) / np.log(e_grid[j + 1] / e_grid[j])
    return np.exp((1 - w) * ly[..., j] + w * ly[..., j + 1])


def bracket(e_grid, e0) -> np.ndarray:
    """Indices (j, j + 1) of the grid energies around e0 (as :func:`log_interp` picks them)."""
    j = int(np.clip(np.searchsorted(e_grid, e0) - 1, 0, len(e_grid) - 2))
    return np.array([j, j + 1])


def col_sums(w, phi) -> np.ndarray:
    """sum_i w_i phi[i, j] for every column j, each as one contiguous pairwise sum, so that a
    column's result does not depend on which other columns are present (variants store two)."""
    phi = np.asarray(phi)
    return np.array([np.sum(w * phi[:, j]) for j in range(phi.shape[1])])


def col_sums_rows(a, rows) -> np.ndarray:
    """sum over the rows ``rows`` of every column of ``a``, column by column (each one
    contiguous pairwise sum, see :func:`col_sums`)."""
    a = np.asarray(a)
    return np.array([np.sum(a[rows, j]) for j in range(a.shape[1])])


def col_means(a) -> np.ndarray:
    """Mean over rows of every column, column by column (see :func:`col_sums`)."""
    a = np.asarray(a)
    return np.array([np.mean(np.ascontiguousarray(a[:, j])) for j in range(a.shape[1])])


def col_median(per) -> np.ndarray:
    """Median over realisations (axis 0), column by column."""
    per = np.asarray(per)
    return np.array([np.percentile(np.ascontiguousarray(per[:, j]), 50.0)
                     for j in range(per.shape[1])])


def ratio_at(e_pair, sc, sea, e0):
    """sc(e0) / sea(e0), both log-log interpolated between the two grid energies e_pair."""
    return log_interp(e_pair, sc, e0) / log_interp(e_pair, sea, e0)


def _section_key(sec) -> tuple:
    return tuple(dataclasses.astuple(sec))


def _subset_draw(d, keep):
    """The draws of the clusters with keep == True (ragged per-star arrays subset too)."""
    offsets = d["offsets"]
    counts = np.diff(offsets)
    star_keep = np.repeat(keep, counts)
    new_off = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[keep], out=new_off[1:])
    w = {k: (v[star_keep] if k in ("m_star", "t_sn") else v[keep]) for k, v in d["w"].items()}
    return {"c": {k: v[keep] for k, v in d["c"].items()}, "offsets": new_off,
            "u": d["u"][star_keep], "w": w, "sector": d["sector"]}


def _concat_draws(a, b):
    off = np.concatenate([a["offsets"], b["offsets"][1:] + a["offsets"][-1]])
    return {"c": {k: np.concatenate([a["c"][k], b["c"][k]]) for k in a["c"]}, "offsets": off,
            "u": np.concatenate([a["u"], b["u"]]),
            "w": {k: np.concatenate([a["w"][k], b["w"][k]]) for k in a["w"]},
            "sector": a["sector"]}


class DiffuseScenario(PopulationScenario):
    name = "ymsc_diffuse"
    #: variants whose per-cluster physics equals the baseline's (or an earlier variant's) reuse
    #: its results (tests switch this off to check that recomputing gives the same numbers)
    share_identical = True

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
        self.regimes = list(cfg.cosmic_rays.regimes)
        self.band_index = [int(np.argmin(np.abs(np.log(self.e_out / e))))
                           for e in cfg.sky.map_energies]
        # columns kept by the variants: gamma (2 around 1 TeV), then nu (2 around 10 TeV)
        self.cols = {m: bracket(self.e_out, RATIO_ENERGY[m]) for m in ("gamma", "nu")}
        # a variant needs only these columns of its fluxes (its ratios and the 100 TeV flux of
        # the LHAASO criterion): folding just them gives the same numbers (each column is its
        # own sum) for a fraction of the work
        self.fold_cols = {"gamma": np.union1d(self.cols["gamma"], bracket(
            self.e_out, masks.DETECTION_ENERGY_GEV)), "nu": self.cols["nu"]}
        self.matrices_cols = {m: np.ascontiguousarray(self.matrices[m][:, c])
                              for m, c in self.fold_cols.items()}
        # the CR-sea gas column is split into tasks too (parallel and checkpointed)
        self.n_pop_tasks = cfg.run.n_realisations * self.n_sectors
        self.n_sea_chunks = max(1, min(16, (12 * cfg.sky.nside ** 2) // 3072))
        self._plan_variants()

    @property
    def n_tasks(self) -> int:
        return self.n_pop_tasks + self.n_sea_chunks

    def schedule(self, pending):
        """Gas-column chunks (long, equal) first, then the realisation tasks."""
        return sorted(pending, key=lambda t: (t < self.n_pop_tasks, t))

    # -- variants --------------------------------------------------------------------------
    def _keys(self, cfg: Config) -> dict:
        """What determines a configuration's per-cluster results, stage by stage."""
        cr = cfg.cosmic_rays
        n_mean = mean_number_of_clusters(population_params(cfg))
        count = (n_mean,)
        cluster = count + (cfg.population.z_sigma, _section_key(cfg.bubble),
                           _section_key(cfg.galaxy))
        transport = cluster + (cr.eta_B, cr.L_c, cr.d_ism_0, cr.d_ism_delta, cr.evap_coeff,
                               cr.n_r)
        source = transport + (cr.xi_cr, cr.p_inj, cr.xi_sn, cr.p_max_sn, cr.esc_coeff,
                              cr.sn_rule, cr.sn_profile, cr.sn_volume)
        return {"n_mean": n_mean, "cluster": cluster, "source": source,
                "source_without_count": (self.n_mean,) + source[1:]}

    def _plan_variants(self):
        """self.plan: per variant its configuration, the variant whose per-cluster results it
        uses (``src``; None = the baseline's) and whether its clusters differ from the
        baseline's (``own_clusters``: count and z_sigma variants)."""
        base = self._keys(self.cfg)
        self.base_keys = base
        owner = {base["source"]: None}
        self.plan = []
        # cluster sets whose transport must provide VG (the "gamma_confined" SN profile):
        # the baseline's set serves the baseline and every variant without its own clusters
        confined = lambda c: c.cosmic_rays.sn_profile == "gamma_confined"  # noqa: E731
        self.needs_volume = {"base": confined(self.cfg)}
        for name in self.cfg.variant_names:
            vcfg = self.cfg.variant(name)
            k = self._keys(vcfg)
            if self.share_identical and k["source"] in owner:
                src = owner[k["source"]]
            else:
                src = name
                owner.setdefault(k["source"], name)
            if k["cluster"] != base["cluster"]:
                self.needs_volume[name] = self.needs_volume[name + "+"] = confined(vcfg)
            else:
                self.needs_volume["base"] |= confined(vcfg)
            self.plan.append({
                "name": name, "cfg": vcfg, "keys": k, "src": src,
                "own_clusters": k["cluster"] != base["cluster"],
                # only the count differs: the kept clusters' results are the baseline's
                "count_only": self.share_identical and k["n_mean"] != self.n_mean
                and k["source_without_count"] == base["source"]})

    def _variant_draw(self, tid, d_base, vp):
        """Draws of a variant's clusters and their index among the baseline's (-1: added)."""
        vcfg = vp["cfg"]
        r, s = divmod(tid, self.n_sectors)
        pp = population_params(vcfg)
        sampler = self.sampler
        d = d_base
        if vcfg.population.z_sigma != self.cfg.population.z_sigma:
            sampler = copy.copy(self.sampler)
            sampler.p = pp
            d = self.draw(tid, self.task_rng(tid), pp, self.n_mean, sampler)
            if not all(np.array_equal(d["c"][k], d_base["c"][k]) for k in
                       ("mass", "age", "x", "y", "arm")) or not np.array_equal(d["u"], d_base["u"]):
                raise RuntimeError(f"variant {vp['name']}: the redrawn clusters differ from the "
                                   "baseline's (the RNG stream was not consumed identically)")
        n = d["c"]["mass"].size
        index = np.arange(n, dtype=np.int64)
        n_v = vp["keys"]["n_mean"]
        seed = self.cfg.run.seed
        if n_v < self.n_mean:  # thinning: each cluster kept with probability N'/N
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(r, s, 1)))
            keep = rng.random(n) < n_v / self.n_mean
            d, index = _subset_draw(d, keep), index[keep]
        elif n_v > self.n_mean:  # superposition of an independent Poisson set of N' - N
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(r, s, 2)))
            extra = self.draw(tid, rng, pp, n_v - self.n_mean, sampler)
            d = _concat_draws(d, extra)
            index = np.concatenate([index, np.full(extra["c"]["mass"].size, -1, np.int64)])
        return d, index

    # -- per-cluster physics ---------------------------------------------------------------
    def _context(self, cat, c, cfg):
        dist = cat["distance"] * KPC
        sn_dt, sn_off = sn_times_since_explosion(c["t_sn"], c["offsets"], cat["age"])
        return {"cat": cat, "c": c, "dist": dist, "sn_dt": sn_dt, "sn_off": sn_off,
                "eta_m_L": cfg.bubble.eta_m * c["L_tot"],
                "theta": disc_radius(c["R_fs"], dist)}

    def _fluxes(self, ctx, cfg, regime, cache, ckey, variant=False):
        """Fluxes of the clusters of ``ctx`` under configuration ``cfg`` for one regime.
        Intermediate results are cached under the cluster-set key ``ckey`` so that variants
        differing only in later stages reuse them.  ``variant``: only the columns
        ``self.fold_cols`` of the fluxes are computed (the others are zero)."""
        cr, c = cfg.cosmic_rays, ctx["c"]
        pkey = ("prep", ckey, regime, cr.eta_B, cr.L_c, cr.xi_cr, cr.p_inj, cr.evap_coeff)
        if pkey not in cache:
            cache[pkey] = ce.prepare_clusters(
                c["Mdot"], c["v_w"], c["R_ts"], c["R_cd"], c["R_fs"], c["age_s"],
                ctx["eta_m_L"], c["rho0"], regime, eta_B=cr.eta_B, L_c=cr.L_c * PC,
                xi_cr=cr.xi_cr, p_inj=cr.p_inj, evap_coeff=cr.evap_coeff, downstream=False)
        prep = cache[pkey]
        r_c = cfg.bubble.core_radius * PC
        tkey = ("transport", ckey, regime, cr.eta_B, cr.L_c, cr.d_ism_0, cr.d_ism_delta,
                cr.evap_coeff, cr.n_r)
        if tkey not in cache:
            cache[tkey] = ce.cluster_transport(
                self.e_p, d_ism(self.e_p, cr.d_ism_0, cr.d_ism_delta), c["Mdot"], c["v_w"],
                prep["r_ts"], c["R_cd"], c["R_fs"], prep["N_b"], prep["n_sh"], regime,
                eta_B=cr.eta_B, L_c=cr.L_c * PC, r_c=r_c, n_r=cr.n_r,
                volume=self.needs_volume[ckey])
        G, VG, status = cache[tkey]
        k_sn = sn_spectrum_norm(cr.xi_sn, cfg.bubble.e_sn, cr.p_max_sn, cr.p_inj) \
            if cr.xi_sn > 0 else 0.0
        if k_sn > 0.0:
            skey = ("sn", ckey, regime, cr.eta_B, cr.L_c, cr.sn_rule, cr.esc_coeff)
            if skey not in cache:
                cache[skey] = ce.sn_sum(self.e_p, c["Mdot"], c["v_w"], prep["r_ts"], c["R_cd"],
                                        c["R_fs"], ctx["sn_dt"], ctx["sn_off"], regime,
                                        eta_B=cr.eta_B, L_c=cr.L_c * PC, rule=cr.sn_rule,
                                        esc_coeff=cr.esc_coeff)
            S = cache[skey]
        else:
            S = np.zeros_like(G)
        v_sn = sn_volume(prep["r_ts"], c["R_cd"], c["R_fs"], cr.sn_volume)
        n_t = ce.sn_target_nucleons(cr.sn_volume, c["Mdot"], c["v_w"], prep["r_ts"], c["R_cd"],
                                    c["R_fs"], prep["N_b"], prep["n_sh"], r_c)
        fkey = ("fts",) + pkey[1:]
        if fkey not in cache:
            cache[fkey] = ce.shock_term(self.e_p, status, prep["k_ts"], prep["p_max"], regime)
        W = ce.assemble_content(self.e_p, G, VG, S, status, prep["k_ts"], prep["p_max"], regime,
                                k_sn=k_sn, p_max_sn=cr.p_max_sn, sn_profile=cr.sn_profile,
                                v_sn=v_sn, n_target_sn=n_t, fts=cache[fkey])
        if variant:
            phi_g, phi_n = (self._fold_columns(W, ctx["dist"], m) for m in ("gamma", "nu"))
        else:
            phi_g = ce.fold_fluxes(W, ctx["dist"], self.matrices["gamma"])
            phi_n = ce.fold_fluxes(W, ctx["dist"], self.matrices["nu"])
        f100 = masks.flux_at_energy(self.e_out, phi_g, masks.DETECTION_ENERGY_GEV)
        return {"phi_gamma": phi_g, "phi_nu": phi_n, "f100": f100, "status": status,
                "p_max": prep["p_max"]}

    def _fold_columns(self, W, dist, m):
        """The columns ``self.fold_cols[m]`` of the folded fluxes (zeros elsewhere)."""
        phi = np.zeros((W.shape[0], self.e_out.size))
        phi[:, self.fold_cols[m]] = ce.fold_fluxes(W, dist, self.matrices_cols[m])
        return phi

    def _sky(self, ctx, prefix):
        """Disc pixels of the clusters and the gas column their shells add to each pixel."""
        cat, theta = ctx["cat"], ctx["theta"]
        nside = self.cfg.sky.nside
        pix = [disc_pixels(nside, cat["l"][i], cat["b"][i], theta[i]) for i in range(theta.size)]
        counts = np.array([p.size for p in pix], dtype=np.int64)
        off = np.zeros(theta.size + 1, dtype=np.int64)
        np.cumsum(counts, out=off[1:])
        # H atoms swept into the shell, 4/3 pi R_fs^3 n_H (seed 000 Eq. 3: M_s = 4/3 pi R_fs^3
        # rho_0, rho_0 = mu m_p n_H), spread over the disc: column per disc pixel [cm^-2]
        shell_h = 4.0 / 3.0 * np.pi * ctx["c"]["R_fs"] ** 3 * cat["n_H"]
        omega_pix = 4.0 * np.pi / (12 * nside * nside)
        col = shell_h / (ctx["dist"] ** 2 * np.maximum(counts, 1) * omega_pix)
        return {f"{prefix}sky/pix": np.concatenate(pix) if pix else np.zeros(0, dtype=np.int64),
                f"{prefix}sky/pix_offsets": off, f"{prefix}sky/theta": np.degrees(theta),
                f"{prefix}sky/shell_NH": col}

    # -- task ------------------------------------------------------------------------------
    def compute(self, tid: int) -> dict[str, np.ndarray]:
        cfg = self.cfg
        if tid >= self.n_pop_tasks:
            return {"sea/N_H": column_density_chunk(
                cfg.sky.nside, self.n_sea_chunks, tid - self.n_pop_tasks,
                s_max_kpc=cfg.sky.los_s_max, n_steps=cfg.sky.los_n_steps)}
        d = self.draw(tid, self.task_rng(tid))
        cat, c = self.environment(d)
        out = {f"clusters/{k}": v for k, v in cat.items()}
        base = self._context(cat, c, cfg)
        cache: dict = {}
        base_res = {}
        for regime in self.regimes:
            res = self._fluxes(base, cfg, regime, cache, "base")
            base_res[regime] = res
            b = f"emission/{regime}"
            out[f"{b}/phi_gamma"] = res["phi_gamma"]
            out[f"{b}/phi_nu"] = res["phi_nu"]
            out[f"{b}/status"] = res["status"]
            out[f"{b}/p_max"] = res["p_max"]
            out[f"{b}/f100"] = res["f100"]
        out.update(self._sky(base, ""))
        for vp in self.plan:
            if vp["src"] != vp["name"]:
                continue  # shares the results of the baseline or of an earlier variant
            vcfg, name = vp["cfg"], vp["name"]
            pre = f"variants/{name}/"
            if vp["own_clusters"]:
                dv, index = self._variant_draw(tid, d, vp)
                if vp["count_only"]:
                    # kept clusters: the baseline's results; added clusters: computed
                    ex = index < 0
                    vctx = self._context(*self.environment(dv, vcfg), vcfg)
                    ectx = self._context(*self.environment(_subset_draw(dv, ex), vcfg), vcfg) \
                        if ex.any() else None
                    kept = index[~ex]
                else:
                    vctx = self._context(*self.environment(dv, vcfg), vcfg)
                out[f"{pre}index"] = index
                out.update(self._sky(vctx, pre))
                ckey = name
            else:
                vctx, ckey = base, "base"
            for regime in self.regimes:
                if vp["own_clusters"] and vp["count_only"]:
                    br = base_res[regime]
                    er = self._fluxes(ectx, vcfg, regime, cache, name + "+", variant=True) \
                        if ectx is not None else None
                    cols = np.concatenate(
                        [np.concatenate([br["phi_gamma"][kept], br["phi_nu"][kept]], axis=1)]
                        + ([np.concatenate([er["phi_gamma"], er["phi_nu"]], axis=1)]
                           if er is not None else []))
                    f100 = np.concatenate([br["f100"][kept]]
                                          + ([er["f100"]] if er is not None else []))
                    n_g = self.e_out.size
                    cols = cols[:, np.concatenate([self.cols["gamma"], n_g + self.cols["nu"]])]
                else:
                    res = self._fluxes(vctx, vcfg, regime, cache, ckey, variant=True)
                    cols = np.concatenate([res["phi_gamma"][:, self.cols["gamma"]],
                                           res["phi_nu"][:, self.cols["nu"]]], axis=1)
                    f100 = res["f100"]
                out[f"{pre}{regime}/cols"] = np.ascontiguousarray(cols)
                out[f"{pre}{regime}/f100"] = f100
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
                                     self.matrices_sea["nu"], model, e_p=self.e_p,
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

    def _inner(self, sky):
        key = (sky.inner_l_max, sky.inner_b_max, sky.inner_symmetric)
        if key not in self._inner_cache:
            self._inner_cache[key] = masks.inner_plane_mask(self.cfg.sky.nside, sky.inner_l_max,
                                                            sky.inner_b_max,
                                                            symmetric=sky.inner_symmetric)
        return self._inner_cache[key]

    def _sea_columns(self, sea, mod, m, cols):
        """CR-sea intensity map [npix, len(cols)] on the grid columns ``cols`` (cached)."""
        key = (mod, m, tuple(cols.tolist()))
        if key not in self._sea_col_cache:
            I = sea[mod][f"I_{m}"]
            self._sea_col_cache[key] = I if len(cols) == I.shape[1] and np.array_equal(
                cols, np.arange(I.shape[1])) else np.ascontiguousarray(I[:, cols])
        return self._sea_col_cache[key]

    @staticmethod
    def _geometry(parts, prefix=""):
        pix = np.concatenate([p[f"{prefix}sky/pix"] for p in parts])
        counts = np.concatenate([np.diff(p[f"{prefix}sky/pix_offsets"]) for p in parts])
        return {"pix": pix, "counts": counts, "hit": np.repeat(np.arange(counts.size), counts),
                "inv_n": 1.0 / np.maximum(counts, 1),
                "theta": np.concatenate([p[f"{prefix}sky/theta"] for p in parts]),
                "shell_NH": np.concatenate([p[f"{prefix}sky/shell_NH"] for p in parts])}

    def _shell_map(self, geom, npix):
        """Gas column of the clusters' shells [cm^-2] per pixel (each shell on its disc)."""
        return np.bincount(geom["pix"], weights=geom["shell_NH"][geom["hit"]], minlength=npix)

    def _sea_base_sums(self, sea, mod, m, r, sky, cols, in_region):
        """Column sums of the CR-sea map over the region's pixels (gamma rays: outside the
        inner-plane mask) and their number (cached: the same for every realisation)."""
        inner = (sky.inner_l_max, sky.inner_b_max, sky.inner_symmetric) if m == "gamma" else ()
        key = (mod, m, r, inner, tuple(cols.tolist()))
        if key not in self._sea_cache:
            base = in_region[r] & ~self._inner(sky) if m == "gamma" else in_region[r]
            I = self._sea_columns(sea, mod, m, cols)
            self._sea_cache[key] = (col_sums_rows(I, np.flatnonzero(base)), int(base.sum()))
        return self._sea_cache[key]

    def _row(self, cfg, geom, phi, f100, shell_map, sea, in_region, regions_, cols,
             want_mask=False):
        """One realisation under the masks of ``cfg``: detections, mask, region spectra of the
        unresolved clusters and of the CR sea on the grid columns ``cols[m]`` (phi[m] holds
        exactly those columns).  The gamma-ray CR-sea mean over a masked region is the cached
        sum over the region outside the inner mask minus the sum over the resolved clusters'
        discs there (a few pixels), not a new pass over the map."""
        sky = cfg.sky
        nu_div = cfg.emission.nu_flavour_divisor
        npix = shell_map.size
        det = masks.detected_cfg(f100, geom["theta"], sky)
        inner = self._inner(sky)
        res_pix = np.zeros(0, dtype=np.int64)
        if sky.mask_resolved and det.any():
            res_pix = np.unique(geom["pix"][det[geom["hit"]]])
            res_pix = res_pix[~inner[res_pix]]  # discs' pixels not already masked
        # the mask on the clusters' disc pixels only (the full map is built where needed);
        # per-geometry lookups are cached in ``geom`` (shared by regimes and variants)
        pix = geom["pix"]
        ikey = ("inner_pix", sky.inner_l_max, sky.inner_b_max, sky.inner_symmetric)
        if ikey not in geom:
            geom[ikey] = inner[pix]
        masked_on_pix = geom[ikey]
        if res_pix.size:
            on = np.zeros(npix, dtype=bool)
            on[res_pix] = True
            masked_on_pix = masked_on_pix | on[pix]
        mask = None
        factor = None
        if sky.sea_exclude_shells:
            n_h = sea[SEA_MODELS[0]]["N_H"]
            factor = np.maximum(1.0 - shell_map / np.where(n_h > 0, n_h, 1.0), 0.0)
            mask = inner.copy()
            mask[res_pix] = True
        sc, sr = {}, {}
        for r in regions_:
            for m in ("gamma", "nu"):
                region = in_region[r]
                if ("region_pix", r) not in geom:
                    geom[("region_pix", r)] = region[pix]
                region_pix = geom[("region_pix", r)]
                keep_pix = region_pix & ~masked_on_pix if m == "gamma" else region_pix
                div = nu_div if m == "nu" else 1.0
                extra = res_pix[region[res_pix]] if m == "gamma" else res_pix[:0]
                w = np.bincount(geom["hit"], weights=keep_pix.astype(float),
                                minlength=geom["counts"].size) * geom["inv_n"]
                for mod in SEA_MODELS:
                    if factor is not None:
                        keep = region & ~mask if m == "gamma" else region
                        I = self._sea_columns(sea, mod, m, cols[m])[keep] * factor[keep][:, None]
                        sr[(mod, m, r)] = col_means(I) / div
                        n = int(keep.sum())
                        continue
                    total, n = self._sea_base_sums(sea, mod, m, r, sky, cols[m], in_region)
                    if extra.size:
                        I = self._sea_columns(sea, mod, m, cols[m])
                        total, n = total - col_sums_rows(I, extra), n - extra.size
                    sr[(mod, m, r)] = total / n / div
                omega = n * (4.0 * np.pi / npix)
                sc[(m, r)] = col_sums(w, phi[m]) / omega / div
        if want_mask:
            mask = inner.copy()
            mask[res_pix] = True
        masked_frac = (int(inner.sum()) + res_pix.size) / npix
        return det, mask, masked_frac, sc, sr

    #: the per-realisation part of the reduction runs on every rank (driver passes ``comm``)
    parallel_reduce = True

    def reduce(self, read_task, cache_dir=None, quiet=True, comm=None):
        """Masks, region spectra, variant table and maps of every realisation, then quartiles,
        totals and ratios.  With ``comm`` (every rank calls it) rank k reduces realisations
        k, k + size, ...; their rows are copied into rank 0's arrays, so the result is the same
        bit for bit for any number of ranks (no sum crosses ranks); other ranks return
        (None, None)."""
        if comm is None or comm.size == 1:
            st = self._reduce_rows(read_task, quiet, range(self.cfg.run.n_realisations),
                                   cache_dir=cache_dir)
        else:
            import traceback
            rank, size = comm.rank, comm.size
            try:
                st = self._reduce_rows(read_task, quiet or rank != 0,
                                       range(rank, self.cfg.run.n_realisations, size),
                                       cache_dir=cache_dir)
                payload = (None, {k: st[k] for k in ROW_KEYS}, st["pop_rows"])
            except Exception:  # every rank reaches the gather: no rank waits for a dead one
                st, payload = None, (traceback.format_exc(), None, None)
            parts = comm.gather(payload, root=0)
            if rank != 0:
                return None, None
            errors = [f"rank {k}: {e}" for k, (e, _, _) in enumerate(parts) if e is not None]
            if errors:
                raise RuntimeError("reduction failed on " + "\n".join(errors))
            for k in range(1, size):
                _copy_rows(st, parts[k][1], np.arange(k, self.cfg.run.n_realisations, size))
                st["pop_rows"].update(parts[k][2])
        out, units = self.population_outputs(st["pop_rows"])
        self._store(out, units, st["sc"], st["sea"], st["sea_r"], st["in_region"], st["maps"],
                    st["n_detected"], st["masked_frac"])
        self._store_variants(out, units, st["tab"], st["names"])
        for r in REGIONS:
            out[f"emission/shell_gas/column_fraction/{r}"] = st["shell_frac"][r]
            units[f"emission/shell_gas/column_fraction/{r}"] = (
                "1 (gas column of the clusters' swept-up shells / CR-sea gas column N_H, summed "
                "over the region's pixels; per realisation)")
        return out, units

    def _row_key(self, real: int) -> str:
        """Cache key of realisation ``real``'s reduction row (the run's physics, the sector
        split and the realisation: the row is a deterministic function of its task files)."""
        text = f"diffuse-row:{self.cfg.physics_hash()}:{self.n_sectors}:{real}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _reduce_rows(self, read_task, quiet, mine, cache_dir=None):
        """The per-realisation rows of the reduction for the realisations ``mine`` (the other
        rows stay zero; ``pop_rows``: the population stage's rows of ``mine``), each task file
        read once, and what the final step needs.  With ``cache_dir`` every finished row is
        checkpointed (RUNDIR/cache/reduction_row_*.h5), so a reduction interrupted by a crash
        resumes from the rows it had (and reads no task file for them)."""
        store = ArrayCache(cache_dir) if cache_dir is not None else None
        pop_rows = {}
        cfg, sky = self.cfg, self.cfg.sky
        nside, n_real, nE = sky.nside, cfg.run.n_realisations, self.e_out.size
        nu_div = cfg.emission.nu_flavour_divisor
        npix = 12 * nside * nside
        self._inner_cache, self._sea_cache, self._sea_col_cache = {}, {}, {}
        in_region = {r: regions.region_mask(r, nside) for r in REGIONS}
        sea = self._sea(read_task, quiet)
        all_cols = {m: np.arange(nE) for m in ("gamma", "nu")}
        sc = {(m, g, r): np.zeros((n_real, nE)) for m in ("gamma", "nu")
              for g in self.regimes for r in REGIONS}
        sea_r = {(g, mod, m, r): np.zeros((n_real, nE)) for g in self.regimes
                 for mod in SEA_MODELS for m in ("gamma", "nu") for r in REGIONS}
        n_detected = {g: np.zeros(n_real, dtype=np.int64) for g in self.regimes}
        masked_frac = {g: np.zeros(n_real) for g in self.regimes}
        shell_frac = {r: np.zeros(n_real) for r in REGIONS}
        names = [BASELINE] + [vp["name"] for vp in self.plan]
        # variant table inputs: per (variant, regime) -> per realisation columns
        tab = {(v, g): {"n_resolved": np.zeros(n_real, dtype=np.int64),
                        **{(m, r): np.zeros((n_real, 2)) for m in ("gamma", "nu")
                           for r in TABLE_REGIONS},
                        **{(mod, m, r): np.zeros((n_real, 2)) for mod in SEA_MODELS
                           for m in ("gamma", "nu") for r in TABLE_REGIONS}}
               for v in names for g in self.regimes}
        maps = {}
        n_h_map = sea[SEA_MODELS[0]]["N_H"]
        rows = {"sc": sc, "sea_r": sea_r, "n_detected": n_detected, "masked_frac": masked_frac,
                "shell_frac": shell_frac, "tab": tab}
        map_keys = [(m, g) for m in ("gamma", "nu", "mask") for g in self.regimes]
        for real in mine:
            saved = store.load("reduction_row", self._row_key(real)) if store else None
            if saved is not None:  # checkpointed by an earlier, interrupted reduction
                _set_row(rows, real, saved)
                pop_rows[real] = {"cat": {k[len("pop/cat/"):]: v for k, v in saved.items()
                                          if k.startswith("pop/cat/")},
                                  "hist": {k[len("pop/hist/"):]: v for k, v in saved.items()
                                           if k.startswith("pop/hist/")}}
                maps.update({mk: saved[f"maps/{mk[0]}|{mk[1]}"] for mk in map_keys
                             if f"maps/{mk[0]}|{mk[1]}" in saved})
                continue
            parts = [read_task(real * self.n_sectors + s) for s in range(self.n_sectors)]
            pop_rows[real] = self.population_row(parts)
            geom = self._geometry(parts)
            shell = self._shell_map(geom, npix)
            for r in REGIONS:
                shell_frac[r][real] = shell[in_region[r]].sum() / n_h_map[in_region[r]].sum()
            for g in self.regimes:
                phi = {m: np.concatenate([p[f"emission/{g}/phi_{m}"] for p in parts])
                       for m in ("gamma", "nu")}
                f100 = np.concatenate([p[f"emission/{g}/f100"] for p in parts])
                det, mask, m_frac, s_sc, s_sr = self._row(cfg, geom, phi, f100, shell, sea,
                                                          in_region, REGIONS, all_cols,
                                                          want_mask=real == 0)
                n_detected[g][real] = int(det.sum())
                masked_frac[g][real] = m_frac
                for (m, r), v in s_sc.items():
                    sc[(m, g, r)][real] = v
                for (mod, m, r), v in s_sr.items():
                    sea_r[(g, mod, m, r)][real] = v
                t = tab[(BASELINE, g)]
                t["n_resolved"][real] = int(det.sum())
                for r in TABLE_REGIONS:
                    for m in ("gamma", "nu"):
                        t[(m, r)][real] = s_sc[(m, r)][self.cols[m]]
                        for mod in SEA_MODELS:
                            t[(mod, m, r)][real] = s_sr[(mod, m, r)][self.cols[m]]
                if real == 0:
                    inv_n, hit, pix = geom["inv_n"], geom["hit"], geom["pix"]
                    for m in ("gamma", "nu"):
                        vals = phi[m][:, self.band_index] * inv_n[:, None]
                        dense = np.stack([np.bincount(pix, weights=vals[hit, b], minlength=npix)
                                          for b in range(len(self.band_index))], axis=1)
                        maps[(m, g)] = to_intensity(dense, nside) / (nu_div if m == "nu" else 1.0)
                    maps[("mask", g)] = mask
            self._reduce_variants(real, parts, geom, shell, sea, in_region, tab)
            if store is not None:
                flat = _row_of(rows, real)
                flat.update({f"pop/cat/{k}": v for k, v in pop_rows[real]["cat"].items()})
                flat.update({f"pop/hist/{k}": v for k, v in pop_rows[real]["hist"].items()})
                if real == 0:
                    flat.update({f"maps/{mk[0]}|{mk[1]}": maps[mk] for mk in map_keys})
                store.store("reduction_row", self._row_key(real), flat)
        return {"pop_rows": pop_rows, "sc": sc, "sea": sea, "sea_r": sea_r,
                "in_region": in_region, "maps": maps, "n_detected": n_detected,
                "masked_frac": masked_frac, "shell_frac": shell_frac, "tab": tab, "names": names}

    def _reduce_variants(self, real, parts, geom, shell, sea, in_region, tab):
        geoms = {}
        for vp in self.plan:
            src, vcfg = vp["src"], vp["cfg"]
            if src is None:
                vgeom, vshell = geom, shell
            else:
                if src not in geoms:
                    if vp["own_clusters"]:
                        gsrc = self._geometry(parts, f"variants/{src}/")
                        geoms[src] = (gsrc, self._shell_map(gsrc, shell.size))
                    else:
                        geoms[src] = (geom, shell)
                vgeom, vshell = geoms[src]
            for g in self.regimes:
                if src is None:
                    phi = {m: np.concatenate([p[f"emission/{g}/phi_{m}"][:, self.cols[m]]
                                              for p in parts]) for m in ("gamma", "nu")}
                    f100 = np.concatenate([p[f"emission/{g}/f100"] for p in parts])
                else:
                    c = np.concatenate([p[f"variants/{src}/{g}/cols"] for p in parts])
                    phi = {"gamma": c[:, :2], "nu": c[:, 2:]}
                    f100 = np.concatenate([p[f"variants/{src}/{g}/f100"] for p in parts])
                det, _, _, s_sc, s_sr = self._row(vcfg, vgeom, phi, f100, vshell, sea, in_region,
                                               TABLE_REGIONS, self.cols)
                t = tab[(vp["name"], g)]
                t["n_resolved"][real] = int(det.sum())
                for r in TABLE_REGIONS:
                    for m in ("gamma", "nu"):
                        t[(m, r)][real] = s_sc[(m, r)]
                        for mod in SEA_MODELS:
                            t[(mod, m, r)][real] = s_sr[(mod, m, r)]

    def _table_values(self, t, mod):
        """Per-realisation ratios and ratios of the medians for one (variant, regime, sea)."""
        e = self.e_out
        vals = {}
        for q, (m, r) in TABLE.items():
            ep = e[self.cols[m]]
            e0 = RATIO_ENERGY[m]
            per = ratio_at(ep, t[(m, r)], t[(mod, m, r)], e0)
            med = float(ratio_at(ep, col_median(t[(m, r)]), col_median(t[(mod, m, r)]), e0))
            vals[q] = (per, med)
        vals["double_ratio"] = (vals["gamma_ratio"][0] / vals["nu_ratio"][0],
                                vals["gamma_ratio"][1] / vals["nu_ratio"][1])
        return vals

    def _store_variants(self, out, units, tab, names):
        self.table = {}
        for v in names:
            for g in self.regimes:
                t = tab[(v, g)]
                base = f"variants/table/{v}/{g}"
                out[f"{base}/n_resolved"] = t["n_resolved"]
                units[f"{base}/n_resolved"] = "1 (clusters resolved by LHAASO, per realisation)"
                for mod in SEA_MODELS:
                    for q, (per, med) in self._table_values(t, mod).items():
                        key = f"{base}/{q}/{mod}"
                        q1, q2, q3 = np.percentile(per, [25.0, 50.0, 75.0])
                        for name, val in (("per_realisation", per), ("q1", q1), ("median", q2),
                                          ("q3", q3), ("of_medians", med)):
                            out[f"{key}/{name}"] = np.asarray(val)
                            units[f"{key}/{name}"] = (
                                "1 (unresolved clusters / CR sea; of_medians: median spectra; "
                                "double_ratio = gamma_ratio / nu_ratio)")
                        self.table[(v, g, q, mod)] = (q1, q2, q3, med)
                self.table[(v, g, "n_resolved")] = float(t["n_resolved"].mean())
        out["variants/names"] = np.array(names, dtype="S")
        units["variants/names"] = "1 (row order of the variant table; 'baseline' first)"
        desc = ["(the configuration)"] + [
            "; ".join(f"{s}.{k} = {val!r}" for s, k, val in self.cfg.variant_overrides(v))
            for v in names[1:]]
        out["variants/overrides"] = np.array(desc, dtype="S")
        units["variants/overrides"] = "1 (the configuration overrides of each variant)"
        out["variants/ratio_energy"] = np.array([RATIO_ENERGY["nu"], RATIO_ENERGY["gamma"]])
        units["variants/ratio_energy"] = "GeV (nu ratio, gamma ratio)"

    def _store(self, out, units, sc, sea, sea_r, in_region, maps, n_detected, masked_frac):
        nu_div = self.cfg.emission.nu_flavour_divisor
        e = self.e_out
        out["emission/energy"] = e
        units["emission/energy"] = "GeV"
        out["emission/energy_p"] = self.e_p
        units["emission/energy_p"] = "GeV (proton kinetic energy grid)"
        nu_unit = f"{INTENSITY_UNIT} (per flavour nu+nubar = all-flavour / {nu_div:g})"
        inner = self._inner(self.cfg.sky)

        def put(name, arr, unit):
            out[name] = arr
            units[name] = unit

        g0 = self.regimes[0]
        for mod in SEA_MODELS:
            for r in REGIONS:
                put(f"emission/nu/cr_sea/{mod}/{r}",
                    np.percentile(sea_r[(g0, mod, "nu", r)], 50.0, axis=0), nu_unit)
                put(f"emission/gamma/cr_sea/{mod}/{r}", col_means(
                    sea[mod]["I_gamma"][in_region[r] & ~inner]),
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
                        sea_per = sea_r[(g, mod, m, r)]
                        tot = np.percentile(per + sea_per, 50.0, axis=0)
                        put(f"emission/{m}/total/{g}/{r}/{mod}", tot, unit)
                        if m == "gamma":
                            put(f"{base}/cr_sea_{mod}", np.percentile(sea_per, 50.0, axis=0),
                                INTENSITY_UNIT + " (same masks as the clusters)")
                        e0 = RATIO_ENERGY[m]
                        jj = self.cols[m]
                        ratio = float(ratio_at(e[jj], col_median(per[:, jj]),
                                               col_median(sea_per[:, jj]), e0))
                        key = f"{m}_sc_over_sea_{int(e0 / 1e3)}TeV/{g}/{r}/{mod}"
                        put(f"emission/ratios/{key}", np.array(ratio),
                            "1 (median clusters / median CR sea)")
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
        lines.append(format_variant_table(self.table, [BASELINE] + [vp["name"] for vp in
                                                                     self.plan], self.regimes))
        return "\n".join(lines)


#: per-realisation arrays of the reduction (rows indexed by realisation)
ROW_KEYS = ("sc", "sea_r", "n_detected", "masked_frac", "shell_frac", "tab")


def _leaves(tree: dict):
    """The arrays of the nested dicts ``tree`` in a fixed order (insertion order of the keys,
    which the reduction creates identically on every rank and every run)."""
    for v in tree.values():
        if isinstance(v, dict):
            yield from _leaves(v)
        else:
            yield v


def _row_of(tree: dict, real: int) -> dict[str, np.ndarray]:
    """Row ``real`` of every array of ``tree`` packed into two vectors, one per dtype kind
    (a row has ~800 small entries; one HDF5 dataset each would cost more than the row)."""
    rows = [np.asarray(v[real]).ravel() for v in _leaves(tree)]
    return {"rows/int": np.concatenate([r for r in rows if r.dtype.kind == "i"] or
                                       [np.zeros(0, np.int64)]).astype(np.int64),
            "rows/float": np.concatenate([r for r in rows if r.dtype.kind != "i"] or
                                         [np.zeros(0)]).astype(np.float64)}


def _set_row(tree: dict, real: int, packed: dict) -> None:
    """The inverse of :func:`_row_of`: tree[...][real] from the packed vectors."""
    pos = {"int": 0, "float": 0}
    for v in _leaves(tree):
        kind = "int" if v.dtype.kind == "i" else "float"
        n = int(np.prod(v.shape[1:], dtype=np.int64))
        v[real] = packed[f"rows/{kind}"][pos[kind]:pos[kind] + n].reshape(v.shape[1:])
        pos[kind] += n
    if pos["int"] != packed["rows/int"].size or pos["float"] != packed["rows/float"].size:
        raise ValueError("checkpointed reduction row does not match this configuration")


def _copy_rows(dst: dict, src: dict, rows) -> None:
    """dst[...][rows] = src[...][rows] through nested dicts of arrays (rows of realisations)."""
    for k, v in src.items():
        if isinstance(v, dict):
            _copy_rows(dst[k], v, rows)
        elif isinstance(v, np.ndarray):
            dst[k][rows] = v[rows]


def format_variant_table(table, names, regimes, mod="lower") -> str:
    """The variant table as text: median [Q1-Q3] over realisations of the per-realisation
    ratios (CR-sea model ``mod``)."""
    def cell(v, g, q):
        q1, q2, q3, _ = table[(v, g, q, mod)]
        return f"{q2:6.3f} [{q1:.3f}-{q3:.3f}]"

    head = (f"variant table (median [Q1-Q3] over realisations, {mod} CR sea): nu = nu_sc/nu_sea "
            f"at 10 TeV |b|<5; gamma = gamma_sc/gamma_sea at 1 TeV LHAASO inner, masked; "
            f"double = gamma/nu; resolved = clusters resolved per realisation")
    lines = [head, f"{'variant':24s} {'regime':10s} {'resolved':>8s}  {'nu':22s} {'gamma':22s} "
                   f"{'double':22s}"]
    for v in names:
        for g in regimes:
            lines.append(f"{v:24s} {g:10s} {table[(v, g, 'n_resolved')]:8.1f}  "
                         f"{cell(v, g, 'nu_ratio'):22s} {cell(v, g, 'gamma_ratio'):22s} "
                         f"{cell(v, g, 'double_ratio'):22s}")
    return "\n".join(lines)
