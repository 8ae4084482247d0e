"""2D (r, z) steady-state propagation of cosmic-ray nuclei through the Galaxy.

One module per ingredient: :mod:`grid` (space and energy grids, kinematics), :mod:`gas`
(interstellar gas), :mod:`sources` (source distribution and injection spectra),
:mod:`diffusion` (spatial diffusion and reacceleration), :mod:`losses` (ionisation and
Coulomb losses), :mod:`nuclides` (isotopes, decays, network order), :mod:`cross_sections`
(inelastic and partial cross sections), :mod:`transport` (the discretised operators),
:mod:`solver` (the time-step ladder to the steady state), :mod:`modulation` (force field),
:mod:`observables` (fluxes and ratios at the Sun).  Nothing here uses MPI or writes files.
"""
