"""The 2D propagation solver against closed forms (PROPAGATION.md Sec. 4, checks 1-4, 9) and the
Cython sweeps against their NumPy references."""

import numpy as np
import pytest
from scipy.special import j0, j1, jn_zeros

from hpcsim.propagation import sweeps as ref
from hpcsim.propagation.diffusion import diffusion_coefficient, reacceleration_rate
from hpcsim.propagation.grid import Grid, GridError
from hpcsim.propagation.solver import Ladder, steady_state
from hpcsim.propagation.sweeps import Sweeps
from hpcsim.propagation.transport import CM2_S, build_operator

LADDER = Ladder(tol=1e-7, max_passes=60, max_steps_per_level=3)


def _solve(grid, op, q, ladder=LADDER, kernel=True):
    N, info = steady_state(op, q, grid.L, grid.r_max, grid.dz, ladder, Sweeps(kernel))
    assert info.converged, info
    return N, info


def _pure_diffusion(grid, D0=3e28, delta=0.5):
    kin = grid.kinematics(1, 1)
    D = diffusion_coefficient(kin.rigidity, kin.beta, D0, delta, eta=0.0)
    return kin, D, build_operator(grid, kin, D, np.zeros(grid.e_kn.size), 0.0, 0.0)


def test_slab_limit_of_a_thin_disc():
    """Uniform thin disc, r_max >> L: N(z) = Q_s (L - |z|) / (2 D) outside the disc (check 1)."""
    g = Grid.log_energy(60.0, 61, 4.0, 81, 1.0, 1e4, 10.0)
    kin, D, op = _pure_diffusion(g)
    q = np.zeros(g.shape)
    disc = np.abs(g.z) < 0.15
    q[:, disc, :] = 1.0
    N, _ = _solve(g, op, q)
    Qs = q[0, :, 0].sum() * g.dz
    out = ~disc
    for k in range(g.e_kn.size):
        exact = Qs * (g.L - np.abs(g.z[out])) / (2 * D[k] * CM2_S)
        assert np.max(np.abs(N[0, out, k] / exact - 1)) < 1e-3


def test_bessel_series_in_a_finite_cylinder():
    """Thin-disc source with a radial profile, pure diffusion: the Bessel series (check 2)."""
    g = Grid.log_energy(10.0, 201, 2.0, 81, 10.0, 1000.0, 10.0)
    kin, D, op = _pure_diffusion(g)
    q = np.zeros(g.shape)
    j_plane = g.z.size // 2
    prof = np.exp(-((g.r - 4.0) / 1.5) ** 2)
    q[:, j_plane, :] = prof[:, None] / g.dz  # surface density Q_s(r) = prof
    N, _ = _solve(g, op, q)
    zeta = jn_zeros(0, 400)
    rr = np.linspace(0, g.r_max, 20001)
    Qs = np.exp(-((rr - 4.0) / 1.5) ** 2)
    qk = np.array([2.0 / (g.r_max ** 2 * j1(zk) ** 2)
                   * np.trapezoid(Qs * j0(zk * rr / g.r_max) * rr, rr) for zk in zeta])
    for k in range(g.e_kn.size):
        Dk = D[k] * CM2_S
        for zc in (0.0, 0.5, 1.0):
            j = int(np.argmin(np.abs(g.z - zc)))
            kk = zeta / g.r_max
            series = (qk[None, :] * j0(np.outer(g.r, kk))
                      * (np.sinh(kk * (g.L - abs(g.z[j]))) / (2 * Dk * kk * np.cosh(kk * g.L)))[None, :]
                      ).sum(axis=1)
            sel = g.r < 8.0
            assert np.max(np.abs(N[sel, j, k] / series[sel] - 1)) < 5e-3


