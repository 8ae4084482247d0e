"""Semi-empirical partial (fragmentation) cross sections on hydrogen: Silberberg & Tsao.

Built-in default for the spallation network when the tabulated Evoli et al. (2019) cross sections
are not installed, and the fill-in for channels missing from that table.

References (below "ST"):

* ST73   R. Silberberg & C. H. Tsao, ApJS 25, 315 and 335 (1973): the semi-empirical formula
         sigma = sigma_0 f(A) f(E) exp(-P dA) exp(-R |Z - S A + T A^2|^nu) Omega eta xi.
* ST77   ApJS 35, 129 and 137 (1977): revised parameters, (p, xn) reactions.
* ST85   ApJS 58, 873 (1985), ST90 Phys. Rep. 191, 351 (1990): revisions and review.
* STB98  R. Silberberg, C. H. Tsao & A. F. Barghouty, ApJ 501, 911 (1998): "Updated partial cross
         sections of proton-nucleus reactions" (energy dependences, channel renormalisations).
* YIELDX the NRL code of Silberberg & Tsao, "Dec 1999" version with the STB98 updates and the
         A. F. Barghouty revision (f95 port by I. V. Moskalenko 2000, ``YIELDX_011000_imos.f`` as
         distributed with GALPROP and DRAGON2).  GALPROP's ``yieldx_cc`` is the same routine.

Own NumPy implementation written from the formulas.  The papers give the formula and most of its
parameters, but the final parameter set (and the many channel renormalisations added in 1998-99)
exists only as the YIELDX code, so every number below is the value of that code; each constant
names the YIELDX routine it belongs to (YIELD1: products Z_f <= 4, YIELD2: 5 <= Z_p <= 16,
YIELD3: 17 <= Z_p <= 20, YIELD4: Z_p >= 21, PXN: (p, xn) charge exchange).  I could not verify
equation numbers in the papers, so none are quoted.

Conventions: kinetic energy per nucleon ``e_kn`` in GeV/n (the formulas use MeV/n internally);
cross sections in mb on a **proton** target; *independent* (direct) production of (Z_f, A_f), no
decays of short-lived progenitors folded in (use the network's decay table for that).

Scope and choices (also in the module report):

* Projectiles 3 <= Z_p <= 28 (Li ... Ni).  Heavier projectiles raise ``ValueError``; the
  Z_p > 28 branches of YIELDX (fission, iron-group yield factors, the Z_p >= 30 peak factor,
  the uranium group) are not implemented.
* Z_p <= 2 returns 0: ST give nothing for He projectiles, and I found no sourced formula for
  4He + p -> 3He, 3H, 2H or 3He + p -> 2H (see :func:`partial_cross_section`).
* Z_f <= 1 (2H, 3H) returns 0 (not covered by ST).  3He, 4He, 6He, 8He (Z_f = 2) from
  Z_p >= 3 come from the YIELD1 branch; YIELDX is documented for "He-6 and heavier", so 3He and
  4He are an extrapolation of that branch.
* Z_f = Z_p + 1 uses the (p, xn) formula (PXN) without its Z >= 39 shell and Z >= 81 terms.
* Energy dependence (ST freeze it at high energy): the general formula and single-neutron loss
  are constant above E_c = max(68.7 A_p^0.866, 1250) MeV/n (:func:`high_energy_limit`),
  single-proton loss above 2.5 GeV/n, light fragments (Z_f <= 4) of carbon above 5 GeV/n,
  (p, xn) above 0.5 + 0.3 x GeV/n.  So for Z_p <= 19 every other channel is exactly constant
  from 2.5 GeV/n on.  For Z_p >= 20 the YIELD4 shape factors approach constants smoothly
  (measured: <= 5 % change above 5 GeV/n, < 1e-4 above 10 GeV/n).  At low energy the
  single-nucleon-loss channels carry the cut-off 1 - exp[-(E/25 MeV)^4].
* Deviations from the code, both negligible: the code's test "Z_p A_p == Z_f A_f" (meant as
  "same nucleus", it also zeroes a few exotic (p, xn) channels such as 14C -> 12N) is replaced by
  the identity test; an additive 1e-6 mb in YIELD4's pure-proton-removal branch is dropped.
"""

from __future__ import annotations

import numpy as np

__all__ = ["partial_cross_section", "high_energy_limit", "Z_P_MAX"]

Z_P_MAX = 28   # heaviest projectile implemented (Ni)
MEV_PER_GEV = 1.0e3

# ------------------------------------------------------------------------------------------
# Common ingredients (YIELDX YIELD1-YIELD3; ST73, ST77, STB98).  Energies in MeV/n.
# ------------------------------------------------------------------------------------------
EC_NORM, EC_POWER, EC_FLOOR = 68.7, 0.866, 1250.0  # E_c = max(68.7 A^0.866, 1250) MeV/n
E_HIGH = 1250.0            # P, R, normalisation take their high-energy values above this
E_SHAPE_MAX = 2500.0       # single-nucleon-loss shapes f_n, f_p are 1 at and above this
H3_E0, H3_CUT = 25.0, 80.0  # low-energy cut-off H3 = 1 - exp[-(E/25)^4] for E < 80 MeV/n
# single-neutron loss: sigma = Q_n f_n(E), Q_n = 24 (1 + 0.01 A); YIELD1/4 for heavier targets:
# 1.02 (A - 7) for A > 40, 57 for A >= 63
QN_NORM, QN_SLOPE = 24.0, 0.01
QN_HEAVY_SLOPE, QN_HEAVY_SHIFT, QN_HEAVY_A, QN_MAX, QN_MAX_A = 1.02, 7.0, 40, 57.0, 63
# f_n(E) = [1 + 2.1 exp(-(E/100)^2) + 0.4 exp(-E/350)] H3
FN_A1, FN_E1, FN_A2, FN_E2 = 2.1, 100.0, 0.4, 350.0
# single-proton loss: sigma = 21 f_p(E),
# f_p(E) = [1 - exp(-(E/230)^2) + 2.2 exp(-E/75) + 0.33 exp(-((E - 900)/500)^2)] H3
QP_NORM = 21.0
FP_E1, FP_A2, FP_E2, FP_A3, FP_E3, FP_W3 = 230.0, 2.2, 75.0, 0.33, 900.0, 500.0

# Nuclear-structure factor Omega(Z_f, A_f) of YIELD1 and YIELD2 (ST73 "Omega"; YIELDX CJ tables);
# all other products have Omega = 1.  YIELD3/YIELD4 use only the 13N entry.
OMEGA = {
    (2, 6): 0.60,
    (3, 7): 1.80, (3, 8): 0.70, (3, 9): 3.00,
    (4, 7): 0.95, (4, 9): 0.65, (4, 10): 1.30,
    (5, 8): 0.20, (5, 10): 0.70, (5, 11): 1.70,
    (6, 10): 0.60,
    (7, 13): 0.39, (7, 15): 2.00,
    (8, 15): 1.20,
    (10, 19): 0.60, (10, 21): 0.83,
    (11, 22): 1.20,
}
OMEGA_13N = 0.39

