"""Differential evolution with a fixed seed, one generation at a time (Storn & Price 1997,
J. Global Optim. 11, 341: the "rand/1/bin" strategy).

Built for task farms: every generation is a set of independent evaluations (tasks); the caller
evaluates them anywhere, in any order, and this class turns the scores into the next generation.
All random numbers come from ``SeedSequence(seed, spawn_key=(generation,))``, so the whole search
is a deterministic function of the seed and the scores, whatever ran where.
"""

from __future__ import annotations

import numpy as np


class Evolution:
    def __init__(self, bounds, pop_size: int, seed: int, F: float = 0.7, CR: float = 0.9):
        self.lo, self.hi = (np.asarray(b, dtype=float) for b in zip(*bounds))
        if np.any(self.hi <= self.lo):
            raise ValueError("every bound needs lo < hi")
        if pop_size < 4:
            raise ValueError("differential evolution needs a population of at least 4")
        self.P, self.n, self.seed, self.F, self.CR = pop_size, self.lo.size, seed, F, CR

    def _rng(self, generation: int):
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(generation,)))

    def initial(self) -> np.ndarray:
        """Latin-hypercube population (P, n) inside the bounds."""
        rng = self._rng(0)
        u = (np.argsort(rng.random((self.n, self.P)), axis=1).T + rng.random((self.P, self.n)))
        return self.lo + (self.hi - self.lo) * u / self.P

    def trials(self, population: np.ndarray, generation: int) -> np.ndarray:
        """Trial vectors of ``generation`` (>= 1): x_r1 + F (x_r2 - x_r3), binomial crossover
        with the target, reflected into the bounds."""
        rng = self._rng(generation)
        out = np.empty_like(population)
        for i in range(self.P):
            r = rng.choice([k for k in range(self.P) if k != i], 3, replace=False)
            mutant = population[r[0]] + self.F * (population[r[1]] - population[r[2]])
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
