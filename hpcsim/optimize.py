"""Differential evolution with a fixed seed, one generation at a time (Storn & Price 1997,
J. Global Optim. 11, 341: the "rand/1/bin" strategy).

Built for task farms: every generation is a set of independent evaluations (tasks); the caller
evaluates them anywhere, in any order, and this class turns the scores into the next generation.
All random numbers come from ``SeedSequence(seed, spawn_key=(generation,))``, so the whole search
is a deterministic function of the seed and the scores, whatever ran where.
"""

from __future__ import annotations

import numpy as np


STRATEGIES = ("rand1", "current_to_best1")


class Evolution:
    """``strategy``: "rand1" (x_r1 + F (x_r2 - x_r3); robust, slow) or "current_to_best1"
    (x_i + F (x_best - x_i) + F (x_r1 - x_r2); faster on smooth chi^2 surfaces, Price, Storn &
    Lampinen 2005, Differential Evolution, Sec. 2.4)."""

    def __init__(self, bounds, pop_size: int, seed: int, F: float = 0.7, CR: float = 0.9,
                 strategy: str = "rand1"):
        self.lo, self.hi = (np.asarray(b, dtype=float) for b in zip(*bounds))
        if np.any(self.hi <= self.lo):
            raise ValueError("every bound needs lo < hi")
        if pop_size < 4:
            raise ValueError("differential evolution needs a population of at least 4")
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; use one of {STRATEGIES}")
        self.P, self.n, self.seed, self.F, self.CR = pop_size, self.lo.size, seed, F, CR
        self.strategy = strategy

    def _rng(self, generation: int):
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(generation,)))

    def initial(self) -> np.ndarray:
        """Latin-hypercube population (P, n) inside the bounds."""
        rng = self._rng(0)
        u = (np.argsort(rng.random((self.n, self.P)), axis=1).T + rng.random((self.P, self.n)))
        return self.lo + (self.hi - self.lo) * u / self.P

    def trials(self, population: np.ndarray, generation: int, scores=None) -> np.ndarray:
        """Trial vectors of ``generation`` (>= 1): the strategy's mutant, binomial crossover
        with the target, reflected into the bounds.  ``scores`` (lower is better) are needed by
        "current_to_best1"."""
        rng = self._rng(generation)
        out = np.empty_like(population)
        if self.strategy == "current_to_best1":
            if scores is None:
                raise ValueError("current_to_best1 needs the population's scores")
            best = population[int(np.argmin(scores))]
        for i in range(self.P):
            r = rng.choice([k for k in range(self.P) if k != i], 3, replace=False)
            if self.strategy == "rand1":
                mutant = population[r[0]] + self.F * (population[r[1]] - population[r[2]])
            else:
                mutant = (population[i] + self.F * (best - population[i])
                          + self.F * (population[r[0]] - population[r[1]]))
            mutant = np.where(mutant < self.lo, 2 * self.lo - mutant, mutant)
            mutant = np.where(mutant > self.hi, 2 * self.hi - mutant, mutant)
            mutant = np.clip(mutant, self.lo, self.hi)
            cross = rng.random(self.n) < self.CR
            cross[rng.integers(self.n)] = True
            out[i] = np.where(cross, mutant, population[i])
        return out

    @staticmethod
    def select(population, scores, trials, trial_scores):
        """Keep each trial that is at least as good as its target."""
        better = np.asarray(trial_scores) <= np.asarray(scores)
        return (np.where(better[:, None], trials, population),
                np.where(better, trial_scores, scores))