# Pairing factor eta (ST73): YIELD2 (even Z_f; odd Z_f with even / odd N_f) ...
ETA_LIGHT_EVEN_Z, ETA_LIGHT_ODD_Z_EVEN_N, ETA_LIGHT_ODD_ODD = 1.15, 0.90, 0.80
# ... and YIELD3/YIELD4 (even-even, odd-odd, even Z with odd N; even N with odd Z = 1)
ETA_EE, ETA_OO, ETA_EZ_ON, ETA_OZ_EN = 1.25, 0.85, 0.90, 1.00

# Reference mass A_m(Z_p) of the neutron-excess terms (YIELDX table BA; Z_p = 17 ... 28)
A_REF = {17: 36.0, 18: 38.0, 19: 40.0, 20: 44.0, 21: 45.0, 22: 48.0, 23: 50.0, 24: 52.0,
         25: 55.0, 26: 55.7, 27: 58.5, 28: 61.0}

# ------------------------------------------------------------------------------------------
# YIELD1: light products (Z_f <= 4, and the YIELD1 half of boron)
# sigma = Q exp(-P dA - R (Z_f - (S - T A_f) A_f)^2) F_Z Omega
# ------------------------------------------------------------------------------------------
Y1_Q, Y1_QB, Y1_EK = 13.0, 1.15, 0.0008       # Q = 13 exp[1.15 (1 - 0.0008 E)] below E_HIGH
Y1_P = 0.16                                    # P = 0.16 (1 - 0.0008 E) below E_HIGH, 0 above
Y1_RL, Y1_RU, Y1_RC = 10.7, 0.25, 1.80         # R = 10.7 / E^0.25 below E_HIGH, 1.8 above
Y1_S, Y1_SC, Y1_SX, Y1_T = 0.54, 0.32, 1.4, 0.003  # S = 0.54 -+ 0.32 |A/Z - 2|^1.4
# maximum effective dA = 31.5 + 0.052 (A_p - 36) (ln E - 3.17)
Y1_DA0, Y1_DA1, Y1_DAA, Y1_DAE = 31.5, 0.052, 36.0, 3.17
Y1_JP3 = 1.5               # pure two-proton removal (Z_p <= 20) x 1.5
Y1_Z_HEAVY = 20            # Z_p above this: heavy-target form of YIELD1 (R, Q, G1)
# Z_p > 20, E < E_HIGH: R = 1.8 and Q x 2 exp[-((E - 650)/720)^2]
Y1_HEAVY_Q, Y1_HEAVY_E0, Y1_HEAVY_W = 2.0, 650.0, 720.0
# F_Z enhancement of neutron-rich light fragments, by A_p range (YIELD1 "FZ"):
#   14 <= A_p <= 34: 6He x [1 + 0.1 (A_p - 14)]
#   35 <= A_p <= 63: 6He x 3 [1 + 0.02 (A_p - 34)], 6Li x [1 + 0.02 (A_p - 34)],
#                    A_f = 7 x [1 + 0.01 (A_p - 34)]
#   A_p >= 64:       (c0 + c1 (A_p - 64)) per product below
FZ_6HE_A0, FZ_6HE_SLOPE = 14, 0.1
FZ_MID_A0, FZ_MID_6HE = 34, 3.0
FZ_MID_6HE_SLOPE, FZ_MID_6LI_SLOPE, FZ_MID_A7_SLOPE = 0.02, 0.02, 0.01
FZ_HEAVY_A0, FZ_A_CAP = 64, 104   # A_p is capped at 104 in the A_p >= 64 forms
FZ_HEAVY = {(2, 6): (4.8, 0.045), (3, 6): (1.6, 0.015), (3, 7): (1.3, 0.015),
            (4, 7): (1.3, 0.0105), (3, 8): (1.0, 0.0225), (3, 9): (1.0, 0.0125),
            (4, 9): (1.0, 0.01)}
FZ_HEAVY_A10 = (1.0, 0.005)    # A_f >= 10, Z_f <= 5
# Z_p 21-28: shape G1(E) = 1 - 0.6 [1 - exp(-(E/1000)^2)] exp(-(E/2000)^2)
#                          + 0.2 [1 - exp(-(E/3000)^2)]
G1_A, G1_E1, G1_E2, G1_B, G1_E3 = 0.6, 1000.0, 2000.0, 0.2, 3000.0
# Carbon projectile, Z_f <= 4 (YIELDX main routine): x [1 - 0.002 (E - 200)] on (200, 400],
# x 0.6 on (400, 1000], x [0.6 + 1e-4 (E - 1000)] on (1000, 5000] MeV/n
C_E1, C_E2, C_E3, C_E4, C_S1, C_LOW, C_S3 = 200.0, 400.0, 1000.0, 5000.0, 0.002, 0.6, 1.0e-4

# ------------------------------------------------------------------------------------------
# YIELD2: 5 <= Z_p <= 16, Z_f >= 5
# sigma = 27.6 (A^(2/3) - 1) F1 P sqrt(R) / (1 - e^{-P A})
#         x e^{-P dA} e^{-R (Z_f - (S - T A_f) A_f)^2} Omega eta
# ------------------------------------------------------------------------------------------
SIG0 = 27.6                         # mb, geometric normalisation 27.6 (A^(2/3) - 1)
F1_C, F1_A = 0.3, 20.0              # F1 = 1 - 0.3 ln(A_p / 20)
Y2_PL, Y2_PU, Y2_PC = 2.60, 0.50, 0.075   # P = 2.6 / E^0.5 below E_c; 0.075 above ...
Y2_PH, Y2_PHX = 0.77, 2.0 / 3.0     # ... or 0.77 / A^(2/3) if E_c > 1250 MeV/n
Y2_RL, Y2_RU, Y2_RC = 10.2, 0.26, 1.60    # R = 10.2 / E^0.26 below E_HIGH, 1.6 above
Y2_S, Y2_SC, Y2_SX, Y2_T = 0.502, 0.26, 1.4, 0.0005  # S = 0.502 -+ 0.26 |A/Z - 2|^1.4
# pure proton removal: x min(0.0022 A_f^2, 1); three protons: at most 0.5 mb
Y2_PP_A2, Y2_PP_CAP = 0.0022, 0.5
Y2_ZI0, Y2_ZI_SLOPE = 13, 0.12      # Z_p >= 14: x [1 + 0.12 (Z_p - 13)] above 500 MeV/n ...
Y2_ZE1, Y2_ZE2, Y2_ZW = 200.0, 500.0, 350.0  # ... damped by exp[-((E-500)/350)^2] on [200, 500)
Y2_PN_FACTOR = 1.7                  # (1 proton + 1 neutron) removal, Z_p >= 12
Y2_NDEF_AZ = 1.8                    # neutron-deficient products A_f/Z_f <= 1.8, Z_p <= 10:
Y2_NDEF_2N, Y2_NDEF_OTHER = 0.5, 0.3  # x 0.5 for two-neutron loss, x 0.3 otherwise

