"""Physical and astronomical constants, CGS units, in one place.

Every other module imports numbers from here; no module defines its own copy.

Sources
-------
* CODATA 2018 (Tiesinga et al. 2021, Rev. Mod. Phys. 93, 025010): c, m_p, k_B, e, eV, G, sigma_SB.
* IAU 2015 Resolution B3 (Prsa et al. 2016, AJ 152, 41): nominal L_sun, R_sun.
* IAU 2012 Resolution B2: astronomical unit; parsec derived from it (3.0857e18 cm).
* Julian year (IAU): 365.25 d.
* Solar mass: IAU 2015 nominal GM_sun / G (CODATA 2018 G).
"""

import math

# --- fundamental (CODATA 2018) ---
C_LIGHT = 2.99792458e10  # cm s^-1
M_PROTON = 1.67262192e-24  # g
K_BOLTZMANN = 1.380649e-16  # erg K^-1
E_CHARGE = 4.80320471e-10  # esu (statC)
EV = 1.602176634e-12  # erg
G_NEWTON = 6.67430e-8  # cm^3 g^-1 s^-2
SIGMA_SB = 5.670374419e-5  # erg cm^-2 s^-1 K^-4
M_PROTON_GEV = 0.93827208816  # GeV (proton rest energy, CODATA 2018)

# --- astronomical ---
PC = 3.0856775814913673e18  # cm
KPC = 1.0e3 * PC  # cm
YR = 3.15576e7  # s (Julian year)
MYR = 1.0e6 * YR  # s
M_SUN = 1.98847e33  # g
L_SUN = 3.828e33  # erg s^-1 (IAU 2015 nominal)
R_SUN = 6.957e10  # cm (IAU 2015 nominal)
KM = 1.0e5  # cm

# --- energy units ---
GEV = 1.0e9 * EV  # erg
TEV = 1.0e12 * EV  # erg
PEV = 1.0e15 * EV  # erg
ERG_PER_GEV = GEV  # 1 GeV in erg (the same number; named for conversions)

# --- derived conveniences ---
MSUN_PER_YR = M_SUN / YR  # g s^-1
MB = 1.0e-27  # cm^2 (millibarn)

# --- Galactic geometry ---
# Sun-Galactic-centre distance used with the Hou & Han (2014, A&A 569, A125) spiral-arm fit
# (their Table 4 fits assume R0 = 8.3 kpc, Theta0 = 239 km/s).
R_SUN_GC_KPC = 8.3  # kpc
Z_SUN_KPC = 0.0  # kpc; the Sun is placed in the plane (height ~20 pc neglected)

DEG = math.pi / 180.0

# --- particle masses (added by interactions module) ---
M_PI0_GEV = 0.1349768  # GeV, neutral pion rest energy (PDG 2022, Workman et al., PTEP 2022, 083C01)

# --- nuclear kinematics (added by acceleration/injection) ---
AMU_GEV = 0.93149410242  # GeV, atomic mass constant m_u c^2 (CODATA 2018, Tiesinga et al. 2021)
