"""Scenario "knee": seed 001 Sec. IV — SNRs, O-type and WR winds and massive-star-cluster winds
propagated to Earth (Figs. 8-10), with the injection stage of Secs. II-III in the same job.

Phases (each starts when the previous one's task files are written; :meth:`prepare_phase` sets
its tasks, on every rank and after every resume, from the task files alone):
* phase 0: the seed-001 injection grid (:class:`~.stellar_injection.InjectionScenario`), if
  ``knee.run_injection``, and the first transport points: the whole [propagation] scan
  (``fit_method = "grid"``) or the first generation of the differential evolution
  (:mod:`hpcsim.optimize`), each a Z <= ``fit_z_max`` network injected by the SNR class and
  scored against B/C and B/O (``knee.fit_data``) with phi profiled
  (:mod:`hpcsim.propagation.transport_fit`);
* phases 1 ... de_generations: one generation of the evolution each;
* last phase: the four source classes (:mod:`hpcsim.propagation.source_classes`; the stellar
  ones from the injection stage with ``sources.from_injection``) propagated with the best
  transport point on the [propagation] grid (H ... Ni), one task per class (linearity).
Reduction: class factors from the energy budgets (power above 1 GV, one factor from the AMS-02
proton flux at ``norm_rigidity``) and fitted to the p, He, C, O fluxes (NNLS), the one of
``knee.class_weights`` used; element spectra per class and total, LIS and modulated with the
best phi; the nearby Type Ia SNR (:mod:`hpcsim.propagation.nearby_source`); the seed's claims as
numbers (dominant classes, hardening and knee rigidities, H/He at the knee, Mg/Si/S and Fe
slopes with and without the Type Ia source).
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from ..config import Config, LOG_FIT_KEYS, SCAN_KEYS
from ..observations import DOMINANT_A, cr_measurement, cr_to_rigidity
from ..optimize import Evolution
from ..propagation.nearby_source import burst_number_fractions, burst_spectra
from ..propagation.observables import LocalFluxes, SunFluxes
from ..propagation.source_classes import (CLASSES, FROM_INJECTION, LABELS, class_injections,
                                          class_weights, fit_class_factors,
                                          injection_stage_class, wind_budget_split)
from ..propagation.transport_fit import ELEMENTS, profile_phi, ratio_from_measurement
from .propagation import PropagationScenario

FLUX_R = "m^-2 s^-1 sr^-1 GV^-1"
ELEMENTS_OUT = (1, 2, 6, 7, 8, 10, 12, 14, 16, 26)
BANDS_GV = ((1e1, 1e2), (1e2, 1e3), (1e3, 1e4), (1e4, 1e5), (1e5, 1e6), (1e6, 1e7))


class KneeScenario:
    name = "knee"

    def __init__(self, cfg: Config):
        self.cfg = cfg
        kc, pc = cfg.knee, cfg.propagation
        self.quiet = False
        self.inj = None
        if kc.run_injection:
            from .stellar_injection import InjectionScenario
            self.inj = InjectionScenario(cfg)
        self.n_inj = self.inj.n_tasks if self.inj else 0
        cfg_fit = replace(cfg, propagation=replace(pc, z_max=kc.fit_z_max, e_max=kc.fit_e_max,
                                                   keep_full=[]))
        self.evo = None
        points = None
        if kc.fit_method == "evolution":
            # generation g is tasks n_inj + g P ... + (g+1) P - 1; its points are known once
            # generation g-1 is scored (prepare_phase), generation 0 is a Latin hypercube
            self.log_key = [k in LOG_FIT_KEYS for k in kc.fit_keys]
            self.evo = Evolution([(np.log10(lo), np.log10(hi)) if lg else (lo, hi)
                                  for lo, hi, lg in zip(kc.fit_lo, kc.fit_hi, self.log_key)],
                                 kc.de_population, kc.de_seed, strategy=kc.de_strategy)
            self.population = self.evo.initial()
            self.generation = 0
            points = self._points(self.population) * (kc.de_generations + 1)
        self.fit = PropagationScenario(cfg_fit, compositions={"snr": class_injections("snr")},
                                       points=points)
        self.n_fit = self.fit.n_tasks
        self.comps = {c: class_injections(c) for c in CLASSES}
        self.powers = {"snr": kc.power_snr, "o_type": kc.power_o_type, "wr": kc.power_wr,
                       "msc": kc.power_msc}
        self._inj_reduced = None
        self.injection_summary = None
        self.data = [self._inside_grid(ratio_from_measurement(t, cr_measurement(*t.split()),
                                                              kc.fit_x_min))
                     for t in kc.fit_data]
        self.cls = None
        self.best = None

    def _inside_grid(self, d):
        """The data points the fit's energy grid covers (B and C isotopes with A/Z <= 2.2)."""
        kc, pc = self.cfg.knee, self.cfg.propagation
        lo, hi = pc.e_min, kc.fit_e_max
        if d.x_kind == "rigidity":
            m = 0.938272
            lo, hi = (2.2 * np.sqrt(e * (e + 2 * m)) for e in (lo, hi))
        keep = (d.x >= lo) & (d.x <= hi)
        if not keep.any():
            from ..config import ConfigError
            raise ConfigError("knee.fit_data", f"{d.name}: no data point inside the fit's "
                              f"energy grid ({pc.e_min} - {kc.fit_e_max} GeV/n)")
        return replace(d, x=d.x[keep], y=d.y[keep], sigma=d.sigma[keep])

    @property
    def n_tasks(self) -> int:
        return self.n_inj + self.n_fit + len(CLASSES)

    def _points(self, vectors) -> list[dict]:
        """Evolution vectors -> parameter dicts (log10 undone for LOG_FIT_KEYS)."""
        return [{k: float(10 ** x if lg else x)
                 for k, x, lg in zip(self.cfg.knee.fit_keys, v, self.log_key)} for v in vectors]

    def phases(self):
        a, b = self.n_inj, self.n_inj + self.n_fit
        if self.evo is None:
            return [range(0, b), range(b, self.n_tasks)]
        P = self.evo.P
        return ([range(0, a + P)] + [range(a + g * P, a + (g + 1) * P)
                                     for g in range(1, self.cfg.knee.de_generations + 1)]
                + [range(b, self.n_tasks)])

    def schedule(self, pending):
        inj = [t for t in pending if t < self.n_inj]
        if self.inj is not None and hasattr(self.inj, "schedule"):
            inj = self.inj.schedule(inj)
        return inj + [t for t in pending if t >= self.n_inj]

    # -- the transport fit ---------------------------------------------------------------------
    def score(self, read_task, points=None):
        """chi^2 (phi profiled) of transport points (all by default) -> (chi2, phi,
        per-dataset chi2)."""
        pc = self.cfg.propagation
        rows = []
        for k in (range(len(self.fit.points)) if points is None else points):
            point = self.fit.points[k]
            g = self.fit.grid(point)
            d = read_task(self.n_inj + k)
            sf = SunFluxes(self.fit._result(g, d), pc.observer_r, (pc.norm_energy, 1.0, "p"))
            rows.append(profile_phi(sf, self.data, np.array(self.cfg.knee.fit_phi))[:3])
        chi2 = np.array([r[0] for r in rows])
        return chi2, np.array([r[1] for r in rows]), np.array([r[2] for r in rows])

    def _evolve(self, read_task, upto: int, scored: bool):
        """Replay the evolution from the scores on disk and set the points of generations
        1 ... ``upto`` (``scored``: generation ``upto`` is done too).  Every rank, and every
        resume, replays the same search."""
        P = self.evo.P
        pop = self.evo.initial()
        scores = self.score(read_task, range(P))[0]
        self.best_by_generation = [float(scores.min())]
        for g in range(1, upto + 1):
            trials = self.evo.trials(pop, g, scores)
            self.fit.points[g * P:(g + 1) * P] = self._points(trials)
            if g == upto and not scored:
                break
            s = self.score(read_task, range(g * P, (g + 1) * P))[0]
            pop, scores = self.evo.select(pop, scores, trials, s)
            self.best_by_generation.append(float(scores.min()))
        self.population = pop

    def prepare_phase(self, k: int, read_task):
        G = self.cfg.knee.de_generations
        if self.evo is not None:
            self._evolve(read_task, min(k, G), scored=k > G)
            if k <= G:
                return (f"transport fit: generation {k - 1} of {G} done, best chi2 "
                        f"{self.best_by_generation[-1]:.1f}")
        if self.cfg.sources.from_injection:
            self._sources_from_injection(read_task)
        chi2, phi, _ = self.score(read_task)
        i = int(np.argmin(chi2))
        self.best = {"index": i, "point": self.fit.points[i], "phi": float(phi[i]),
                     "chi2": float(chi2[i])}
        self.cls = PropagationScenario(self.cfg, compositions=self.comps,
                                       points=[self.fit.points[i]])
        self.cls.quiet = self.quiet
        pt = ", ".join(f"{key}={v:.4g}" for key, v in self.best["point"].items())
        return f"transport fit: best chi2 {chi2[i]:.1f} at {pt}, phi={phi[i]:g} GV"

    def _h_he(self, ic):
        """Injected H/He at equal rigidity of an injection-stage class."""
        el = list(self.injection_summary["elements"])
        ab = self.injection_summary["classes"][ic]["abundance"]
        return float(ab[el.index("H")] / ab[el.index("He")])

    def _injection_results(self, read_task):
        """The injection stage reduced (once per process; its tasks are all in phase 0)."""
        if self._inj_reduced is None:
            self._inj_reduced = self.inj.reduce(read_task, quiet=True)
        return self._inj_reduced

    def _sources_from_injection(self, read_task):
        """O-type, WR and MSC classes from this job's injection stage (sources.from_injection):
        their Eq. 6 indices, Eq. 13 cutoffs and abundances, and the small clusters' wind budget
        split in proportion to the two phases' CR energies."""
        from ..acceleration.injection import class_injection_summary
        sc, kc = self.cfg.sources, self.cfg.knee
        summ = class_injection_summary(self._injection_results(read_task)[0],
                                       sc.injection_turbulence)
        for c, ic in FROM_INJECTION.items():
            self.comps[c] = injection_stage_class(summ["elements"], summ["classes"][ic])
        e = {c: summ["classes"][c]["cr_energy"] for c in ("o_type", "wr")}
        self.powers["o_type"], self.powers["wr"] = wind_budget_split(
            kc.power_o_type + kc.power_wr, e["o_type"], e["wr"])
        self.injection_summary = summ

    # -- tasks ---------------------------------------------------------------------------------
    def compute(self, tid: int) -> dict[str, np.ndarray]:
        if tid < self.n_inj:
            return self.inj.compute(tid)
        if tid < self.n_inj + self.n_fit:
            self.fit.quiet = True
            return self.fit.compute(tid - self.n_inj)
        if not self.quiet:
            c = CLASSES[tid - self.n_inj - self.n_fit]
            sys.stderr.write(f"[hpcsim]   propagating {LABELS[c]} with point "
                             f"{self.best['index']} ...\n")
        return self.cls.compute(self.cls.classes.index(CLASSES[tid - self.n_inj - self.n_fit]))

    # -- reduction -----------------------------------------------------------------------------
    def reduce(self, read_task, cache_dir=None, quiet=True):
        kc, pc = self.cfg.knee, self.cfg.propagation
        out, units = {}, {}
        if self.inj is not None:
            o, u = self._injection_results(read_task)
            out.update(o)
            units.update(u)

        def put(name, arr, unit):
            out[name] = np.asarray(arr)
            units[name] = unit

        # transport fit
        chi2, phi, per = self.score(read_task)
        n_data = sum(d.y.size for d in self.data)
        for key in SCAN_KEYS:
            put(f"knee/fit/{key}", [p.get(key, getattr(pc, key)) for p in self.fit.points],
                "scan values (propagation units)")
        put("knee/fit/chi2", chi2, f"1 ({n_data} points: {', '.join(kc.fit_data)})")
        put("knee/fit/phi", phi, "GV (best potential of each point)")
        put("knee/fit/chi2_per_dataset", per, "1 [point x dataset]")
        put("knee/fit/datasets", np.array(kc.fit_data, dtype="S"), "dataset names")
        i = self.best["index"]
        put("knee/fit/best_index", np.array(i), "point index")
        if self.evo is not None:
            put("knee/fit/generation", np.arange(self.n_fit) // self.evo.P,
                "evolution generation of each point")
            put("knee/fit/best_chi2_by_generation", self.best_by_generation,
                "1 (best chi2 after each generation)")
        spread = {}
        for lev in (1.0, 4.0):
            ok = chi2 <= chi2[i] + lev
            for key in SCAN_KEYS:
                vals = np.array([p.get(key, getattr(pc, key)) for p in self.fit.points])[ok]
                spread[(lev, key)] = (vals.min(), vals.max())
                put(f"knee/fit/spread_{lev:g}/{key}", np.array([vals.min(), vals.max()]),
                    f"range over points with chi2 <= min + {lev:g}")
        self.spread = spread
        # the four classes: unit factors first, then the budget factors (energy budgets, one
        # factor from AMS-02 protons) and the fitted factors (NNLS on weight_fit_data)
        powers = self.powers
        w = class_weights(self.comps, powers)
        put("knee/sources_from_injection", np.array(self.cfg.sources.from_injection),
            "1: O-type, WR, MSC spectra from this job's injection stage; 0: seed Tables 2-3")
        if self.injection_summary is not None:
            for c, ic in FROM_INJECTION.items():
                cl = self.injection_summary["classes"][ic]
                put(f"knee/class_injection/{c}/gamma", -cl["gamma"],
                    "1 (index of the injection per unit rigidity, per element)")
                put(f"knee/class_injection/{c}/r_max", np.array(cl["r_max"]), "GV (Eq. 13)")
                put(f"knee/class_injection/{c}/abundance", cl["abundance"],
                    "1 (number fractions at equal rigidity, per element)")
            put("knee/class_injection/elements",
                np.array(self.injection_summary["elements"], dtype="S"), "element symbols")
        put("knee/class_budget_power", np.array([powers[c] for c in CLASSES]),
            f"erg/yr above 1 GV ({', '.join(CLASSES)}; the energy budgets used)")
        g = self.cls.grid(self.best["point"])
        self.r_grid_max = float(g.kinematics(1, 1).rigidity[-1])
        phib = self.best["phi"]
        lfs = {}
        for j, c in enumerate(CLASSES):
            d = read_task(self.n_inj + self.n_fit + j)
            sf = SunFluxes(self.cls._result(g, d), pc.observer_r, (pc.norm_energy, 1.0, "p"))
            lfs[c] = LocalFluxes(g.e_kn, sf._code, 1.0, g.m_n)
        ams = cr_measurement("AMS-02", "H")
        model_p = sum(w[c] * lfs[c].element_rigidity(1, [kc.norm_rigidity], phib)[0]
                      for c in CLASSES)
        data_p = float(np.exp(np.interp(np.log(kc.norm_rigidity), np.log(ams.x), np.log(ams.y))))
        a_budget = np.array([w[c] * data_p / model_p for c in CLASSES])
        M, y, sig, names = self._weight_data(lfs, phib)
        a_fit, chi2_fit = fit_class_factors(M, y, sig)
        chi2_budget = float(np.sum(((M @ a_budget - y) / sig) ** 2))
        a = a_fit if kc.class_weights == "fit" else a_budget
        for c, f in zip(CLASSES, a):
            lfs[c].factor = f
        R = np.geomspace(1.0, 3.0e7, 301)
        put("knee/rigidity", R, "GV")
        put("knee/phi", np.array(phib), "GV (best fit)")
        put("knee/class_weights", np.array([w[c] for c in CLASSES]),
            f"relative injection factors of {', '.join(CLASSES)} (from {powers})")
        put("knee/class_factors", a, f"code units: used factors of {', '.join(CLASSES)} "
                                     f"({kc.class_weights})")
        for tag, fac, x2 in (("budget", a_budget, chi2_budget), ("fit", a_fit, chi2_fit)):
            put(f"knee/weights_{tag}/factors", fac, f"code units ({', '.join(CLASSES)})")
            # the power above 1 GV each factor implies, in units of the SNR budget power_snr
            put(f"knee/weights_{tag}/power", fac / a_budget[0] * np.array(
                [powers[c] / w[c] * w["snr"] / powers["snr"] for c in CLASSES]) * kc.power_snr,
                "erg/yr above 1 GV, with the SNR budget factor meaning power_snr")
            put(f"knee/weights_{tag}/chi2", np.array(x2),
                f"1 ({y.size} points: {', '.join(names)}; R >= {kc.weight_fit_r_min:g} GV)")
        self.weights = {"budget": (a_budget, chi2_budget), "fit": (a_fit, chi2_fit),
                        "n": y.size}
        put("knee/elements", np.array(ELEMENTS_OUT), "Z (rows)")
        spectra = {}
        for tag, ph in (("lis", 0.0), ("mod", phib)):
            total = 0.0
            for c in CLASSES:
                arr = np.array([lfs[c].element_rigidity(z, R, ph) for z in ELEMENTS_OUT])
                put(f"knee/classes/{c}/flux_{tag}", arr, f"{FLUX_R} [element x R]")
                spectra[(c, tag)] = arr
                total = total + arr
            put(f"knee/total/flux_{tag}", total, f"{FLUX_R} [element x R]")
            spectra[("total", tag)] = total
        # nearby Type Ia SNR (3D Green's function with the fitted D_xx)
        tr = self.cls.transport(self.best["point"])
        from ..propagation.grid import Kinematics

        def d_of(Z, A, Rg):
            pn = Rg * Z / A
            e_kn = np.sqrt(pn ** 2 + g.m_n ** 2) - g.m_n
            return tr.d_xx(Kinematics.of(e_kn, A, Z, g.m_n))
        ia = burst_spectra(R, d_of, burst_number_fractions(), kc.typeia_slope, kc.typeia_energy,
                           kc.typeia_age, kc.typeia_distance)
        ia_arr = np.array([ia.get(z, np.zeros_like(R)) for z in ELEMENTS_OUT])
        put("knee/typeia/flux", ia_arr, f"{FLUX_R} [element x R] (LIS; unmodulated)")
        self.claims = self._claims(R, spectra, ia_arr, put)
        self.view = out
        return out, units

    def _weight_data(self, lfs, phi):
        """The classes' modulated fluxes (unit factors) at the points of weight_fit_data with
        rigidity in [weight_fit_r_min, grid top / 1.5] -> (M [point x class], y, sigma,
        dataset names)."""
        kc = self.cfg.knee
        M, y, sig = [], [], []
        for text in kc.weight_fit_data:
            exp, el = text.split()
            Z = ELEMENTS[el]
            m = cr_measurement(exp, el)
            R = cr_to_rigidity(m, Z, DOMINANT_A[Z])[0]  # to select points only
            k = (R >= kc.weight_fit_r_min) & (R <= self.r_grid_max / 1.5)
            M.append(np.column_stack([lfs[c].element_flux(Z, m.x[k], m.x_kind, phi)
                                      for c in CLASSES]))
            y.append(m.y[k])
            sig.append(m.err()[k])
        return np.vstack(M), np.concatenate(y), np.concatenate(sig), list(kc.weight_fit_data)

    def _claims(self, R, sp, ia, put):
        """The seed's Sec. IV statements as numbers (LIS spectra)."""
        zi = {z: k for k, z in enumerate(ELEMENTS_OUT)}
        lnR = np.log(R)
        claims = {}
        dom = np.zeros((2, len(BANDS_GV)), dtype=np.int64)
        for a, z in enumerate((1, 2)):
            for b, (lo, hi) in enumerate(BANDS_GV):
                j = int(np.argmin(np.abs(lnR - np.log(np.sqrt(lo * hi)))))
                dom[a, b] = int(np.argmax([sp[(c, "lis")][zi[z], j] for c in CLASSES]))
        put("knee/claims/dominant_class", dom,
            f"index into {CLASSES} [p, He x bands {BANDS_GV} GV, geometric centres]")
        claims["dominant"] = dom

        def index(flux):
            return np.gradient(np.log(np.maximum(flux, 1e-300)), lnR)

        def hardening(flux, r_lo, r_hi):
            """Rigidity of the fastest rise of the spectral index in [r_lo, r_hi] (NaN if the
            index never rises by more than 0.02 per e-fold there)."""
            ds = np.gradient(index(flux), lnR)
            sel = np.where((R > r_lo) & (R < r_hi))[0]
            k = sel[np.argmax(ds[sel])]
            return float(R[k]) if ds[k] > 0.02 else np.nan
        for z, name in ((1, "p"), (2, "He"), (6, "C"), (8, "O")):
            f = sp[("total", "lis")][zi[z]]
            vals = np.array([hardening(f, 50.0, 2.0e4), hardening(f, 2.0e4, 3.0e6)])
            put(f"knee/claims/hardening_{name}", vals,
                "GV (fastest hardening in 50 GV-20 TV and in 20 TV-3 PV)")
            claims[f"hard_{name}"] = vals
        # knee: the break of a smoothly broken power law fitted to p between 0.3 and 30 PV
        # (the form of our fit to the LHAASO data, observations.lhaaso_knee_rigidity)
        r_top = min(3.0e7, self.r_grid_max / 1.5)
        knee = broken_power_law_break(R, sp[("total", "lis")][zi[1]], 3.0e5, r_top)
        put("knee/claims/knee_rigidity", np.array(knee),
            f"GV (smoothly broken power law fitted to p, 3e5-{r_top:.2g} GV)")
        j = int(np.argmin(np.abs(R - knee)))
        h_he = sp[("total", "lis")][zi[1], j] / sp[("total", "lis")][zi[2], j]
        put("knee/claims/h_he_at_knee", np.array(h_he), "1 (p/He at the knee rigidity)")
        from ..observations import lhaaso_knee_rigidity
        put("knee/claims/lhaaso_knee_proton", np.array(lhaaso_knee_rigidity("proton")),
            "GV (value, 1 sigma; our fit to the LHAASO proton spectrum)")
        from ..propagation.source_classes import TABLE3
        put("knee/claims/msc_injected_h_he", np.array(TABLE3["msc"][1] / TABLE3["msc"][2]),
            "1 (seed Table 3, equal rigidity)")
        claims.update(knee=knee, h_he=h_he)
        # slope change 100 GV-1 TV -> 1-10 TV (hardening = positive)
        def dslope(flux):
            s = index(flux)
            lo = (R > 1e2) & (R < 1e3)
            hi = (R > 1e3) & (R < 1e4)
            return float(s[hi].mean() - s[lo].mean())
        tot = sp[("total", "lis")]
        ch = np.array([dslope(tot[zi[z]]) for z in ELEMENTS_OUT])
        put("knee/claims/slope_change_1TV", ch, "1 (index 1-10 TV minus 0.1-1 TV, per element)")
        ch_ia = np.array([dslope(tot[zi[z]] + ia[zi[z]]) for z in ELEMENTS_OUT])
        put("knee/claims/slope_change_1TV_with_typeia", ch_ia, "1 (with the Type Ia source)")
        claims.update(dslope=dict(zip(ELEMENTS_OUT, ch)), dslope_ia=dict(zip(ELEMENTS_OUT, ch_ia)))
        return claims

    def summary(self, out: dict) -> str:
        b = self.best
        c = self.claims
        name = {1: "p", 2: "He", 6: "C", 7: "N", 8: "O", 10: "Ne", 12: "Mg", 14: "Si", 16: "S",
                26: "Fe"}
        lines = [f"knee: best transport point {b['index']} {b['point']} phi = {b['phi']:.2f} GV, "
                 f"chi^2 = {b['chi2']:.1f}"]
        if self.injection_summary is not None:
            lines.append("  stellar classes from the injection stage ("
                         f"{self.injection_summary['turbulence']}): " + ", ".join(
                             f"{cl} R_max {self.injection_summary['classes'][ic]['r_max']:.3g}"
                             f" GV, H/He {self._h_he(ic):.3g}"
                             for cl, ic in FROM_INJECTION.items()))
        wt = self.weights
        for tag in ("budget", "fit"):
            pw = ", ".join(f"{cl} {x:.2g}"
                           for cl, x in zip(CLASSES, out[f"knee/weights_{tag}/power"]))
            used = ", used" if tag == self.cfg.knee.class_weights else ""
            lines.append(f"  class powers ({tag}{used}): {pw} erg/yr; chi^2 = "
                         f"{wt[tag][1]:.1f} for {wt['n']} flux points")
        for a, z in enumerate(("p", "He")):
            doms = ", ".join(f"{lo:.0e}-{hi:.0e} GV: {CLASSES[c['dominant'][a, k]]}"
                             for k, (lo, hi) in enumerate(BANDS_GV))
            lines.append(f"  dominant class for {z}: {doms}")
        for z in ("p", "He", "C", "O"):
            lines.append(f"  hardenings of {z}: "
                         + ", ".join(f"{x:.3g} GV" for x in c[f"hard_{z}"]))
        lines.append(f"  knee (p) at {c['knee']:.3g} GV; p/He there {c['h_he']:.2f}")
        lines.append("  index change 0.1-1 TV -> 1-10 TV: " + ", ".join(
            f"{name[z]} {c['dslope'][z]:+.3f}" for z in ELEMENTS_OUT))
        lines.append("  ... with the Type Ia SNR: " + ", ".join(
            f"{name[z]} {c['dslope_ia'][z]:+.3f}" for z in (14, 16, 26, 8, 12)))
        return "\n".join(lines)


def broken_power_law_break(R, J, r_lo, r_hi, w=0.1):
    """Break rigidity [GV] of J ~ (R/R_b)^-g1 [1 + (R/R_b)^(1/w)]^(-(g2 - g1) w) fitted to the
    log of J between r_lo and r_hi (least squares, equal weights)."""
    from scipy.optimize import curve_fit
    sel = (R >= r_lo) & (R <= r_hi) & (J > 0)
    x, y = np.log(R[sel] / 1e6), np.log(J[sel])

    def f(x, la, lb, g1, g2):
        r = x - lb
        return la - g1 * r - (g2 - g1) * w * np.logaddexp(0.0, r / w)
    p0 = [y[len(y) // 2], np.log(3.0), 2.7, 3.5]
    popt, _ = curve_fit(f, x, y, p0=p0, maxfev=20000)
    return float(np.exp(popt[1]) * 1e6)