# ------------------------------------------------------------------------------------------
# YIELD3: 17 <= Z_p <= 20 (also Z_p = 21 for the geometric mean), Z_f >= 5
# ------------------------------------------------------------------------------------------
Y3_PL, Y3_PU = 20.0, 0.77           # P = 20 / E^0.77 below E_c
Y3_PH, Y3_PHX = 1.98, 0.92          # P = 1.98 / A^0.92 above E_c
Y3_F2A, Y3_F2B, Y3_F2E = 0.90, 0.0015, 600.0  # F2 = exp(0.9 - 0.0015 E) below 600 MeV/n
Y3_S, Y3_SC = 0.502, 0.08           # S = 0.502 - 0.08 |A/Z - 2|
Y3_QH_P, Y3_QH_PX = 0.77, 0.667     # pure two-proton removal uses the high-energy value,
                                    # P = 0.77 / A^0.667, R = 1.6
Y3_A_PERIPH = 35                    # peripheral (few-nucleon) branch needs A_p >= 35
Y3_KN_MAX = 3                       # neutron loss up to 3 neutrons
Y3_XA = 1.6                         # multi-neutron loss x exp(1 - k^(1.6 - 0.0048 A))
XA_SLOPE = 0.0048
Y3_QPN = 17.0                       # proton + neutron(s) loss [mb]
# multi-nucleon-loss shape: [1 + 1.9 / exp((dA/7.9)^2 + (E/420)^1.4)] H3 H4,
# H4 = min(max(400/E - 2.2, 1), 2)
HE_A, HE_DA, HE_E, HE_EX = 1.9, 7.9, 420.0, 1.4
H4_E, H4_C = 400.0, 2.2
DX_N1, DX_NK, DX_P0, DX_P1 = 3.0, 15.0, -3.0, -1.0  # neutron-excess slopes of the yield factor
Y3_ZMAX_ENH = 19                    # the Z_p >= 14 enhancement stops at Z_p = 19

# ------------------------------------------------------------------------------------------
# YIELD4: 21 <= Z_p <= 28 (also Z_p = 20 for the geometric mean), Z_f >= 5; A_p < 69 only
# sigma = 144 F1 F2 P A^0.367 / [1 - 0.3/(P A) - (0.7 - 0.3/(P A)) e^{-P A}]
#         x exp(-P dA - R_j |Z_f - (S - T2 A_f - T3 A_f^2) A_f|^nu) Omega eta
# ------------------------------------------------------------------------------------------
Y4_C1, Y4_C2, Y4_C3, Y4_C4 = 144.0, 0.367, 0.3, 0.7
Y4_E0, Y4_E1, Y4_ECMAX = 20.3, 1.169, 4000.0  # E_c = 20.3 A^1.169, in [1250, 4000] MeV/n
Y4_S0, Y4_S1, Y4_T2, Y4_T3 = 0.482, 0.07, 2.8e-4, 3.0e-7
# R_j = 11.8 A_f^-0.45 for A_f >= 40, 1.29 A_f^0.15 below
Y4_R0, Y4_R1, Y4_RA, Y4_RL0, Y4_RL1 = 11.8, 0.45, 40, 1.29, 0.15
Y4_NU_LO, Y4_NU_MID, Y4_NU_HI = 1.30, 1.50, 1.75  # |ST|^nu for ST < -1, |ST| <= 1, ST > 1
Y4_PL, Y4_PU = 20.0, 0.77           # P = 20 / E^0.77 below E_c (as YIELD3)
Y4_PH, Y4_PHX = 1.98, 0.92          # high-energy P = 1.98 / A^0.92
# 20 <= Z_p <= 30: P x [1 - 0.32 e^{-((E-100)/100)^2}]
Y4_PE_DIP, Y4_PE_E0, Y4_PE_W = 0.32, 100.0, 100.0
Y4_PE_ZMIN = 20
# F1 = exp(-0.25 + 0.0074 A), going to 1 between 750 MeV/n and E_c
Y4_F1A, Y4_F1B, Y4_F1E = -0.25, 0.0074, 750.0
Y4_F2A, Y4_F2B = 1.73, 0.0071        # F2 = max(exp(1.73 - 0.0071 E), 1)
Y4_DA0, Y4_DA1, Y4_DA2, Y4_DAA, Y4_DAE1, Y4_DAE2 = 31.5, 0.045, 1.23, 36.0, 0.0365, 1.23
# max effective dA: 31.5 + 0.045 (A - 36)(ln A + 1.23) above E_c,
#                   31.5 + 0.0365 (A - 36)(ln E - 1.23) below
Y4_PAIR_A, Y4_PAIR_W = 100.0, 35.0   # eta -> eta + (1 - eta)(1 - exp(-((A_p - 100)/35)^2))
Y4_E_PERIPH = 2500.0                 # "E_c" of the peripheral branch
Y4_H3_A, Y4_H3_B = 15.0, 10.0        # peripheral cut-off 1 - exp[-(E/(15 + 10 dA))^4]
Y4_HE_W8 = 12.0                      # ... - [1 - exp(-(dA/12)^8)] exp(-(E/420)^3) in the shape
Y4_XA = 1.5                          # multi-neutron loss x exp(1 - k^(1.5 - 0.0048 A))
Y4_KN0, Y4_KN_A = 3, 66.0            # max neutrons lost peripherally: int(3 + A/66)
# max neutrons with one proton: int(10 (1 - e^{-((A-39)/54.5)^2})), at least 2 ...
Y4_KM_C, Y4_KM_A0, Y4_KM_W = 10.0, 39.0, 54.5
Y4_KM_LIGHT = (35, 40, 1)            # ... but 1 for 35 <= A_p <= 40
# [mb] p + xn: 27; single proton: 28 (Z_p <= 23), 33 (Z_p >= 24)
Y4_QPN, Y4_QP_LIGHT, Y4_QP_HEAVY, Y4_QP_Z = 27.0, 28.0, 33.0, 23
Y4_PP_E, Y4_PP_E2 = 35.0, 200.0      # pure proton removal: (1 - e^{-(E/35)^4}) (x E/200 below 200)
# energy shapes at the end of YIELD4, E' = 20.3 56^1.169 E / E_c:
# G2 (dA > dA_max) = 1 - 0.4 [1 - e^{-(E'/2000)^2}] e^{-((E'-1800)/1800)^2}
#                      + 0.17 [1 - e^{-(E'/2000)^2}]
G2_A, G2_E1, G2_E2, G2_W2, G2_B = 0.4, 2000.0, 1800.0, 1800.0, 0.17
# G3 (7 <= dA <= dA_max - 13) = 1 + 0.25 [1 - e^{-(E'/1500)^2}] e^{-((E'-1500)/1800)^2}
#                                 - 0.05 [1 - e^{-(E'/2000)^2}]
G3_A, G3_E1, G3_E2, G3_W2, G3_B, G3_E3 = 0.25, 1500.0, 1500.0, 1800.0, 0.05, 2000.0
G3_DA0, G3_DAC = 7, 13
# many-neutron loss: x (0.1 + 0.9 e^{-(k - k_m)^2/4}) with one or two protons removed,
# x (0.5 + 0.5 e^{...}) with three; k_m = 9 (one or two protons), 10
MX_NP, MX_OTHER, MX_W = 9, 10, 4.0
MX_LOW, MX_MID = 0.1, 0.5