def test_escape_flux_equals_injection():
    """No losses or spallation: the flux through r_max and z = +-L equals the injection (check 3)."""
    g = Grid.log_energy(12.0, 41, 4.0, 81, 0.1, 1e3, 10.0)
    kin = g.kinematics(4, 2)
    D = diffusion_coefficient(kin.rigidity, kin.beta, 3.7e28, 0.45, 1.0)
    K = reacceleration_rate(D, 30.0, 0.45)
    op = build_operator(g, kin, D, K, 0.0, 0.0)
    q = (np.exp(-((g.r - 5.0) / 3.0) ** 2)[:, None, None]
         * np.exp(-(g.z / 0.2) ** 2)[None, :, None] * (kin.p_n ** -1.3)[None, None, :])
    N, _ = _solve(g, op, q)
    V = g.cell_volumes()
    injected = (V[:, :, None] * q).sum(axis=(0, 1))
    Dk = D * CM2_S
    # outflow: z faces at +-L (area of each annulus), r face at r_max - dr/2
    area = V[:, 0] / g.dz
    out_z = ((N[:, 0, :] + N[:, -1, :]) * area[:, None]).sum(axis=0) * Dk / g.dz
    out_r = (N[-1, :, :].sum(axis=0) * g.dz) * 2 * np.pi * (g.r[-1] + 0.5 * g.dr) * Dk / g.dr
    # reacceleration only moves particles between energies: compare the totals
    w = kin.du  # particles per energy cell = N du
    assert abs(((out_z + out_r) * w).sum() / (injected * w).sum() - 1) < 1e-3


def test_reacceleration_conserves_particles():
    """A pure D_pp operator has zero column sums in the finite-volume measure (check 3b)."""
    g = Grid.log_energy(12.0, 5, 4.0, 5, 0.01, 1e5, 1.2)
    kin = g.kinematics(12, 6)
    D = diffusion_coefficient(kin.rigidity, kin.beta, 3.7e28, 0.45, 1.0)
    op = build_operator(g, kin, np.zeros_like(D), reacceleration_rate(D, 30.0, 0.45), 0.0, 0.0)
    rng = np.random.default_rng(1)
    N = rng.random(g.shape)
    R = np.empty_like(N)
    ref.residual(N, np.zeros_like(N), op.az, op.bz, op.cz, op.ar, op.br, op.cr,
                 op.ap, op.bp, op.cp, R)
    total = (R * kin.du[None, None, :]).sum(axis=2)
    scale = (np.abs(R) * kin.du).sum(axis=2)
    assert np.max(np.abs(total) / scale) < 1e-13


