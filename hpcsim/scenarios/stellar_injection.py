"""Scenario of seed 001 Secs. II-III: time-dependent CR injection of evolving stars and clusters.

Tasks: one per single-star initial mass M0 (the MIST grid masses 8-150 Msun, which include 40,
80 and 120 Msun of seed Figs. 2-4 and the M_up values, e.g. 105 Msun for the single-star classes
of Table 3, with equal ln-M sub-nodes in between: the collective wind's quadrature) and one per
upper IMF mass M_up for the collective wind of a cluster.  A task builds the wind history (MIST track, seed
Eq. 1 / Nugis & Lamers 2000 / RSG terminal velocities, element injection rates; or their IMF
integrals, seed Eqs. 2, 5), solves the termination-shock dynamics (Eq. 4) once, and then, for
every turbulence model and eta_B of the scan, the maximum rigidity R_max(t) (Eq. 10) and the
injection rates N_Z(t) (Eqs. 11-12).  The eta_B x turbulence grid lives inside the task because
the bubble dynamics do not depend on it: splitting it into tasks would repeat the ODE.

Reduction (rank 0, task-id order): time- and IMF-integrated injection spectra of a cluster of
``cluster_mass`` (Eqs. 6-7), split by phase (O-type, WR at X_H < 0.1: the phase codes of
:mod:`hpcsim.stars.phases`) for single-star winds and total (and first ``msc_window``) for the
collective wind; R_max^eff of H and He vs eta_B (Eq. 13, Fig. 6); the injected H/He at equal
rigidity vs M_up (Fig. 7); the pass/fail table (Table 1); the abundance table (Table 3); the
Galactic energy budget (Eq. 14 and clusters below the collective-wind mass, Sec. III.3); and the
per-class injection results that the propagation stage reads
(:func:`hpcsim.acceleration.injection.class_injection_summary`).
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..acceleration import injection as inj
from ..clusters.imf_integrals import M_LO_MASSIVE, collective_wind, mass_nodes, mass_weights
from ..clusters.wts_dynamics import evolve_wts
from ..config import Config
from ..constants import MYR, PC, YR
from ..io.cache import ArrayCache
from ..observations import lhaaso_h_he_ratio, lhaaso_knee_rigidity
from ..stars.mist import locate_tracks
from ..stars.tracks import TrackGrid
from ..stars.vink2001 import WindParams, wind_history

SOURCES = ("o_wr", "o_type", "wr", "msc", "msc_window")
SOURCE_LABELS = {"o_wr": "O-type + WR stars", "o_type": "O-type stars", "wr": "WR stars",
                 "msc": "MSC collective wind", "msc_window": "MSC collective wind (first window)"}
#: the classes of seed Tables 2-3 that feed the propagation stage (issue 8 part B)
CLASSES = ("o_type", "wr", "msc_window")
FIG_MASSES = (40.0, 80.0, 120.0)
T0_YR = 1.0e4  # start of the histories (seed 001 Sec. II.2: 1e4 yr)


PHASE_NODES = 40  # minimum number of time nodes across every phase of a single star


def refine_phases(t, phase, n_min=PHASE_NODES):
    """Time grid ``t`` [yr] with every run of constant ``phase`` that has fewer than ``n_min``
    nodes resolved by ``n_min`` extra, equally spaced nodes between the nodes that bracket it
    (phase boundaries are located to within (run length)/n_min).  Deterministic."""
    t = np.asarray(t, float)
    phase = np.asarray(phase)
    cuts = np.flatnonzero(np.diff(phase) != 0) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [t.size]])
    extra = []
    for a, b in zip(starts, ends):
        if b - a < n_min:
            lo, hi = t[max(a - 1, 0)], t[min(b, t.size - 1)]
            if hi > lo:
                extra.append(np.linspace(lo, hi, n_min + 2)[1:-1])
    if not extra:
        return t
    u = np.unique(np.concatenate([t, *extra]))
    keep = np.concatenate([[True], np.diff(u) > 1e-9 * u[1:]])  # no near-duplicate nodes
    return u[keep]


def single_star_masses(grid_masses, n: int, extra=()) -> np.ndarray:
    """Initial masses [Msun] of the single-star tasks: the MIST grid masses in [8, 150] Msun plus
    the masses of seed Figs. 2-4 and ``extra`` (the M_up values: each IMF integral then ends on a
    node), with ``n_sub - 1`` masses equally spaced in ln M0 inside every interval, n_sub chosen
    so that there are at least ``n`` masses -- the quadrature of the collective wind
    (:func:`hpcsim.clusters.imf_integrals.mass_nodes`), so that the integrand's structure between
    grid tracks is resolved the same way.  For ``n`` below the number of grid masses (tests), a
    subset of the grid masses (every k-th, plus the required ones) is used."""
    gm = np.asarray(grid_masses, float)
    gm = gm[(gm >= M_LO_MASSIVE) & (gm <= 150.0)]
    req = np.unique(np.concatenate([[M_LO_MASSIVE, 150.0], FIG_MASSES, np.asarray(extra, float)]))
    edges = np.unique(np.concatenate([gm, req]))
    if n < edges.size:
        k = max(1, edges.size // max(n, 1))
        edges = np.unique(np.concatenate([edges[::k], req]))
        return edges
    n_sub = max(1, int(np.ceil((n - 1) / (edges.size - 1))))
    return mass_nodes(edges, M_LO_MASSIVE, 150.0, n_sub)


class InjectionScenario:
    name = "stellar_injection"

    def __init__(self, cfg: Config):
        self.cfg = cfg
        ic = cfg.injection
        self.elements = tuple(ic.elements)
        self.grid = TrackGrid.from_directory(locate_tracks(ic.track_dir or None))
        self.masses = single_star_masses(self.grid.masses, ic.n_masses, ic.m_up)
        self.m_ups = list(ic.m_up)
        self.wind = WindParams(wr_mode=ic.wr_vinf, nl00_vesc_2g=ic.nl00_vesc_2g)
        self.R = np.geomspace(1.0, 1.0e9, 181)  # GV, 20 nodes per decade
        self.i_he = self.elements.index("He")

    @property
    def n_tasks(self) -> int:
        return self.masses.size + len(self.m_ups)

    def schedule(self, pending):
        """Collective-wind tasks (the slowest: IMF integrals over ~700 masses) first, then the
        single stars, so no rank is left with a long task at the end."""
        return sorted(pending, key=lambda t: (t < self.masses.size, t))

    # -- task ------------------------------------------------------------------------------
    def _history_times(self, t_end_yr: float, dense=()):
        n = self.cfg.injection.n_times
        t = np.geomspace(T0_YR, t_end_yr, n)
        extra = [np.linspace(a, b, n // 4) for a, b in dense if b > a]
        return np.unique(np.concatenate([t, *extra])) if extra else t

    def _injection(self, t_yr, F, L, V, mdot_el):
        ic = self.cfg.injection
        dyn = evolve_wts(t_yr * YR, F, L, n0=ic.n0, T_hii=ic.T_hii, t0=T0_YR * YR)
        out = {"t": t_yr * YR, "F": F, "L": L, "V": V, "R_s": dyn["R_s"], "R_b": dyn["R_b"],
               "p": dyn["p"], "mdot_el": mdot_el}
        nt, nz = mdot_el.shape
        rmax = np.zeros((len(ic.turbulence), len(ic.eta_B), nt))
        nzr = np.zeros((len(ic.turbulence), len(ic.eta_B), nt, nz))
        on = L > 0
        for a, turb in enumerate(ic.turbulence):
            for b, eta in enumerate(ic.eta_B):
                res = inj.wind_history_injection(L[on], V[on], dyn["R_s"][on], mdot_el[on],
                                                 turbulence=turb, eta_B=eta,
                                                 eta_acc=ic.eta_acc, gamma=ic.gamma_inj,
                                                 L_c=ic.L_c * PC, elements=self.elements)
                rmax[a, b, on] = res["r_max"]
                nzr[a, b, on] = res["N_z"]
        out["r_max"], out["N_z"] = rmax, nzr
        return out

    def compute(self, tid: int) -> dict[str, np.ndarray]:
        ic = self.cfg.injection
        if tid < self.masses.size:
            m0 = float(self.masses[tid])
            life = self.grid.lifetime(m0)
            # dense sampling over the last 40 % of the life, where the phases change, and every
            # short phase (e.g. a WN stage of 0.03 Myr) resolved by PHASE_NODES nodes
            t_yr = self._history_times(life * 0.99999, dense=[(0.6 * life, life * 0.99999)])
            t_yr = refine_phases(t_yr, self.grid.star_history(m0, t_yr)["phase"])
            hist = wind_history(self.grid.star_history(m0, t_yr), self.wind)
            mdot_el = np.stack([hist[f"mdot_{e}"] for e in self.elements], axis=1)
            out = self._injection(t_yr, hist["F_w"], hist["L_w"], hist["vinf"], mdot_el)
            out.update(phase=hist["phase"].astype(np.int64), X_H=hist["X_H"],
                       m0=np.array(m0), mdot=hist["mdot"])
        else:
            m_up = self.m_ups[tid - self.masses.size]
            t_yr = self._history_times(ic.t_max * 1e6, dense=[(2.0e6, 6.0e6)])
            cw = collective_wind(self.grid, t_yr, m_up=m_up, params=self.wind)
            cw = cw.for_cluster(ic.cluster_mass)
            mdot_el = np.stack([cw.mdot_el[e] for e in self.elements], axis=1)
            out = self._injection(t_yr, cw.F, cw.L, cw.V, mdot_el)
            out.update(m_up=np.array(m_up), mdot=cw.mdot)
            for ph, arr in cw.by_phase.items():  # mass-loss rate and number of stars per phase
                out[f"mdot_phase_{ph}"] = np.asarray(arr["mdot"])
                out[f"n_phase_{ph}"] = np.asarray(arr["n"])
        return out

    # -- reduction -------------------------------------------------------------------------
    def _dgamma(self):
        """Per-element slope offsets of O-type epochs (harder He, module docstring of
        hpcsim.acceleration.injection item 9); None when zero."""
        dg = np.zeros(len(self.elements))
        dg[self.i_he] = self.cfg.injection.dgamma_he_o
        return dg if np.any(dg != 0) else None

    def _samples(self, tasks, a, b, m_up, source):
        """(N_z, r_max, weights[, dgamma]) sample sets of one source for turbulence a, eta b."""
        ic = self.cfg.injection
        if source.startswith("msc"):
            k = self.masses.size + self.m_ups.index(m_up)
            d = tasks[k]
            win = (0.0, ic.msc_window * MYR) if source == "msc_window" else None
            return [(d["N_z"][a, b], d["r_max"][a, b], inj.time_weights(d["t"], window=win))]
        sel, w_imf = self._imf(m_up)
        dg = self._dgamma()
        out = []
        for i, w in zip(sel, w_imf):
            d = tasks[i]
            o_mask, wr_mask = inj.phase_masks(d["phase"])
            if source in ("o_type", "o_wr"):
                out.append((d["N_z"][a, b], d["r_max"][a, b],
                            inj.time_weights(d["t"], mask=o_mask) * ic.cluster_mass * w, dg))
            if source in ("wr", "o_wr"):
                out.append((d["N_z"][a, b], d["r_max"][a, b],
                            inj.time_weights(d["t"], mask=wr_mask) * ic.cluster_mass * w))
        return out

    def _imf(self, m_up):
        """(task indices, weights [stars per Msun formed]) of the single-star IMF integral up to
        M_up (seed Eq. 7 times the number of massive stars): hat functions in ln M0 integrated
        against the exact Kroupa IMF on [0.08, M_up] (:func:`mass_weights`, the quadrature of
        the collective wind, seed Eqs. 2-5)."""
        sel = np.flatnonzero(self.masses <= m_up * (1 + 1e-12))
        return sel, mass_weights(self.masses[sel], 0.08, m_up)

    def _gamma_z(self, source):
        """Injection index of each element of a source (for Eq. 13)."""
        g = np.full(len(self.elements), self.cfg.injection.gamma_inj)
        if source == "o_type":
            g[self.i_he] += self.cfg.injection.dgamma_he_o
        return g

    def _combo(self, tasks, u, a, b):
        """Integrated spectra of every source for M_up index u, turbulence a, eta_B index b,
        and what the tables need from them (seed 001 Eqs. 7-13)."""
        ic = self.cfg.injection
        m_up = self.m_ups[u]
        res = {}
        for s in ("o_type", "wr", "msc", "msc_window"):
            res[s] = inj.integrated_spectrum(self.R, self._samples(tasks, a, b, m_up, s),
                                             gamma=ic.gamma_inj)
        res["o_wr"] = inj.combine_spectra(res["o_type"], res["wr"])
        row = {"reff": {}, "h_he": {}, "h_he_inj": {}}
        for s in SOURCES:
            g = self._gamma_z(s)
            row["reff"][s] = [inj.effective_max_rigidity(res[s], k, g[k]) for k in (0, 1)]
            row["h_he"][s] = inj.ratio_at(res[s], 0, 1)
            row["h_he_inj"][s] = inj.ratio_below_cutoff(res[s], 0, 1)
        return row, res

    #: the (M_up, turbulence, eta_B) spectra of the reduction are shared among the ranks
    parallel_reduce = True

    def _spectra_indices(self):
        """(b_spec, u_cl, u_ss): the eta_B index of the stored spectra and the M_up indices of
        the cluster and single-star classes."""
        ic = self.cfg.injection
        b_spec = int(np.argmin(np.abs(np.log(np.array(ic.eta_B) / ic.eta_B_spectra))))
        return b_spec, self.m_ups.index(ic.m_up_cluster), self.m_ups.index(ic.m_up_single)

    def _spectra_kept(self, u, b) -> bool:
        """Whether the integrated spectra of point (u, *, b) are stored or used by the classes."""
        b_spec, u_cl, u_ss = self._spectra_indices()
        return b == b_spec and (u == len(self.m_ups) - 1 or u in (u_cl, u_ss))

    def _point_key(self, point) -> str:
        """Cache key of the reduction of one (M_up, turbulence, eta_B) index triple."""
        text = f"injection-point:{self.cfg.physics_hash()}:{point}"
        return hashlib.sha256(text.encode()).hexdigest()

    def reduce(self, read_task, cache_dir=None, quiet=True, comm=None):
        """Tables, spectra and histories.  With ``comm`` (every rank calls it) the integrated
        spectra of the (M_up, turbulence, eta_B) points are computed on rank k for the points
        k, k + size, ... (each point on one rank, so the results are the same bit for bit for
        any number of ranks) and gathered on rank 0; other ranks return (None, None).  With
        ``cache_dir`` every finished point is checkpointed (RUNDIR/cache/reduction_point_*.h5):
        a reduction interrupted by a crash resumes from the points it had."""
        ic = self.cfg.injection
        tasks = [read_task(t) for t in range(self.n_tasks)]
        nT, nE, nU = len(ic.turbulence), len(ic.eta_B), len(self.m_ups)
        combos = [(u, a, b) for u in range(nU) for a in range(nT) for b in range(nE)]
        rank, size = (comm.rank, comm.size) if comm is not None else (0, 1)
        store = ArrayCache(cache_dir) if cache_dir is not None else None
        try:
            done = {}
            for c in combos[rank::size]:
                key = self._point_key(c)
                saved = store.load("reduction_point", key) if store is not None else None
                if saved is not None:  # checkpointed by an earlier, interrupted reduction
                    done[c] = _unpack_point(saved)
                    continue
                row, res = self._combo(tasks, *c)
                done[c] = (row, res if self._spectra_kept(c[0], c[2]) else None)
                if store is not None:
                    store.store("reduction_point", key, _pack_point(*done[c]))
            payload = (None, done)
        except Exception:  # every rank reaches the gather: no rank waits for a dead one
            if comm is None:
                raise
            import traceback
            payload = (traceback.format_exc(), None)
        if comm is not None:
            parts = comm.gather(payload, root=0)
            if rank != 0:
                return None, None
            errors = [f"rank {k}: {e}" for k, (e, _) in enumerate(parts) if e is not None]
            if errors:
                raise RuntimeError("reduction failed on " + "\n".join(errors))
            done = {}
            for _, d in parts:
                done.update(d)
        else:
            done = payload[1]
        return self._assemble(tasks, done)

    def _assemble(self, tasks, done):
        """results.h5 datasets from the task files and the per-point spectra ``done``."""
        ic = self.cfg.injection
        nT, nE, nU = len(ic.turbulence), len(ic.eta_B), len(self.m_ups)
        nz = len(self.elements)
        out, units = {}, {}

        def put(name, arr, unit):
            out[name] = np.asarray(arr)
            units[name] = unit

        put("injection/rigidity", self.R, "GV")
        put("injection/eta_B", np.array(ic.eta_B), "1")
        put("injection/m_up", np.array(self.m_ups), "Msun")
        put("injection/masses", self.masses, "Msun (single-star initial masses)")
        put("injection/elements", np.array(self.elements, dtype="S2"), "element symbols (rows)")
        reff = {s: np.full((nU, nT, nE, 2), np.nan) for s in SOURCES}
        h_he = {s: np.full((nU, nT, nE), np.nan) for s in SOURCES}
        h_he_inj = {s: np.full((nU, nT, nE), np.nan) for s in SOURCES}
        b_spec, u_cl, u_ss = self._spectra_indices()
        class_res = {}
        for u, m_up in enumerate(self.m_ups):
            for a, turb in enumerate(ic.turbulence):
                for b in range(nE):
                    row, res = done[(u, a, b)]
                    for s in SOURCES:
                        reff[s][u, a, b] = row["reff"][s]
                        h_he[s][u, a, b] = row["h_he"][s]
                        h_he_inj[s][u, a, b] = row["h_he_inj"][s]
                        if self._spectra_kept(u, b):
                            put(f"injection/spectra/m_up_{m_up:g}/{turb}/{s}", res[s]["S"],
                                "nuclei GV^-1 (time-integrated, per cluster; rows = elements)")
                    if b == b_spec:
                        for s in CLASSES:
                            if (u == (u_cl if s.startswith("msc") else u_ss)):
                                class_res[(s, turb)] = res[s]
        for s in SOURCES:
            put(f"injection/r_max_eff/{s}", reff[s],
                "GV [m_up x turbulence x eta_B x (H, He)] (seed 001 Eq. 13)")
            put(f"injection/h_he_3PV/{s}", h_he[s],
                "1 [m_up x turbulence x eta_B] ratio of the integrated spectra at 3 PV")
            put(f"injection/h_he_injected/{s}", h_he_inj[s],
                "1 [m_up x turbulence x eta_B] H/He at equal rigidity below the cutoffs "
                "(seed Fig. 7)")
        # observations: LHAASO knee (proton and helium fits) and H/He at 3 PV
        kp = lhaaso_knee_rigidity("proton")
        kh = lhaaso_knee_rigidity("helium")
        obs, obs_err = lhaaso_h_he_ratio(inj.H_HE_RIGIDITY_GV)
        put("injection/lhaaso/knee_proton", np.array(kp), "GV (value, 1 sigma)")
        put("injection/lhaaso/knee_helium", np.array(kh), "GV (value, 1 sigma)")
        put("injection/lhaaso/h_he_3PV", np.array([obs, obs_err]), "1 (value, 1 sigma)")
        # Table 1 (Bohm; every M_up; the seed's table is M_up = m_up_cluster = 150)
        a = ic.turbulence.index("bohm") if "bohm" in ic.turbulence else 0
        eta = np.array(ic.eta_B)
        table = {}
        for s in SOURCES:
            codes = np.full((nU, 3), -1, dtype=np.int64)
            det = {k: np.full(nU, np.nan) for k in ("eta_required", "reff_ratio", "extrapolated",
                                                     "h_he")}
            for u in range(nU):
                rh, rhe = reff[s][u, a, :, 0], reff[s][u, a, :, 1]
                ok = np.isfinite(rh) & np.isfinite(rhe)
                try:
                    v = inj.table1_verdicts(eta[ok], rh[ok], rhe[ok], h_he_inj[s][u, a][ok],
                                            obs, obs_err, knee_h=kp, knee_he=kh,
                                            eta_B_max=ic.eta_B_max, n_sigma_break=ic.knee_n_sigma,
                                            n_sigma=ic.h_he_n_sigma)
                except ValueError:  # no finite R_eff or the knee is unreachable: fails
                    v = {"break": False, "eta_B": None, "h_he": None, "eta_req": np.nan,
                         "ratio": np.nan, "extrapolated": True, "h_he_value": np.nan}
                codes[u] = [{True: 1, False: 0, None: -1}[v[k]] for k in ("break", "eta_B", "h_he")]
                det["eta_required"][u] = v["eta_req"]
                det["reff_ratio"][u] = v["ratio"]
                det["extrapolated"][u] = float(v["extrapolated"])
                det["h_he"][u] = v["h_he_value"]
            put(f"injection/table1/{s}/verdicts", codes,
                "1 [m_up x (break, eta_B limit, H/He)]: 1 pass, 0 fail, -1 not evaluated")
            put(f"injection/table1/{s}/eta_required", det["eta_required"],
                "1 [m_up] eta_B where sqrt(R_eff(H) R_eff(He)) reaches the LHAASO knee")
            put(f"injection/table1/{s}/reff_ratio", det["reff_ratio"],
                "1 [m_up] R_eff(He)/R_eff(H) at eta_required")
            put(f"injection/table1/{s}/extrapolated", det["extrapolated"],
                "1 [m_up] 1 if eta_required lies outside the eta_B scan (log-log extrapolation)")
            put(f"injection/table1/{s}/h_he", det["h_he"],
                "1 [m_up] injected H/He at equal rigidity at eta_required")
            table[s] = codes[u_cl].tolist()
        r_obs = kh[0] / kp[0]
        put("injection/table1/lhaaso_knee_ratio",
            np.array([r_obs, r_obs * np.hypot(kp[1] / kp[0], kh[1] / kh[0])]),
            "1 (He/H knee rigidity ratio, 1 sigma)")
        put("injection/table1/m_up", np.array(ic.m_up_cluster), "Msun (M_up of seed Table 1)")
        # Table 3 and the per-class results for the propagation stage (at eta_B_spectra)
        put("injection/classes/eta_B", np.array(ic.eta_B[b_spec]), "1")
        for s in CLASSES:
            m_up = ic.m_up_cluster if s.startswith("msc") else ic.m_up_single
            u = self.m_ups.index(m_up)
            for turb in ic.turbulence:
                res = class_res[(s, turb)]
                base = f"injection/classes/{s}/{turb}"
                W = sum(grp[0].sum(axis=0) for grp in res["_groups"])  # int N_Z dt [nuclei]
                put(f"{base}/abundance", W / W.sum(),
                    "1 (number fractions of the nuclei injected above 1 GV; seed Table 3)")
                e_z = inj.spectrum_energy(res, self.elements)
                put(f"{base}/spectrum", res["S"] / e_z.sum(),
                    "nuclei GV^-1 erg^-1 [element x rigidity] per erg of CRs above 1 GV")
                put(f"{base}/cr_energy", np.array(e_z.sum()),
                    f"erg (CRs above 1 GV per cluster of {ic.cluster_mass:g} Msun)")
                g = self._gamma_z(s)
                put(f"{base}/gamma", g, "1 [element] injection index of Eq. 6")
                put(f"{base}/r_max_eff", np.array([inj.effective_max_rigidity(res, k, g[k])
                                                   for k in range(nz)]),
                    "GV [element] (seed Eq. 13)")
                put(f"{base}/r_max", np.array(inj.effective_max_rigidity(
                    inj.sum_species(res), 0, ic.gamma_inj)),
                    "GV (Eq. 13 on the all-nuclei spectrum: the R_max of one Eq.-6 cutoff)")
                put(f"{base}/m_up", np.array(m_up), "Msun")
            put(f"injection/table3/{s}", out[f"injection/classes/{s}/bohm/abundance"]
                if "bohm" in ic.turbulence else out[f"injection/classes/{s}/{ic.turbulence[0]}/abundance"],
                "1 (number fractions of injected nuclei, rows = elements)")
        # energy budget: collective wind (Eq. 14) and clusters below collective_min_mass
        d = tasks[self.masses.size + u_cl]
        e_cl = float(np.sum(inj.time_weights(d["t"]) * d["L"]))
        m_lo, m_hi = ic.cluster_mass_range
        put("injection/cluster_wind_energy", np.array(e_cl),
            f"erg (collective wind, cluster_mass, M_up = {ic.m_up_cluster:g})")
        put("injection/msc_energy_rate", np.array(inj.msc_energy_rate(
            sfr=ic.sfr, e_cluster=e_cl, m_min=m_lo, m_max=m_hi, m_cw=ic.collective_min_mass)),
            "erg yr^-1 (seed 001 Eq. 14)")
        put("injection/msc_energy_rate_seed_inputs", np.array(inj.msc_energy_rate()),
            "erg yr^-1 (Eq. 14 with the seed's 1e53 erg)")
        sel, w_imf = self._imf(ic.m_up_single)
        e_per_msun = sum(w * float(np.sum(inj.time_weights(tasks[i]["t"]) * tasks[i]["L"]))
                         for i, w in zip(sel, w_imf))
        put("injection/wind_energy_per_msun_single", np.array(e_per_msun),
            f"erg Msun^-1 (single-star winds, IMF to M_up = {ic.m_up_single:g})")
        put("injection/small_cluster_energy_rate", np.array(inj.cluster_energy_rate(
            ic.sfr, e_per_msun, m_lo, ic.collective_min_mass, m_lo, m_hi)),
            f"erg yr^-1 (clusters of {m_lo:g}-{ic.collective_min_mass:g} Msun, seed Sec. III.3)")
        # histories for seed Figs. 2-4
        for m in FIG_MASSES:
            i = int(np.argmin(np.abs(self.masses - m)))
            self._store_history(put, f"injection/history/star_{m:g}", tasks[i])
        self._store_history(put, "injection/history/cluster", tasks[self.masses.size + u_cl])
        self.table1 = table
        self.out_view = out
        return out, units

    def _store_history(self, put, base, d):
        ic = self.cfg.injection
        put(f"{base}/t", d["t"] / MYR, "Myr")
        put(f"{base}/L", d["L"], "erg s^-1")
        put(f"{base}/F", d["F"], "dyn")
        put(f"{base}/V", d["V"], "cm s^-1")
        put(f"{base}/R_s", d["R_s"] / PC, "pc")
        put(f"{base}/R_b", d["R_b"] / PC, "pc")
        put(f"{base}/p", d["p"], "dyn cm^-2")
        put(f"{base}/mdot_el", d["mdot_el"], "g s^-1 [time x element]")
        b = int(np.argmin(np.abs(np.log(np.array(ic.eta_B) / ic.eta_B_spectra))))
        put(f"{base}/r_max", d["r_max"][:, b], f"GV [turbulence x time] at eta_B={ic.eta_B[b]:g}")
        put(f"{base}/N_z", d["N_z"][:, b], "s^-1 [turbulence x time x element]")
        if "phase" in d:
            put(f"{base}/phase", d["phase"], "0 dead, 1 O-type, 2 RSG/transitional, 3 WN, 4 WC")
        for ph in ("O", "RSG", "WN", "WC"):
            if f"n_phase_{ph}" in d:
                put(f"{base}/n_phase_{ph}", d[f"n_phase_{ph}"],
                    f"stars >= 8 Msun in phase {ph} (per cluster)")

    def summary(self, out: dict) -> str:
        ic = self.cfg.injection
        lines = [f"seed 001 Table 1 (Bohm, M_up = {ic.m_up_cluster:g}): break / eta_B limit / "
                 "H/He (1 pass, 0 fail, -1 not evaluated)"]
        for s, code in self.table1.items():
            lines.append(f"  {SOURCE_LABELS[s]:40s} {code}")
        lines.append(f"MSC energy injection rate (Eq. 14): "
                     f"{float(out['injection/msc_energy_rate']):.2e} erg/yr; clusters below "
                     f"{ic.collective_min_mass:g} Msun: "
                     f"{float(out['injection/small_cluster_energy_rate']):.2e} erg/yr")
        return "\n".join(lines)


def _pack_point(row: dict, res: dict | None) -> dict[str, np.ndarray]:
    """One reduction point (:meth:`InjectionScenario._combo`'s row and, where kept, its
    integrated spectra with their sample groups) as flat arrays."""
    out = {f"row/{q}/{s}": np.asarray(v, dtype=float) for q in ("reff", "h_he", "h_he_inj")
           for s, v in row[q].items()}
    for s, r in (res or {}).items():
        for k in ("R", "S", "D", "slope", "_gamma"):
            out[f"res/{s}/{k}"] = np.asarray(r[k], dtype=float)
        for i, grp in enumerate(r["_groups"]):
            for name, v in zip(("W", "RM", "c", "sh", "g"), grp):
                out[f"res/{s}/groups/{i:04d}/{name}"] = np.asarray(v, dtype=float)
    return out


def _unpack_point(flat: dict) -> tuple[dict, dict | None]:
    """The inverse of :func:`_pack_point` (0-d arrays back to floats)."""
    def val(a):
        return float(a) if np.ndim(a) == 0 else a
    row = {q: {} for q in ("reff", "h_he", "h_he_inj")}
    res: dict = {}
    for name, a in flat.items():
        part = name.split("/")
        if part[0] == "row":
            row[part[1]][part[2]] = list(a) if part[1] == "reff" else float(a)
        elif part[2] == "groups":
            grp = res.setdefault(part[1], {}).setdefault("_groups", {})
            grp.setdefault(int(part[3]), {})[part[4]] = val(a)
        else:
            res.setdefault(part[1], {})[part[2]] = val(a)
    for r in res.values():
        g = r.get("_groups", {})
        r["_groups"] = [tuple(g[i][n] for n in ("W", "RM", "c", "sh", "g")) for i in sorted(g)]
    return row, (res or None)