# ------------------------------------------------------------------------------------------
# PXN: (p, xn) charge exchange, Z_f = Z_p + 1, x = neutrons lost (YIELDX PXN; ST77)
# ------------------------------------------------------------------------------------------
PX_Q, PX_X0, PX_XP, PX_XW = 3.3, 6.9, 2.8, 67.45
PX_CZ, PX_XE, PX_AZ0, PX_AZP = 90.0, 2.35, 2.5, 5.0
PX_QA, PX_AZ1, PX_DAZ = 0.04638, 2.28, 0.22
PX_Q2, PX_XZ0, PX_XZMAX = 0.5, 1.5, 1.2
PX_EI0, PX_EI1 = 500.0, 300.0       # energy shape frozen above 500 + 300 x MeV/n
PX_B, PX_FX0, PX_FX1, PX_Y1, PX_YMAX = 35.0, 12.0, 0.1, 1.5, 10.0
PX_F2N, PX_F2X, PX_F2E, PX_F2S, PX_F2W, PX_F2W4, PX_F2A, PX_F2A4 = (
    3500.0, 0.6, 5.0, 1.34, 6.0, 2.5, 0.03, 2.0)
PX_D0, PX_D1, PX_D2 = 27.5, 0.1, 200.0
PX_F3N, PX_F3X, PX_F3XP, PX_F3P = 1300.0, 20.0, 1.5, 1.3
PX_RENORM = {(6, 13): 0.4, (3, 9): 0.65}   # (Z_p, A_f) -> factor

# ------------------------------------------------------------------------------------------
# Channel renormalisations of the YIELDX main routine (STB98 and the Dec-1999 code): empirical
# corrections of the formula to measured cross sections, channel by channel or by group.
# Keys: Zp, Ap, Zf, Af, dZ = Zp - Zf, dA = Ap - Af, Sp = Ap - 2 Zp, Sf = Af - 2 Zf; a value is
# an int or a container of allowed ints.  Factors multiply sigma.
# ------------------------------------------------------------------------------------------


def _ge(n):
    """'at least n' in the rule tables."""
    return range(n, 1000)


# applied to the routine output, before the geometric means (boron, Z_p = 20, 21)
RENORM_MAIN = (
    (dict(Zp=6, Ap=12, Zf=4, Af=8), 1.8),
    (dict(Zp=7, Ap=14, Zf=6, Af=12), 1.8),
    (dict(Zp=7, Ap=14, Zf=6, Af=13), 0.5),
    (dict(Zp=8, Ap=16, Zf=6, Af=12), 1.8),
    (dict(Zp=8, Ap=16, Zf=7, Af=14), 1.8),
    (dict(Zp=8, Ap=16, Zf=7, Af=15), 1.5),
    (dict(Zp=(8, 10), Sp=0, Sf=_ge(2), Zf=_ge(5)), 0.7),  # 16O, 20Ne -> neutron-rich
    (dict(Zp=range(9, 17), Sf=-1, Zf=_ge(9)), 0.7),       # -> N = Z - 1
    (dict(Zp=range(6, 12), Sf=-2, Zf=_ge(9)), 0.4),       # -> N = Z - 2
    (dict(Zp=range(10, 14), Zf=(6, 8), Sf=0), 2.0),       # Ne-Al -> 12C, 16O
    (dict(Zp=10, Ap=20, Zf=7, Af=(14, 15)), 1.5),
    (dict(Zp=12, Ap=24, Zf=7, Af=(14, 15)), 1.5),
    (dict(Zp=range(10, 17), Zf=9), 0.8),
    (dict(Zp=(12, 14), Sp=0, dZ=2, dA=4), 1.6),
    (dict(Zp=(12, 14), Sp=0, dZ=1, dA=1), 1.6),
    (dict(Zp=16, Ap=32, dZ=2, dA=4), 1.6),
    (dict(Zp=16, Ap=32, dZ=1, dA=1), 1.2),
    (dict(Zp=16, Ap=32, dZ=1, dA=2), 0.8),
    (dict(Zp=16, Ap=32, dZ=3, dA=5), 1.4),
    (dict(Zp=16, Ap=32, dZ=4, dA=8), 1.4),
    (dict(Zp=16, Ap=32, dZ=8, dA=16), 1.4),
    (dict(Zp=(18, 20), Sp=0, dZ=(1, 3)), 0.7),
    (dict(Zp=20, Ap=40, Zf=(12, 14)), 2.4),
    (dict(Zp=20, Ap=40, Zf=(16, 18)), 1.4),
    (dict(Zp=range(24, 29), Zf=range(20, 24), Sf=_ge(6)), 0.5),  # Cr-Ni -> n-rich Ca-V
    (dict(Zp=26, Ap=56, Zf=(16, 18, 20)), 1.3),
    (dict(Zp=24, Ap=52, Zf=(16, 18, 20)), 1.3),
    (dict(Zp=28, Ap=58, Zf=range(19, 23)), 1.4),
    (dict(Zp=6, Zf=(3, 4)), 1.4),                       # carbon -> Li, Be
    (dict(Zp=26, Ap=56, Zf=24, Af=54), 0.7),
    (dict(Zp=26, Ap=56, Zf=25, Af=54), 1.7),
    (dict(Zp=26, Ap=56, Zf=25, Af=55), 1.25),
    (dict(Zp=26, Ap=56, Zf=17), 0.9),
)
# 56Fe -> V: x [1 - 0.6 exp(-((52 - A_f)/2.6)^2)]
FE_V_DIP, FE_V_A0, FE_V_W = 0.6, 52.0, 2.6
# boron products, after the geometric mean sqrt(YIELD1 x YIELD2/3/4)
RENORM_BORON = (
    (dict(Zp=7, Ap=14, Zf=5, Af=10), 1.8),
    (dict(Zp=6, Ap=12, Zf=5, Af=10), 1.3),
    (dict(Zp=6, Ap=12, Zf=5, Af=11), 1.3),
)
# added "just prior to the 26th ICRC" (1999); applied last, not to boron
RENORM_1999 = (
    (dict(Zp=20, Ap=40, Zf=16, Af=31), 0.7),
    (dict(Zp=20, Ap=40, Zf=15, Af=31), 1.3),
    (dict(Zp=18, Ap=40, Zf=16, Af=31), 1.2),
    (dict(Zp=18, Ap=40, Zf=15, Af=31), 1.2),
    (dict(Zp=14, Ap=28, Zf=12, Af=26), 1.3),
    (dict(Zp=12, Ap=24, Zf=12, Af=23), 1.4),
    (dict(Zp=10, Ap=20, Zf=10, Af=19), 1.3),
    (dict(Zp=10, Ap=20, Zf=9, Af=19), 1.2),
    (dict(Zp=8, Ap=16, Zf=7, Af=14), 0.8),
    (dict(Zp=8, Ap=16, Zf=6, Af=14), 1.2),
    (dict(Zp=6, Ap=12, Zf=4, Af=10), 1.5),
)


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------
def _renorm(rules, zp, ap, zf, af) -> float:
    """Product of the factors of all rules in ``rules`` that match the channel."""
    q = dict(Zp=zp, Ap=ap, Zf=zf, Af=af, dZ=zp - zf, dA=ap - af, Sp=ap - 2 * zp, Sf=af - 2 * zf)
    f = 1.0
    for cond, factor in rules:
        if all((q[k] in v) if not isinstance(v, int) else q[k] == v for k, v in cond.items()):
            f *= factor
    return f


