"""Scenario of seed 001 Secs. II-III: time-dependent CR injection of evolving stars and clusters.

Tasks: one per single-star initial mass M0 (log-spaced 8-150 Msun plus 40, 80 and 120 Msun,
the stars of seed Figs. 2-4) and one per upper IMF mass M_up for the collective wind of a
cluster.  A task builds the wind history (MIST track, Vink 2001 / WR terminal velocities,
element injection rates; or their IMF integrals, seed Eqs. 2, 5), solves the termination-shock
dynamics (Eq. 4) once, and then, for every turbulence model and eta_B of the scan, the maximum
rigidity R_max(t) (Eq. 10) and the injection rates N_Z(t) (Eqs. 11-12).  The eta_B x turbulence
grid lives inside the task because the bubble dynamics do not depend on it: splitting it into
tasks would repeat the ODE.

Reduction (rank 0, task-id order): time- and IMF-integrated injection spectra of a cluster of
``cluster_mass`` (Eqs. 6-7), split by phase (O-type, WR at X_H < 0.1) for single-star winds and
total (and first ``msc_window``) for the collective wind; R_max^eff of H and He vs eta_B (Eq. 13,
Fig. 6); H/He at 3 PV (Fig. 7); the pass/fail table (Table 1); the abundance table (Table 3);
the Galactic energy budget (Eq. 14).
"""

from __future__ import annotations

import numpy as np

from ..acceleration import injection as inj
from ..clusters.imf_integrals import collective_wind
from ..clusters.wts_dynamics import evolve_wts
from ..config import Config
from ..constants import MYR, PC, YR
from ..observations import lhaaso_h_he_ratio, lhaaso_knee_rigidity
from ..stars.mist import locate_tracks
from ..stars.tracks import TrackGrid
from ..stars.vink2001 import wind_history

ELEMENTS = inj.ELEMENTS
SOURCES = ("o_wr", "o_type", "wr", "msc", "msc_window")
SOURCE_LABELS = {"o_wr": "O-type + WR stars", "o_type": "O-type stars", "wr": "WR stars",
                 "msc": "MSC collective wind", "msc_window": "MSC collective wind (first window)"}
FIG_MASSES = (40.0, 80.0, 120.0)
T0_YR = 1.0e4  # start of the histories (seed 001 Sec. II.2: 1e4 yr)


def single_star_masses(n: int) -> np.ndarray:
    """Log-spaced initial masses 8-150 Msun plus the masses of seed Figs. 2-4."""
    return np.unique(np.concatenate([np.geomspace(8.0, 150.0, n), FIG_MASSES]))