def test_high_energy_slope_is_gamma_plus_delta():
    """Injection p^-gamma, no losses: flux slope -(gamma + delta_h) at high energy (check 4)."""
    g = Grid.log_energy(12.0, 25, 4.0, 41, 1.0, 1e5, 1.5)
    kin = g.kinematics(1, 1)
    gam, delta, delta_h = 2.3, 0.5, 0.3
    D = diffusion_coefficient(kin.rigidity, kin.beta, 3e28, delta, 1.0, R_h=300.0, delta_h=delta_h)
    K = reacceleration_rate(D, 13.0, delta)
    op = build_operator(g, kin, D, K, 0.0, 0.0)
    space = np.exp(-(g.z / 0.1) ** 2)[None, :, None] * np.ones((g.shape[0], 1, 1))
    q = space * (kin.p_n ** (1 - gam))[None, None, :]  # per ln p: p * p^-gamma
    N, _ = _solve(g, op, q)
    flux = N[0, g.z.size // 2] / kin.p_n
    hi = kin.e_kn > 3e3
    slope = np.polyfit(np.log(kin.e_kn[hi]), np.log(flux[hi]), 1)[0]
    assert abs(slope + gam + delta_h) < 0.01


def test_solution_does_not_depend_on_the_ladder():
    """The fixed point is the steady state for any steps: theta and ladder change nothing."""
    g = Grid.log_energy(12.0, 21, 4.0, 41, 0.1, 1e3, 2.0)
    kin = g.kinematics(12, 6)
    D = diffusion_coefficient(kin.rigidity, kin.beta, 3.7e28, 0.45, 1.0)
    gas = np.exp(-(g.z / 0.1) ** 2)[None, :, None] * np.ones((g.shape[0], 1, 1))
    op = build_operator(g, kin, D, reacceleration_rate(D, 20.0, 0.45),
                        gas * 1e-15 / kin.beta ** 3, gas * 1e-14)
    q = gas * kin.p_n ** -1.2
    a, _ = _solve(g, op, q, Ladder(tol=1e-9, max_passes=80, theta=0.5))
    b, _ = _solve(g, op, q, Ladder(tol=1e-9, max_passes=80, theta=1.0, factor=0.1, first=3.0))
    assert np.max(np.abs(a / b - 1)) < 1e-6


def test_kernel_matches_numpy_reference():
    rng = np.random.default_rng(3)
    nr, nz, ne = 7, 9, 11
    N = rng.random((nr, nz, ne))
    q = rng.random((nr, nz, ne))
    az, bz, cz = (rng.random((nz, ne)) for _ in range(3))
    ar, br, cr = (rng.random((nr, ne)) for _ in range(3))
    ap, bp, cp = (rng.random((nr, nz, ne)) for _ in range(3))
    sw = Sweeps(kernel=True, threads=2)
    R1, R2 = np.empty_like(N), np.empty_like(N)
    sw.residual(N, q, az, bz, cz, ar, br, cr, ap, bp, cp, R1)
    ref.residual(N, q, az, bz, cz, ar, br, cr, ap, bp, cp, R2)
    assert np.allclose(R1, R2, rtol=1e-13, atol=0)
    for solve, coef, axis in ((("solve_z"), (az, 3 + bz, cz), 0), ("solve_r", (ar, 3 + br, cr), 0),
                              ("solve_p", (ap, 3 + bp, cp), 2)):
        f = ref.factorise(*coef, axis=axis)
        d1, d2 = q.copy(), q.copy()
        getattr(sw, solve)(d1, *f)
        getattr(ref, solve)(d2, *f)
        assert np.allclose(d1, d2, rtol=1e-13, atol=0), solve
    # the factorised solve really inverts the matrix (z lines)
    a, b, c = az, 3 + bz, cz
    x = q.copy()
    ref.solve_z(x, *ref.factorise(a, b, c, axis=0))
    back = b[None] * x
    back[:, 1:] += a[None, 1:] * x[:, :-1]
    back[:, :-1] += c[None, :-1] * x[:, 1:]
    assert np.allclose(back, q, rtol=1e-12)
    N1, N2 = N.copy(), N.copy()
    m1, m2, n1, n2 = (np.empty((nr, ne)) for _ in range(4))
    sw.update(N1, q, m1, n1)
    ref.update(N2, q, m2, n2)
    assert np.array_equal(N1, N2) and np.array_equal(m1, m2) and np.array_equal(n1, n2)
    gas, wg, wf = rng.random((nr, nz)), rng.random(ne), rng.random(ne)
    q1, q2 = q.copy(), q.copy()
    sw.add_production(q1, N, gas, wg, wf)
    ref.add_production(q2, N, gas, wg, wf)
    assert np.allclose(q1, q2, rtol=1e-14)


def test_threads_do_not_change_results():
    g = Grid.log_energy(12.0, 21, 4.0, 41, 0.1, 1e3, 2.0)
    kin, D, op = _pure_diffusion(g)
    q = np.ones(g.shape)
    a, _ = steady_state(op, q, g.L, g.r_max, g.dz, Ladder(), Sweeps(True, threads=1))
    b, _ = steady_state(op, q, g.L, g.r_max, g.dz, Ladder(), Sweeps(True, threads=2))
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("kwargs, match", [
    (dict(r_max=-1.0), "r_max"), (dict(n_z=40), "n_z must be odd"),
    (dict(e_kn=np.array([1.0, 3.0, 2.0])), "strictly increasing"),
    (dict(L=0.0), "half-height")])
def test_bad_grids_are_refused(kwargs, match):
    args = dict(r_max=12.0, n_r=41, L=4.0, n_z=81, e_kn=np.array([1.0, 2.0, 4.0]))
    args.update(kwargs)
    with pytest.raises(GridError, match=match):
        Grid(**args)


def test_convection_slab_solution():
    """Thin disc, diffusion plus constant convection v away from the plane: above the disc the
    flux -D N' + v N = Q_s/2 is constant, so N(z) = Q_s/(2v) [1 - exp(-v (L - z)/D)]."""
    g = Grid.log_energy(80.0, 81, 4.0, 81, 10.0, 1e3, 10.0)
    kin = g.kinematics(1, 1)
    D = np.full(g.e_kn.size, 3e28)
    v_kms = 10.0
    op = build_operator(g, kin, D, np.zeros(g.e_kn.size), 0.0, 0.0, v0_kms=v_kms)
    q = np.zeros(g.shape)
    j0 = g.z.size // 2
    q[:, j0, :] = 1.0 / g.dz
    N, _ = _solve(g, op, q)
    from hpcsim.propagation.transport import KM_S
    v, Dk = v_kms * KM_S, D[0] * CM2_S
    z = g.z[j0 + 1:]
    exact = 1.0 / (2 * v) * (1 - np.exp(-v * (g.L - z) / Dk))
    # first-order upwind: relative error ~ Peclet number v dz / D = 0.01
    assert np.max(np.abs(N[0, j0 + 1:, 0] / exact - 1)) < 0.01
    assert np.allclose(N[0, j0 + 1:, 0], N[0, j0 - 1::-1, 0], rtol=1e-12)  # symmetric