def high_energy_limit(Ap: int) -> float:
    """E_c [GeV/n] = max(68.7 A^0.866, 1250) MeV/n of YIELD1-3: P, R and the single-neutron-loss
    shape are frozen at E_c (ST77; YIELDX)."""
    return max(EC_NORM * float(Ap) ** EC_POWER, EC_FLOOR) / MEV_PER_GEV


def _ec(ap) -> float:
    return max(EC_NORM * float(ap) ** EC_POWER, EC_FLOOR)


def _h3(ei):
    """Low-energy cut-off of single-nucleon loss (YIELD1-3)."""
    return np.where(ei < H3_CUT, 1.0 - np.exp(-(ei / H3_E0) ** 4), 1.0)


def _fn(ei):
    """Single-neutron-loss shape f_n(E) H3, 1 at and above 2.5 GeV/n."""
    f = 1.0 + FN_A1 * np.exp(-(ei / FN_E1) ** 2) + FN_A2 * np.exp(-ei / FN_E2)
    return np.where(ei < E_SHAPE_MAX, f * _h3(ei), 1.0)


def _fp_raw(e):
    return (1.0 - np.exp(-(e / FP_E1) ** 2) + FP_A2 * np.exp(-e / FP_E2)
            + FP_A3 * np.exp(-((e - FP_E3) / FP_W3) ** 2))


def _fp(e, ei):
    """Single-proton-loss shape f_p(E) H3(E_I); note f_p uses the uncapped energy (YIELDX)."""
    return np.where(e < E_SHAPE_MAX, _fp_raw(e) * _h3(ei), 1.0)


def _qn(ap) -> float:
    """Single-neutron-loss normalisation [mb] (YIELD1, YIELD4; YIELD2/3 use the A <= 40 form)."""
    if ap >= QN_MAX_A:
        return QN_MAX
    if ap > QN_HEAVY_A:
        return QN_HEAVY_SLOPE * (ap - QN_HEAVY_SHIFT)
    return QN_NORM * (1.0 + QN_SLOPE * ap)


def _s_light(ap, zp, s0, c, x):
    """S = s0 - c (A/Z - 2)^x for A/Z >= 2, s0 + c (2 - A/Z)^x otherwise."""
    r = ap / zp - 2.0
    return s0 - c * r**x if r >= 0.0 else s0 + c * (-r) ** x


def _eta_light(zf, nf) -> float:
    if zf % 2 == 0:
        return ETA_LIGHT_EVEN_Z
    return ETA_LIGHT_ODD_Z_EVEN_N if nf % 2 == 0 else ETA_LIGHT_ODD_ODD


def _eta_heavy(zf, nf) -> float:
    oz, on = zf % 2, nf % 2
    if oz and on:
        return ETA_OO
    if not oz and not on:
        return ETA_EE
    return ETA_EZ_ON if on else ETA_OZ_EN


def _yield_factor(dx, ap, zp) -> float:
    """Neutron-excess factor of the peripheral branches: e^d for d <= 0, 2 - e^-d for d > 0,
    d = dx (A_p - A_m)/Z_p (YIELD3/YIELD4)."""
    d = dx * (ap - A_REF[zp]) / zp
    return float(np.exp(d)) if d <= 0.0 else float(2.0 - np.exp(-d))


def _multi_nucleon_shape(da, ei, h3):
    """[1 + 1.9 exp(-(dA/7.9)^2 - (E/420)^1.4)] H3 H4 (YIELD3 few-nucleon loss)."""
    h4 = np.clip(H4_E / ei - H4_C, 1.0, 2.0)
    return (1.0 + HE_A * np.exp(-(da / HE_DA) ** 2 - (ei / HE_E) ** HE_EX)) * h3 * h4


# ------------------------------------------------------------------------------------------
# the ST branches (e: MeV/n, > 0)
# ------------------------------------------------------------------------------------------
def _yield1(zp, ap, zf, af, e):
    """Light products Z_f <= 5 (YIELD1; ST73, ST77)."""
    a, z = float(ap), float(zp)
    ec = _ec(ap)
    ei = np.minimum(e, ec)
    jp, kn = zp - zf + 1, (ap - zp) - (af - zf)
    omega = OMEGA.get((zf, af), 1.0)
    if (jp, kn) in ((1, 1), (2, 0)):
        # single-nucleon loss; 9Be carries Omega/eta here (YIELD1 "CX")
        cx = omega / _eta_light(zf, af - zf) if (zf, af) == (4, 9) else 1.0
        if jp == 1:
            return _qn(ap) * cx * np.where(ei < ec, _fn(ei), 1.0)
        n = ap - zp
        ct = 1.0
        if ap / zp > 2.0 and zp <= 5 and n > 2:      # light neutron-rich targets (YIELD1 "CT")
            ct = min((z - 2.0) / (n - 2.0), 1.0)
        return QP_NORM * cx * ct * _fp(e, ei)

    fz = _fz(ap, zf, af)
    da = np.minimum(float(ap - af), Y1_DA0 + Y1_DA1 * (a - Y1_DAA) * (np.log(ei) - Y1_DAE))
    lo = ei < E_HIGH
    lin = 1.0 - Y1_EK * ei
    q = np.where(lo, Y1_Q * np.exp(Y1_QB * lin), Y1_Q)
    p = np.where(lo, Y1_P * lin, 0.0)
    if zp > Y1_Z_HEAVY:
        r = np.full_like(ei, Y1_RC)
        q = np.where(lo, q * Y1_HEAVY_Q * np.exp(-((ei - Y1_HEAVY_E0) / Y1_HEAVY_W) ** 2), q)
    else:
        r = np.where(lo, Y1_RL / ei**Y1_RU, Y1_RC)
    s = _s_light(a, z, Y1_S, Y1_SC, Y1_SX)
    za = (zf - (s - Y1_T * af) * af) ** 2
    sig = q * np.exp(-p * da - r * za) * fz * omega
    if zp <= Y1_Z_HEAVY:
        return Y1_JP3 * sig if (jp == 3 and kn == 0) else sig
    # Z_p 21-28: energy shape G1, evaluated at E and at E scaled to 56Fe (STB98)
    ex = _ec(56) * e / ec
    g_e, g_x = _g1(e), _g1(ex)
    mid = (e > ec) & (e < E_SHAPE_MAX)
    g = np.where(e > E_SHAPE_MAX, g_x, np.where(mid, np.sqrt(g_e * g_x), g_e))
    return sig * g


