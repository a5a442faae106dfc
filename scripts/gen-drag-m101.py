#!/usr/bin/env python3
"""Writes data/fires/drag/kd_155mm_M101.csv: Kd(Mach) of the 155 mm HE M101 shell from the piecewise polynomial
fit to BRL Memorandum Report 1167 (C. T. Odom, 'A Drag Coefficient, KD, Based on the 155 mm Shell, HE, M101',
Aberdeen Proving Ground, Sept 1958, Fig. 2), as published in the report's figure and its open polynomial fit.
Run from the repository root: scripts/gen-drag-m101.py"""
import math

def kd(x):
    x = min(max(x, 0.5), 2.6)  # the fit is valid for 0.5 <= M <= 2.6; held constant outside
    if x <= 0.90:
        return 0.0579080038
    if x <= 0.96:
        return 44.26302428 - 138.8317032 * x + 144.7922431 * x**2 - 50.12112525 * x**3
    if x <= 1.02:
        return 414.3525910 - 1262.4596067 * x + 1280.9650680 * x**2 - 432.7252631 * x**3
    if x <= 1.22:
        return -0.4212674799 + 1.029831902 * x - 0.4621525076 * x**2
    if x <= 1.30:
        return 8.911875950 - 20.35167306 * x + 15.77773047 * x**2 - 4.085776562 * x**3
    return ((0.9415 + 0.1327 * x) ** 2 - 1) / x**2

machs = [0.0, 0.5] + [round(0.80 + 0.02 * i, 2) for i in range(0, 31)] + [round(1.45 + 0.05 * i, 2) for i in range(0, 24)] + [2.6, 3.0]
machs = sorted(set(machs))
with open("data/fires/drag/kd_155mm_M101.csv", "w") as f:
    f.write("# 155 mm shell HE M101 (similar to M107): Kd vs Mach (Kd = pi/8 Cd). Evaluated by scripts/gen-drag-m101.py\n")
    f.write("# from the piecewise fit to BRL MR-1167 (Odom, 1958), valid 0.5 <= M <= 2.6, constant outside. Public\n")
    f.write("# (US Government report); nominal, for training and planning only.\n")
    f.write("mach,kd\n")
    for m in machs:
        f.write(f"{m:g},{kd(m):.6f}\n")