class InjectionScenario:
    name = "stellar_injection"

    def __init__(self, cfg: Config):
        self.cfg = cfg
        ic = cfg.injection
        self.grid = TrackGrid.from_directory(locate_tracks(ic.track_dir or None))
        self.masses = single_star_masses(ic.n_masses)
        self.m_ups = list(ic.m_up)
        self.R = np.geomspace(1.0, 1.0e8, 161)  # GV

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
                                                 L_c=ic.L_c * PC)
                rmax[a, b, on] = res["r_max"]
                nzr[a, b, on] = res["N_z"]
        out["r_max"], out["N_z"] = rmax, nzr
        return out

    def compute(self, tid: int) -> dict[str, np.ndarray]:
        ic = self.cfg.injection
        if tid < self.masses.size:
            m0 = float(self.masses[tid])
            life = self.grid.lifetime(m0)
            # dense sampling over the last 40 % of the life, where the phases change
            t_yr = self._history_times(life * 0.99999, dense=[(0.6 * life, life * 0.99999)])
            hist = wind_history(self.grid.star_history(m0, t_yr))
            mdot_el = np.stack([hist[f"mdot_{e}"] for e in ELEMENTS], axis=1)
            out = self._injection(t_yr, hist["F_w"], hist["L_w"], hist["vinf"], mdot_el)
            out.update(phase=hist["phase"].astype(np.int64), X_H=hist["X_H"],
                       m0=np.array(m0), mdot=hist["mdot"])
        else:
            m_up = self.m_ups[tid - self.masses.size]
            t_yr = self._history_times(ic.t_max * 1e6, dense=[(2.0e6, 6.0e6)])
            cw = collective_wind(self.grid, t_yr, m_up=m_up).for_cluster(ic.cluster_mass)
            mdot_el = np.stack([cw.mdot_el[e] for e in ELEMENTS], axis=1)
            out = self._injection(t_yr, cw.F, cw.L, cw.V, mdot_el)
            out.update(m_up=np.array(m_up), mdot=cw.mdot)
            for ph, arr in cw.by_phase.items():  # mass-loss rate of the stars in each phase
                out[f"mdot_phase_{ph}"] = np.asarray(arr["mdot"])
        return out

    # -- reduction -------------------------------------------------------------------------
    def _samples(self, tasks, a, b, m_up, source):
        """(N_z, r_max, weights) triples of one source for turbulence a, eta index b."""
        ic = self.cfg.injection
        if source.startswith("msc"):
            k = self.masses.size + self.m_ups.index(m_up)
            d = tasks[k]
            win = (0.0, ic.msc_window * MYR) if source == "msc_window" else None
            return [(d["N_z"][a, b], d["r_max"][a, b], inj.time_weights(d["t"], window=win))]
        sel = self.masses <= m_up + 1e-9
        w_imf = inj.imf_weights(self.masses[sel], m_up=m_up)
        n_stars = inj.stars_per_cluster(ic.cluster_mass, m_up=m_up)
        out = []
        for i, w in zip(np.flatnonzero(sel), w_imf):
            d = tasks[i]
            o_mask, wr_mask = inj.phase_masks(d["X_H"])
            mask = {"o_wr": None, "o_type": o_mask, "wr": wr_mask}[source]
            out.append((d["N_z"][a, b], d["r_max"][a, b],
                        inj.time_weights(d["t"], mask=mask) * n_stars * w))
        return out

    def reduce(self, read_task, cache_dir=None, quiet=True):
        ic = self.cfg.injection
        tasks = [read_task(t) for t in range(self.n_tasks)]
        nT, nE, nU = len(ic.turbulence), len(ic.eta_B), len(self.m_ups)
        out, units = {}, {}

        def put(name, arr, unit):
            out[name] = np.asarray(arr)
            units[name] = unit

        put("injection/rigidity", self.R, "GV")
        put("injection/eta_B", np.array(ic.eta_B), "1")
        put("injection/m_up", np.array(self.m_ups), "Msun")
        put("injection/masses", self.masses, "Msun (single-star initial masses)")
        reff = {s: np.full((nU, nT, nE, 2), np.nan) for s in SOURCES}
        h_he = {s: np.full((nU, nT, nE), np.nan) for s in SOURCES}
        b_spec = int(np.argmin(np.abs(np.log(np.array(ic.eta_B) / ic.eta_B_spectra))))
        for u, m_up in enumerate(self.m_ups):
            for a, turb in enumerate(ic.turbulence):
                for b in range(nE):
                    for s in SOURCES:
                        res = inj.integrated_spectrum(self.R, self._samples(tasks, a, b, m_up, s),
                                                      gamma=ic.gamma_inj)
                        for k in (0, 1):
                            try:
                                reff[s][u, a, b, k] = inj.effective_max_rigidity(res, k, ic.gamma_inj)
                            except ValueError:
                                pass  # slope never reaches gamma - 1 on the grid: left NaN
                        h_he[s][u, a, b] = inj.ratio_at(res, 0, 1)
                        if b == b_spec:
                            put(f"injection/spectra/m_up_{m_up:g}/{turb}/{s}", res["S"],
                                "nuclei GV^-1 (time-integrated, per cluster; rows = elements)")
        put("injection/elements", np.array(ELEMENTS, dtype="S2"), "element symbols (rows)")
        for s in SOURCES:
            put(f"injection/r_max_eff/{s}", reff[s],
                "GV [m_up x turbulence x eta_B x (H, He)] (seed 001 Eq. 13)")
            put(f"injection/h_he_3PV/{s}", h_he[s], "1 [m_up x turbulence x eta_B]")
        # observations: LHAASO knee (proton and helium fits) and H/He at 3 PV
        kp, kpe = lhaaso_knee_rigidity("proton")
        kh, khe = lhaaso_knee_rigidity("helium")
        lo, hi = min(kp - kpe, kh - khe), max(kp + kpe, kh + khe)
        knee, knee_err = 0.5 * (lo + hi), 0.5 * (hi - lo)
        obs, obs_err = lhaaso_h_he_ratio(inj.H_HE_RIGIDITY_GV)
        put("injection/lhaaso/knee_proton", np.array([kp, kpe]), "GV (value, 1 sigma)")
        put("injection/lhaaso/knee_helium", np.array([kh, khe]), "GV (value, 1 sigma)")
        put("injection/lhaaso/h_he_3PV", np.array([obs, obs_err]), "1 (value, 1 sigma)")
        # Table 1 (Bohm, largest M_up; seed 001 Sec. III)
        a = ic.turbulence.index("bohm") if "bohm" in ic.turbulence else 0
        u = int(np.argmax(self.m_ups))
        table = {}
        for s in ("msc_window", "o_wr", "o_type", "wr"):
            rh, rhe = reff[s][u, a, :, 0], reff[s][u, a, :, 1]
            ok = np.isfinite(rh) & np.isfinite(rhe)
            try:
                v = inj.table1_verdicts(np.array(ic.eta_B)[ok], rh[ok], rhe[ok], h_he[s][u, a][ok],
                                        obs, obs_err, knee=knee, knee_err=knee_err)
            except ValueError:  # R_eff not monotonic in eta_B: the break test cannot pass
                v = {"break": False, "eta_B": None, "h_he": None, "eta_req": None}
            code = [{True: 1, False: 0, None: -1}[v[k]] for k in ("break", "eta_B", "h_he")]
            put(f"injection/table1/{s}", np.array(code),
                "1 (break, eta_B limit, H/He): 1 pass, 0 fail, -1 not evaluated")
            put(f"injection/table1_eta_required/{s}",
                np.array(np.nan if v["eta_req"] is None else v["eta_req"]), "1")
            table[s] = code
        # Table 3 (CR-weighted abundances at eta_B_spectra, Bohm, largest M_up)
        for s in ("msc_window", "o_type", "wr"):
            samples = self._samples(tasks, a, b_spec, self.m_ups[u], s)
            tot = sum((nz * wt[:, None]).sum(axis=0) for nz, _, wt in samples)
            put(f"injection/table3/{s}", tot / tot.sum(),
                "1 (number fractions of injected nuclei, rows = elements)")
        # energy budget (Eq. 14) with the collective-wind energy of the largest-M_up cluster
        d = tasks[self.masses.size + u]
        e_cl = float(np.sum(inj.time_weights(d["t"]) * d["L"]))
        put("injection/cluster_wind_energy", np.array(e_cl), "erg (cluster_mass, largest m_up)")
        put("injection/msc_energy_rate", np.array(inj.msc_energy_rate(e_cluster=e_cl)),
            "erg yr^-1 (seed 001 Eq. 14)")
        put("injection/msc_energy_rate_seed_inputs", np.array(inj.msc_energy_rate()),
            "erg yr^-1 (Eq. 14 with the seed's 1e53 erg)")
        # histories for seed Figs. 2-4
        for m in FIG_MASSES:
            i = int(np.argmin(np.abs(self.masses - m)))
            self._store_history(put, f"injection/history/star_{m:g}", tasks[i])
        self._store_history(put, "injection/history/cluster",
                            tasks[self.masses.size + u])
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
            put(f"{base}/phase", d["phase"], "0 dead, 1 O-type, 2 RSG, 3 WN, 4 WC")

    def summary(self, out: dict) -> str:
        lines = ["seed 001 Table 1 (Bohm, largest M_up): break / eta_B limit / H/He "
                 "(1 pass, 0 fail, -1 not evaluated)"]
        for s, code in self.table1.items():
            lines.append(f"  {SOURCE_LABELS[s]:40s} {code}")
        lines.append(f"MSC energy injection rate (Eq. 14): "
                     f"{float(out['injection/msc_energy_rate']):.2e} erg/yr")
        return "\n".join(lines)