def _g1(e):
    return (1.0 - G1_A * (1.0 - np.exp(-(e / G1_E1) ** 2)) * np.exp(-(e / G1_E2) ** 2)
            + G1_B * (1.0 - np.exp(-(e / G1_E3) ** 2)))


def _fz(ap, zf, af) -> float:
    """F_Z of YIELD1 (neutron-rich light fragments of heavier targets)."""
    if ap >= FZ_HEAVY_A0:
        c0, c1 = FZ_HEAVY.get((zf, af), FZ_HEAVY_A10 if (af >= 10 and zf <= 5) else (1.0, 0.0))
        return c0 + c1 * (min(ap, FZ_A_CAP) - FZ_HEAVY_A0)
    if ap > FZ_MID_A0:
        da = ap - FZ_MID_A0
        if (zf, af) == (2, 6):
            return FZ_MID_6HE * (1.0 + FZ_MID_6HE_SLOPE * da)
        if (zf, af) == (3, 6):
            return 1.0 + FZ_MID_6LI_SLOPE * da
        if af == 7 and zf <= 4:
            return 1.0 + FZ_MID_A7_SLOPE * da
        return 1.0
    if ap >= FZ_6HE_A0 and (zf, af) == (2, 6):
        return 1.0 + FZ_6HE_SLOPE * (ap - FZ_6HE_A0)
    return 1.0


def _yield2(zp, ap, zf, af, e):
    """5 <= Z_p <= 16, Z_f >= 5 (YIELD2; ST73, ST77, STB98)."""
    a, z = float(ap), float(zp)
    ec = _ec(ap)
    ei = np.minimum(e, ec)
    jp, kn = zp - zf + 1, (ap - zp) - (af - zf)
    omega = OMEGA.get((zf, af), 1.0)
    cx = omega if (zf, af) in ((7, 13), (10, 19)) else 1.0
    if (jp, kn) == (1, 1):
        sig = QN_NORM * (1.0 + QN_SLOPE * a) * cx * np.where(ei < ec, _fn(ei), 1.0)
    elif (jp, kn) == (2, 0):
        n = ap - zp
        ct = min((z - 2.0) / (n - 2.0), 1.0) if (zp <= 5 and n > 2) else 1.0
        sig = QP_NORM * cx * ct * _fp(e, ei)
    else:
        f1 = 1.0 - F1_C * np.log(a / F1_A)
        p_hi = Y2_PH / a**Y2_PHX if ec > EC_FLOOR else Y2_PC
        p = np.where(ei < ec, Y2_PL / ei**Y2_PU, p_hi)
        r = np.where(ei < E_HIGH, Y2_RL / ei**Y2_RU, Y2_RC)
        s = _s_light(a, z, Y2_S, Y2_SC, Y2_SX)
        za = (zf - (s - Y2_T * af) * af) ** 2
        norm = SIG0 * (a ** (2.0 / 3.0) - 1.0) * f1 * p * np.sqrt(r) / (1.0 - np.exp(-p * a))
        sig = norm * np.exp(-p * (ap - af) - r * za) * omega * _eta_light(zf, af - zf)
        if jp >= 3 and kn == 0:
            sig = sig * min(Y2_PP_A2 * af * af, 1.0)
            if jp == 4:
                sig = np.minimum(sig, Y2_PP_CAP)
    if zp > Y2_ZI0:
        inc = Y2_ZI_SLOPE * (zp - Y2_ZI0)
        ramp = 1.0 + inc * np.exp(-((ei - Y2_ZE2) / Y2_ZW) ** 2)
        sig = sig * np.where(ei >= Y2_ZE2, 1.0 + inc, np.where(ei >= Y2_ZE1, ramp, 1.0))
    if (jp, kn) == (2, 1) and zp >= 12:
        sig = sig * Y2_PN_FACTOR
    if zp <= 10 and af <= Y2_NDEF_AZ * zf + 1e-9:
        sig = sig * (Y2_NDEF_2N if (jp, kn) == (1, 2) else Y2_NDEF_OTHER)
    return sig


def _yield3(zp, ap, zf, af, e):
    """17 <= Z_p <= 21, Z_f >= 5 (YIELD3; ST77, STB98)."""
    a, z = float(ap), float(zp)
    ec = _ec(ap)
    ei = np.minimum(e, ec)
    jp, kn = zp - zf + 1, (ap - zp) - (af - zf)
    eta = _eta_heavy(zf, af - zf)
    da = float(ap - af)
    peripheral = (ap >= Y3_A_PERIPH and jp <= 2 and kn <= Y3_KN_MAX
                  and not (jp == 2 and (kn > 2 or (ap <= 40 and kn > 1))))
    if peripheral:
        h3 = _h3(ei)
        if jp == 1:
            qh = QN_NORM * (1.0 + QN_SLOPE * a)
            dx = DX_N1 if kn == 1 else DX_NK
            if kn == 1:
                sig = qh * np.where(ei < ec, _fn(ei), 1.0)
            else:
                qh *= np.exp(1.0 - kn ** (Y3_XA - XA_SLOPE * a))
                sig = np.where(ei < ec, qh * _multi_nucleon_shape(da, ei, h3), qh)
        elif kn == 0:
            dx, sig = DX_P0, QP_NORM * _fp(e, ei)
        else:
            dx = DX_P1 if kn == 1 else 0.0
            sig = np.where(ei < ec, Y3_QPN * _multi_nucleon_shape(da, ei, h3), Y3_QPN)
        return sig * _yield_factor(dx, a, zp)

    omega = OMEGA_13N if (zf, af) == (7, 13) else 1.0
    f1 = 1.0 - F1_C * np.log(a / F1_A)
    hi = ei >= ec
    f2 = np.where(hi | (ei >= Y3_F2E), 1.0, np.exp(Y3_F2A - Y3_F2B * ei))
    p = np.where(hi, Y3_PH / a**Y3_PHX, Y3_PL / ei**Y3_PU)
    r = np.where(ei < E_HIGH, Y2_RL / ei**Y2_RU, Y2_RC)
    s = Y3_S - Y3_SC * abs(a / z - 2.0)
    za = (zf - (s - Y2_T * af) * af) ** 2
    if jp == 3 and kn == 0 and ap >= Y3_A_PERIPH:
        # pure two-proton removal: energy-independent high-energy value
        ph = Y3_QH_P / a**Y3_QH_PX
        norm = SIG0 * (a ** (2.0 / 3.0) - 1.0) * f1 * ph * np.sqrt(Y2_RC) / (1.0 - np.exp(-ph * a))
        sig = np.full_like(ei, norm * np.exp(-ph * da - Y2_RC * za) * eta * omega)
    else:
        norm = SIG0 * (a ** (2.0 / 3.0) - 1.0) * f1 * f2 * p * np.sqrt(r) / (1.0 - np.exp(-p * a))
        sig = norm * np.exp(-p * da - r * za) * eta * omega
    if Y2_ZI0 < zp <= Y3_ZMAX_ENH:
        inc = Y2_ZI_SLOPE * (zp - Y2_ZI0)
        sig = sig * np.where(ei < Y2_ZE1, 1.0,
                             np.where(ei > Y2_ZE2, 1.0 + inc,
                                      1.0 + inc * np.exp(-((ei - Y2_ZE2) / Y2_ZW) ** 2)))
    return sig


def _yield4(zp, ap, zf, af, e):
    """20 <= Z_p <= 28 (A_p < 69), Z_f >= 5 (YIELD4; ST77, ST85, STB98)."""
    a, z = float(ap), float(zp)
    jp, kn = zp - zf + 1, (ap - zp) - (af - zf)
    aa = float(ap - af)
    eta = _eta_heavy(zf, af - zf)
    eta = eta + (1.0 - eta) * (1.0 - np.exp(-((a - Y4_PAIR_A) / Y4_PAIR_W) ** 2))
    da_max = Y4_DA0 + Y4_DA1 * (a - Y4_DAA) * (np.log(a) + Y4_DA2)
    ec_s = min(Y4_E0 * a**Y4_E1, Y4_ECMAX)
    ei = np.minimum(e, max(ec_s, EC_FLOOR))
    omega = OMEGA_13N if (zf, af) == (7, 13) else 1.0

    sig, ec_g = None, ec_s
    if jp <= 2:
        # peripheral: one proton and/or a few neutrons removed
        h3 = 1.0 - np.exp(-(ei / (Y4_H3_A + Y4_H3_B * aa)) ** 4)
        h4 = np.clip(H4_E / ei - H4_C, 1.0, 2.0)
        he = (1.0 + HE_A * np.exp(-(aa / HE_DA) ** 2 - (ei / HE_E) ** HE_EX)
              - (1.0 - np.exp(-(aa / Y4_HE_W8) ** 8)) * np.exp(-(ei / HE_E) ** 3)) * h3 * h4
        qh = None
        if jp == 1 and kn <= int(Y4_KN0 + a / Y4_KN_A):
            fe = np.where(ei < Y4_E_PERIPH, _fn_raw(ei) * h3, 1.0) if kn == 1 else he
            qh = _qn(ap) if kn == 1 else _qn(ap) * np.exp(1.0 - kn ** (Y4_XA - XA_SLOPE * a))
            dx = DX_N1 if kn == 1 else DX_NK
        elif jp == 2:
            km = max(int(Y4_KM_C * (1.0 - np.exp(-((a - Y4_KM_A0) / Y4_KM_W) ** 2))), 2)
            if Y4_KM_LIGHT[0] <= ap <= Y4_KM_LIGHT[1]:
                km = Y4_KM_LIGHT[2]
            if kn <= km:
                fe = _fp_raw(e) * h3 if kn == 0 else he
                qh = Y4_QPN if kn > 0 else (Y4_QP_LIGHT if zp <= Y4_QP_Z else Y4_QP_HEAVY)
                dx = {0: DX_P0, 1: DX_P1}.get(kn, 0.0)
        if qh is not None:
            # the shape is frozen at the peripheral E_c = 2.5 GeV/n
            sig = qh * _yield_factor(dx, a, zp) * np.where(ei >= Y4_E_PERIPH, 1.0, fe)
            ec_g = Y4_E_PERIPH

    if sig is None:
        # spallation
        ah = min(aa, da_max)
        dmax = np.where(ei < ec_s, Y4_DA0 + Y4_DAE1 * (a - Y4_DAA) * (np.log(ei) - Y4_DAE2), da_max)
        da = np.minimum(aa, dmax)
        f1_0 = np.exp(Y4_F1A + Y4_F1B * a)
        f1_mid = 1.0 + (f1_0 - 1.0) * ((ec_s - ei) / (ec_s - Y4_F1E)) ** 2
        f1 = np.where(ei >= ec_s, 1.0, np.where(ei > Y4_F1E, f1_mid, f1_0))
        f2 = np.maximum(np.exp(Y4_F2A - Y4_F2B * ei), 1.0)
        ph = Y4_PH / a**Y4_PHX
        p = Y4_PL / ei**Y4_PU
        if zp >= Y4_PE_ZMIN:        # (the code's upper bound Z_p <= 30 is above Z_P_MAX)
            p = p * (1.0 - Y4_PE_DIP * np.exp(-((ei - Y4_PE_E0) / Y4_PE_W) ** 2))
        p = np.where(e >= ec_s, ph, p)
        rj = Y4_R0 * af ** (-Y4_R1) if af >= Y4_RA else Y4_RL0 * af**Y4_RL1
        s = Y4_S0 - Y4_S1 * (a - A_REF[zp]) / z
        st = zf - (s - Y4_T2 * af - Y4_T3 * af * af) * af
        za = abs(st) ** (Y4_NU_LO if st < -1.0 else (Y4_NU_MID if st <= 1.0 else Y4_NU_HI))

        def norm(pp):
            pa = pp * a
            return Y4_C1 * pp * a**Y4_C2 / (1.0 - Y4_C3 / pa - (Y4_C4 - Y4_C3 / pa) * np.exp(-pa))

        q_hi = omega * eta * np.exp(-ph * ah - rj * za) * norm(ph)
        if 3 <= jp <= 5 and kn == 0:
            # pure proton removal: high-energy value with a low-energy cut-off
            fe = 1.0 - np.exp(-(ei / Y4_PP_E) ** 4)
            sig = q_hi * np.where(ei < Y4_PP_E2, fe * ei / Y4_PP_E2, fe)
        else:
            sig = omega * eta * np.exp(-p * da - rj * za) * f1 * f2 * norm(p)
            sig = np.where(e > ec_s, q_hi, sig)
            sig = np.where((ei >= Y4_E_PERIPH) & (sig > q_hi), q_hi, sig)

    # final energy shapes (STB98), energy scaled to 56Fe
    ex = Y4_E0 * 56.0**Y4_E1 * e / ec_g
    if aa > da_max:
        sat = 1.0 - np.exp(-(ex / G2_E1) ** 2)
        sig = sig * (1.0 - G2_A * sat * np.exp(-((ex - G2_E2) / G2_W2) ** 2) + G2_B * sat)
    if G3_DA0 <= aa <= da_max - G3_DAC:
        bump = (1.0 - np.exp(-(ex / G3_E1) ** 2)) * np.exp(-((ex - G3_E2) / G3_W2) ** 2)
        sig = sig * (1.0 + G3_A * bump - G3_B * (1.0 - np.exp(-(ex / G3_E3) ** 2)))
    mx = MX_NP if jp < 3 else MX_OTHER
    if (jp == 1 and kn > mx) or (jp == 2 and kn >= mx):
        sig = sig * (MX_LOW + (1.0 - MX_LOW) * np.exp(-(kn - mx) ** 2 / MX_W))
    elif jp == 3 and kn >= mx:
        sig = sig * (MX_MID + (1.0 - MX_MID) * np.exp(-(kn - mx) ** 2 / MX_W))
    return sig


def _fn_raw(ei):
    return 1.0 + FN_A1 * np.exp(-(ei / FN_E1) ** 2) + FN_A2 * np.exp(-ei / FN_E2)


def _pxn(zp, ap, af, e):
    """(p, xn) charge exchange Z_f = Z_p + 1, x = N_p - N_f >= 1 neutrons lost (PXN; ST77)."""
    a, z = float(ap), float(zp)
    x = float((ap - zp) - (af - zp - 1))
    base = -abs(PX_X0 - x) ** PX_XP / PX_XW
    r = a / z
    qb = PX_Q * np.exp(base)
    if r > PX_AZ0:
        q1 = qb
    elif r >= PX_AZ1:
        qa = PX_Q * np.exp(base - PX_QA * x**PX_XE)
        q1 = qa ** ((PX_AZ0 - r) / PX_DAZ) * qb ** ((r - PX_AZ1) / PX_DAZ)
    else:
        q1 = PX_Q * np.exp(base - PX_CZ * x**PX_XE * abs(PX_AZ0 - r) ** PX_AZP)
    xz = ((a - z) - x + 1.0) / z
    if xz <= PX_XZMAX:
        q1 = min(q1, PX_Q2 * np.exp(-PX_CZ * abs(PX_XZ0 - xz) ** PX_AZP))
    b = max(a, PX_B)
    fx = (PX_FX0 + PX_FX1 * x) * x - (1.0 - 1.0 / np.sqrt(x)) * b ** (2.0 / 3.0)
    logy = np.minimum((1.0 + PX_Y1 * x) * np.log(np.abs(e / fx)), PX_YMAX)
    f1 = 1.0 - np.exp(-np.exp(logy))
    d = PX_D0 - PX_D1 * (a + (PX_D2 - a) / np.sqrt(x))       # A < 208: no further terms
    peak = ((e - d) - PX_F2E * x**PX_F2S) / (PX_F2W - PX_F2W4 / x**4)
    f2 = (PX_F2N * np.exp(-PX_F2X * x - 0.5 * peak**2)
          * (1.0 - np.exp(-(PX_F2A * a / (PX_F2A4 - 1.0 / x**4)) ** 3)))
    ei = PX_EI0 + PX_EI1 * x
    f3 = (PX_F3N / (e + PX_F3X * x**PX_F3XP / e)) ** PX_F3P
    fh = (PX_F3N / (ei + PX_F3X * x**PX_F3XP / ei)) ** PX_F3P
    sig = q1 * np.where(e >= ei, fh, f1 * (f2 + f3))
    return sig * PX_RENORM.get((zp, af), 1.0)


# ------------------------------------------------------------------------------------------
def partial_cross_section(Zp: int, Ap: int, Zf: int, Af: int, e_kn) -> np.ndarray:
    """Independent ("direct", not cumulative) production cross section [mb] of the nucleus (Zf, Af)
    in collisions of the projectile nucleus (Zp, Ap) with protons at kinetic energy per nucleon e_kn [GeV/n]
    (array-like). Zero where the channel is closed.

    Silberberg & Tsao (ST73-STB98) as coded in YIELDX (Dec 1999): dispatch
    Z_f = Z_p + 1 -> (p, xn); Z_f <= 4 -> YIELD1; Z_f >= 5 and Z_p <= 16 -> YIELD2, 17-20 -> YIELD3,
    21-28 -> YIELD4; Z_p = 20 and 21 (Z_f >= 6) use the geometric mean of YIELD3 and YIELD4;
    boron (Z_f = 5) uses sqrt(YIELD1 x main); then the channel renormalisations (module tables).

    Zero for closed channels (A_f > A_p, Z_f > Z_p + 1, N_f > N_p, identical nuclei, e_kn <= 0)
    and for channels outside ST: Z_f <= 1 and Z_p <= 2.  There is **no** built-in formula for
    4He + p -> 3He, 3H, 2H or 3He + p -> 2H (I found no sourced parametrisation to implement;
    ST's code starts at Z_p = 3), so those return 0: supply them from a table.
    Raises ``ValueError`` for Z_p > 28 (not implemented) and for impossible nuclei.
    """
    zp, ap, zf, af = int(Zp), int(Ap), int(Zf), int(Af)
    if min(zp, zf) < 1 or ap < zp or af < zf:
        raise ValueError(f"not a nucleus: ({Zp}, {Ap}) or ({Zf}, {Af})")
    if zp > Z_P_MAX:
        raise ValueError(f"Z_p = {zp} > {Z_P_MAX}: heavier projectiles are not implemented")
    e_mev = np.asarray(e_kn, dtype=float) * MEV_PER_GEV
    out = np.zeros(e_mev.shape)
    closed = (af > ap or zf > zp + 1 or (af - zf) > (ap - zp) or (zp, ap) == (zf, af)
              or zp <= 2 or zf <= 1)
    if closed:
        return out
    ok = e_mev > 0.0
    e = np.where(ok, e_mev, 1.0)

    if zf == zp + 1:
        sig = _pxn(zp, ap, af, e)
    else:
        if zf <= 4:
            sig = _yield1(zp, ap, zf, af, e) * _carbon_light(zp, e)
        elif zp <= 16:
            sig = _yield2(zp, ap, zf, af, e)
        elif zp <= 20:
            sig = _yield3(zp, ap, zf, af, e)
        else:
            sig = _yield4(zp, ap, zf, af, e)
        sig = sig * _renorm(RENORM_MAIN, zp, ap, zf, af)
        if (zp, ap) == (26, 56) and zf == 23:
            sig = sig * (1.0 - FE_V_DIP * np.exp(-((FE_V_A0 - af) / FE_V_W) ** 2))
        # Z_p = 20 and 21 sit between YIELD3 and YIELD4: geometric mean (the renormalised
        # value enters once, as in YIELDX)
        if zp == 21 and zf >= 6:
            sig = np.sqrt(sig * _yield3(zp, ap, zf, af, e))
        elif zp == 20 and zf >= 6:
            sig = np.sqrt(sig * _yield4(zp, ap, zf, af, e))
        if zf == 5:
            sig = np.sqrt(_yield1(zp, ap, zf, af, e) * sig) * _renorm(RENORM_BORON, zp, ap, zf, af)
        else:
            sig = sig * _renorm(RENORM_1999, zp, ap, zf, af)
    out[...] = np.where(ok, np.maximum(sig, 0.0), 0.0)
    return out


def _carbon_light(zp, e):
    """Carbon projectile, light products: the dip between 200 MeV/n and 5 GeV/n (YIELDX main)."""
    if zp != 6:
        return 1.0
    return np.where((e > C_E1) & (e <= C_E2), 1.0 - C_S1 * (e - C_E1),
                    np.where((e > C_E2) & (e <= C_E3), C_LOW,
                             np.where((e > C_E3) & (e <= C_E4), C_LOW + C_S3 * (e - C_E3), 1.0)))
