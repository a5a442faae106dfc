#!/bin/bash
# fires.sh - `fagpt grid` and `fagpt fire` end to end: JSON field names and values, labels, METCM files, tables,
# fits, and the error messages for bad input. Prints TAP lines.
cd "$(dirname "$0")/../.." || exit 1
B=build/fagpt
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
export FAGPT_DRAG_PATH="$SHARED/corpus/ballistics"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "$2" ] && echo "#   $2"; }
# check NAME PYTHON-EXPR FILE: the expression sees the parsed JSON as j
check() {
    if python3 -c "import json,sys,math; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$3" 2>"$tmp/py.err"; then
        ok "$1"
    else
        nok "$1" "$(head -c 400 "$3") $(cat "$tmp/py.err")"
    fi
}
# fails NAME PATTERN CMD...: exit status 1 and stderr matching PATTERN
fails() {
    local name=$1 pat=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 1 ] && grep -q -- "$pat" "$tmp/err"; then ok "$name"; else nok "$name" "rc=$rc $(cat "$tmp/err")"; fi
}
label="computed by FA-GPT for training and planning; check against the authoritative fire-control system and the official tabular firing tables"

# ---- grid
$B grid convert --json "38.9072 -77.0369" >"$tmp/c.json"
check "grid convert lat/lon gives MGRS 18SUJ2338308450" 'j["mgrs"] == "18SUJ2338308450" and j["utm"]["zone"] == 18' "$tmp/c.json"
$B grid convert --json 18S UJ 23383 08450 >"$tmp/c2.json"
check "grid convert spaced MGRS: every form" 'all(k in j for k in ("mgrs","mgrs_spaced","utm","lat","lon","dms","convergence_mils")) and j["input_precision_m"] == 1' "$tmp/c2.json"
$B grid between --json "18N 323383 4308450" "18N 326383 4312450" --alt-a 100 --alt-b 200 >"$tmp/b.json"
check "grid between: 3-4-5 distance, azimuth, VI, angle of site" \
    'abs(j["distance_m"]-5000)<0.01 and abs(j["azimuth_deg"]-36.8699)<1e-3 and abs(j["azimuth_mils"]-655.47)<0.01 and j["vertical_interval_m"]==100 and abs(j["angle_of_site_mils"]-20.37)<0.01' "$tmp/b.json"
$B grid polar --json 18SUJ2338308450 --dir 3200 --dist 1000 >"$tmp/p.json"
check "grid polar 3200 mils 1000 m goes 1000 m south" 'j["target"]["mgrs"] == "18SUJ2338307450"' "$tmp/p.json"
$B grid shift --json 18SUJ2338308450 --dir 1600 --left 100 --add 400 >"$tmp/s.json"
check "grid shift: add along OT east, left is north" 'j["target"]["mgrs"] == "18SUJ2378308550"' "$tmp/s.json"
fails "grid convert: odd digit count named" "digits" $B grid convert 18SUJ233830845
fails "grid convert: letter I rejected" "letter I" $B grid convert 18SUI2338308450
fails "grid convert: Svalbard 32X rejected" "32X does not exist" $B grid convert 32XMH11
fails "grid between: NaN altitude named" "\-\-alt-a" $B grid between 18SUJ2338308450 18SUJ3000015000 --alt-a nan
$B --json grid convert 18SUJ233830845 >"$tmp/e.json" 2>/dev/null
check "grid --json error is a JSON object" '"error" in j' "$tmp/e.json"
$B grid --help >/dev/null && ok "grid --help" || nok "grid --help"

# ---- fire atmos: ICAO Doc 7488 at 30 km, and CIPM-2007 air (py-ballisticcalc's A7 values)
$B fire atmos --json --alt 30000 >"$tmp/a.json"
check "fire atmos: ICAO 30 km 226.509 K, 11.97 hPa" 'abs(j["icao"]["temperature_k"]-226.509) < 1e-3 and abs(j["icao"]["pressure_hpa"]-11.97) < 0.005' "$tmp/a.json"
$B fire atmos --json --temp 20 --pressure 1013 --humidity 100 >"$tmp/a2.json"
check "fire atmos: saturated air at 20 C 1013 hPa is 1.19379 kg/m^3" 'abs(j["air"]["density_kg_m3"]-1.1937899) < 1e-4' "$tmp/a2.json"
fails "fire atmos: humidity over 100 % named" "\-\-humidity" $B fire atmos --temp 20 --pressure 1013 --humidity 150
fails "fire atmos: temperature without pressure" "\-\-pressure" $B fire atmos --temp 20
fails "fire atmos: altitude beyond 80 km named" "\-\-alt" $B fire atmos --alt 1e6

# ---- fire trajectory
$B fire trajectory --json --model vacuum --mv 300 --qe 800 >"$tmp/v.json"
check "vacuum trajectory: range v^2 sin 2q / g" 'abs(j["range_m"] - 300**2/9.80665) < 0.01 and abs(j["max_ordinate_m"] - 300**2*0.5/(2*9.80665)) < 0.01' "$tmp/v.json"
$B fire trajectory --json --projectile M107 --mv 684 --qe 800 --lat 35 --az 1000 --points >"$tmp/t.json"
check "trajectory JSON has the summary fields and the label" \
    'all(k in j for k in ("range_m","tof_s","max_ordinate_m","angle_of_fall_mils","impact_velocity_mps","drift_mils")) and j["label"] == "'"$label"'"' "$tmp/t.json"
check "trajectory --points ends at impact" 'abs(j["points"][-1]["x"] - j["range_m"]) < 0.01 and j["points"][0]["t"] == 0' "$tmp/t.json"
$B fire trajectory --json --projectile M107 --mv 684 --qe 800 --point-dx 1000 >"$tmp/px.json"
check "trajectory --point-dx: a point every 1000 m and one at impact" \
    'all(abs(p["x"] - 1000*i) < 0.01 for i,p in enumerate(j["points"][:-1])) and abs(j["points"][-1]["x"] - j["range_m"]) < 0.01 and abs(j["points"][-1]["y"]) < 0.01' "$tmp/px.json"
check "M107 charge 8W at 800 mils: 17-19 km, below the vacuum range" '17000 < j["range_m"] < 19000 and j["range_m"] < 684**2/9.80665' "$tmp/t.json"
$B fire trajectory --json --model flat --mass 10 --diameter 0.1 --drag-table G7 --mv 800 --qe 50 >"$tmp/f.json"
check "flat model with a G7 table named from FAGPT_DRAG_PATH" 'j["model"] == "flat" and j["drift_mils"] == 0 and j["range_m"] > 3000' "$tmp/f.json"
# the standard G tables named from FAGPT_DRAG_PATH (the corpus: they are not shipped); --bc is the form factor (m/d^2)/BC
for g in G1 G2 G5 G6 G7 G8 GI GS RA4; do
    $B fire trajectory --json --model flat --mass 0.0109 --diameter 0.00782 --drag-table $g \
        --bc 0.25 --mv 800 --qe 20 >"$tmp/g.json" 2>"$tmp/g.err"
    check "--drag-table $g --bc from FAGPT_DRAG_PATH" 'j["projectile"]["drag_table"] == "'$g'" and 500 < j["range_m"] < 3000' "$tmp/g.json"
done
ff=$(python3 -c 'print((0.0109/0.45359237)/(0.00782/0.0254)**2/0.25)')
$B fire trajectory --json --model flat --mass 0.0109 --diameter 0.00782 --drag-table G7 --form-factor "$ff" --mv 800 --qe 20 >"$tmp/gf.json"
$B fire trajectory --json --model flat --mass 0.0109 --diameter 0.00782 --drag-table G7 --bc 0.25 --mv 800 --qe 20 >"$tmp/g7.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if abs(a['range_m']-b['range_m']) < 0.01 else 1)" "$tmp/g7.json" "$tmp/gf.json" \
    && ok "--bc against G7 is the form factor (m/d^2)/BC" || nok "--bc against G7 is the form factor (m/d^2)/BC"
$B fire trajectory --json --model flat --mass 0.018468 --diameter 0.008585 --drag-table G7 --bc 0.41 --mv 820 --qe 5 >"$tmp/b1.json"
$B fire trajectory --json --model flat --mass 0.018468 --diameter 0.008585 --drag-table G7 --bc "0.41@900,0.41@500" --mv 820 --qe 5 >"$tmp/b2.json"
$B fire trajectory --json --model flat --mass 0.018468 --diameter 0.008585 --drag-table G7 --bc "0.417@745,0.409@662,0.400@580" --mv 820 --qe 5 >"$tmp/b3.json"
python3 -c "import json,sys; a,b,c=[json.load(open(f)) for f in sys.argv[1:]]; sys.exit(0 if abs(a['range_m']-b['range_m']) < 0.01 and abs(c['range_m']-a['range_m']) > 1 else 1)" "$tmp/b1.json" "$tmp/b2.json" "$tmp/b3.json" \
    && ok "--bc by velocity bands: equal BCs give the single-BC shot, different ones change it" || nok "--bc by velocity bands"
fails "--bc bands: a bad point named" "\-\-bc point 2 BC" $B fire trajectory --mass 0.0185 --diameter 0.0086 --drag-table G7 --bc "0.41@745,x@600" --mv 820 --qe 5
fails "--bc with --form-factor refused" "not both" $B fire trajectory --mass 0.0109 --diameter 0.00782 --drag-table G7 --bc 0.25 --form-factor 1 --mv 800 --qe 20
fails "--bc negative named" "\-\-bc" $B fire trajectory --mass 0.0109 --diameter 0.00782 --drag-table G7 --bc -0.2 --mv 800 --qe 20

# ---- fire mcdrag: McCoy's Fig. 26 shape; the table saved in a drag folder is found by name
$B fire mcdrag --diameter 0.0057 --length 5.48 --nose 3 --rt-r 0.5 --boattail 1 --base 0.754 >"$tmp/mc.csv"
grep -q "^1.5,0.2862" "$tmp/mc.csv" && grep -q "^2,0.2423" "$tmp/mc.csv" && [ "$(grep -c '^[0-9]' "$tmp/mc.csv")" -eq 26 ] \
    && ok "fire mcdrag prints the Fig. 26 table as a drag file" || nok "fire mcdrag table" "$(head -5 "$tmp/mc.csv")"
mkdir -p "$tmp/home/fires/drag" && cp "$tmp/mc.csv" "$tmp/home/fires/drag/fig26.csv"
FAGPT_HOME="$tmp/home" $B fire trajectory --json --model flat --mass 0.0036 --diameter 0.0057 --drag-table fig26 --mv 900 --qe 10 >"$tmp/mct.json"
check "an MC DRAG table saved under FAGPT_HOME is found by name" 'j["projectile"]["drag_table"] == "fig26" and j["range_m"] > 500' "$tmp/mct.json"
$B fire mcdrag --json --diameter 0.155 --length 5.6 --nose 3.0 --boattail 0.5 --base 0.85 --band 1.02 >"$tmp/mc.json"
check "fire mcdrag --json gives the parts of CD0" 'len(j["rows"]) == 26 and all(abs(r["cd0"] - (r["head"]+r["skin_friction"]+r["band"]+r["boattail"]+r["base"])) < 5e-5 for r in j["rows"]) and j["rows"][-1]["band"] > 0' "$tmp/mc.json"
fails "fire mcdrag: a nose longer than the body named" "\-\-nose" $B fire mcdrag --diameter 0.155 --length 4 --nose 5
fails "fire mcdrag: unknown boundary layer named" "\-\-boundary-layer" $B fire mcdrag --diameter 0.155 --length 5 --nose 3 --boundary-layer XX
fails "fire mcdrag: missing shape" "\-\-length" $B fire mcdrag --diameter 0.155

$B fire trajectory --json --projectile M107 --mv 300 --qe 800 --target-alt 5000 >"$tmp/x.json" 2>/dev/null
check "trajectory that never comes down to --target-alt says so" '"error" in j and "does not come back" in j["error"]' "$tmp/x.json"

$B fire list --json >"$tmp/list.json"
check "fire list: the M33 carries its modified point mass data" '[p for p in j["projectiles"] if p["name"] == "M33"][0]["aero"] == "cal50_M33" and all("source" in w for w in j["weapons"])' "$tmp/list.json"

# ---- modified point mass: spin drift of the .50 M33 (BRL-MR-3810 data in the catalogue)
$B fire trajectory --json --model mpm --projectile M33 --mv 899 --qe 10 >"$tmp/mpm.json"
check "mpm: M33 drifts right, Sg at the muzzle 1.8, within 15 % of Litz's spin-drift formula" \
    'j["model"] == "mpm" and j["drift_m"] > 0 and abs(j["sg_muzzle"] - 1.8) < 0.05 and abs(j["drift_m"] / (1.25*(j["sg_muzzle"]+1.2)*j["tof_s"]**1.83*0.0254) - 1) < 0.15 and "spin drift" in j["drift_model"]' "$tmp/mpm.json"
$B fire trajectory --json --model mpm --projectile M33 --mv 899 --qe 10 --twist -0.381 >"$tmp/mpml.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if abs(a['drift_m']+b['drift_m']) < 1e-3 and a['drift_m'] > 0 else 1)" "$tmp/mpm.json" "$tmp/mpml.json" \
    && ok "mpm: --twist negative (left hand) mirrors the drift" || nok "mpm: left-hand twist mirrors the drift"
$B fire trajectory --json --projectile M33 --mv 899 --qe 10 >"$tmp/pm.json"
check "full model: the same shot has no spin drift" 'j["drift_m"] == 0 and "no spin drift" in j["drift_model"]' "$tmp/pm.json"
fails "mpm without aerodynamic data names --aero" "\-\-aero" $B fire trajectory --model mpm --projectile M107 --mv 684 --qe 300
fails "mpm with a bad twist names --twist" "\-\-twist" $B fire trajectory --model mpm --projectile M33 --mv 899 --qe 10 --twist 0.001
printf 'mach,cl_alpha,cm_alpha\n1.0,2,3\n1.0,2,3\n' >"$tmp/aero_dup.csv"
fails "mpm: duplicate Mach in an aerodynamic table named" "line 3: duplicate Mach" \
    $B fire trajectory --model mpm --projectile M33 --aero "$tmp/aero_dup.csv" --mv 899 --qe 10
$B fire solve --json --model mpm --gun 18SUJ2338308450 --target 18SUJ2338309450 --projectile M33 --mv 899 >"$tmp/mpms.json"
check "solve --model mpm aims off the spin drift" 'j["model"] == "mpm" and j["drift_mils"] > 0 and abs(j["miss_m"]) < 1' "$tmp/mpms.json"

# ---- fire solve
G=18SUJ2338308450 T=18SUJ3000015000
$B fire solve --json --gun $G --gun-alt 100 --target $T --target-alt 250 --weapon M777A2 --projectile M107 --aof 800 >"$tmp/s1.json"
check "solve JSON has every field of the issue" \
    'all(k in j for k in ("range_m","azimuth_mils","deflection_mils","charge","qe_mils","site_mils","tof_s","fuze_time_s","max_ordinate_m","angle_of_fall_mils","impact_velocity_mps","drift_mils")) and j["label"] == "'"$label"'"' "$tmp/s1.json"
check "solve: the model round lands within 1 m, site positive for a higher target" 'abs(j["miss_m"]) < 1 and j["site_mils"] > 0 and j["fuze_time_s"] == j["tof_s"]' "$tmp/s1.json"
$B fire solve --json --gun $G --target $T --weapon M777A2 --projectile M107 >"$tmp/s2.json"
check "solve without --aof has no deflection" '"deflection_mils" not in j and j["angle"] == "low"' "$tmp/s2.json"
$B fire solve --json --gun $G --target $T --weapon M777A2 --projectile M107 --charge 7W >"$tmp/lo.json"
$B fire solve --json --gun $G --target $T --weapon M777A2 --projectile M107 --charge 7W --angle high >"$tmp/hi.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a['qe_mils'] < 800 < b['qe_mils'] and b['tof_s'] > a['tof_s'] else 1)" "$tmp/lo.json" "$tmp/hi.json" \
    && ok "low and high angle both found for one charge" || nok "low and high angle both found for one charge"
ch=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["charge"])' "$tmp/s2.json")
rng=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["geodesic_range_m"])' "$tmp/s2.json")
lower=$(python3 -c '
import json,sys
w=[x for x in json.load(open(sys.argv[1]))["weapons"] if x["name"]=="M777A2"][0]
cs=sorted(w["charges"], key=lambda c: c["mv_mps"]); names=[c["name"] for c in cs]
i=names.index(sys.argv[2]); print(names[i-1] if i else "")' <($B fire list --json) "$ch")
if [ -n "$lower" ]; then
    $B fire table --json --weapon M777A2 --projectile M107 --charge "$lower" --from 100 --to 100 >"$tmp/lower.json"
    check "solve picks the lowest charge with 5 % margin ($ch; $lower falls short)" 'j["max_range_m"] * 0.95 < '"$rng" "$tmp/lower.json"
else
    ok "solve picks the lowest charge ($ch is the lowest)"
fi
az=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["azimuth_mils"])' "$tmp/s2.json")
$B fire solve --json --gun $G --target $T --weapon M777A2 --projectile M107 --aof "$az" >"$tmp/d.json"
check "deflection = 3200 + AOF - azimuth to fire (drift aimed off)" 'abs(j["deflection_mils"] - (3200 + j["drift_mils"])) < 0.11' "$tmp/d.json"
$B fire table --json --weapon M777A2 --projectile M107 --charge 5W --from 9000 --to 9000 --step 100 >"$tmp/row.json"
$B fire solve --json --gun "18N 300000 4300000" --target "18N 300000 4309000" --weapon M777A2 --projectile M107 --charge 5W --lat 0 --model full >"$tmp/sx.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['rows'][0]; b=json.load(open(sys.argv[2])); sys.exit(0 if abs(a['qe_mils']-b['qe_mils']) < 1.5 else 1)" "$tmp/row.json" "$tmp/sx.json" \
    && ok "table QE and solve QE agree at 9 km (solve adds Coriolis and the grid-to-ground range)" || nok "table QE and solve QE agree at 9 km"
fails "solve: target beyond every charge says out of range with the limit" "out of range.*reaches" \
    $B fire solve --gun $G --target 18SUJ6000015000 --weapon M777A2 --projectile M107
fails "solve: too close for high angle with the minimum" "below the minimum high-angle range" \
    $B fire solve --gun $G --target 18SUJ2400008450 --weapon M777A2 --projectile M107 --charge 8W --angle high
fails "solve: bad target grid named" "\-\-target" $B fire solve --gun $G --target 18SUJ3000150 --weapon M777A2 --projectile M107
fails "solve: unknown charge lists the charges" "charges: 1G" $B fire solve --gun $G --target $T --weapon M777A2 --projectile M107 --charge 9W

# ---- met
cat >"$tmp/met.txt" <<'EOF'
METCM1 345985 011001 044978
00 064 005 2931 0978
01 066 007 2925 0958
02 070 010 2912 0937
03 072 012 2890 0894
04 075 014 2860 0840
05 078 016 2832 0789
06 080 018 2801 0740
07 082 020 2770 0694
08 085 022 2740 0650
09 088 024 2710 0609
10 090 026 2680 0570
11 092 028 2650 0533
12 095 030 2610 0480
EOF
$B fire solve --json --gun $G --gun-alt 440 --target $T --target-alt 440 --weapon M777A2 --projectile M107 --charge 5W --met "$tmp/met.txt" >"$tmp/m.json"
check "solve with a METCM file" 'j["met"] is True and abs(j["miss_m"]) < 1' "$tmp/m.json"
$B fire solve --json --gun $G --gun-alt 440 --target $T --target-alt 440 --weapon M777A2 --projectile M107 --charge 5W >"$tmp/nm.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if abs(a['qe_mils']-b['qe_mils']) > 0.5 and abs(a['drift_mils']-b['drift_mils']) > 0.1 else 1)" "$tmp/m.json" "$tmp/nm.json" \
    && ok "the METCM's winds and air change QE and drift" || nok "the METCM's winds and air change QE and drift"
sed 's/^03 072 012 2890 0894$/03 072 012 2890 08/' "$tmp/met.txt" >"$tmp/badmet.txt"
fails "malformed METCM: line and field named" "METCM line 5: 14 digits" \
    $B fire solve --gun $G --target $T --weapon M777A2 --projectile M107 --met "$tmp/badmet.txt"

# ---- table and fit
$B fire table --weapon M777A2 --projectile M107 --charge 8W --from 2000 --to 6000 --step 1000 --csv >"$tmp/t.csv"
grep -q "^range_m,qe_mils,fuze_s,tof_s,drift_mils" "$tmp/t.csv" && [ "$(grep -c '^[0-9]' "$tmp/t.csv")" -eq 5 ] &&
    grep -q "^# $label" "$tmp/t.csv" && ok "table --csv: header, label and 5 rows" || nok "table --csv" "$(cat "$tmp/t.csv")"
$B fire table --json --weapon M777A2 --projectile M107 --charge 3G --step 500 >"$tmp/t.json"
check "table --json rows ascend in QE with correction factors" \
    'len(j["rows"]) > 5 and all(a["qe_mils"] < b["qe_mils"] for a,b in zip(j["rows"], j["rows"][1:])) and all(r["dr_mv_1mps"] > 0 and r["dr_density_1pct"] < 0 for r in j["rows"][1:])' "$tmp/t.json"
r1=$($B fire trajectory --json --projectile M107 --form-factor 1.1 --mv 684 --qe 200 | python3 -c 'import json,sys; print(json.load(sys.stdin)["range_m"])')
r2=$($B fire trajectory --json --projectile M107 --form-factor 1.1 --mv 684 --qe 500 | python3 -c 'import json,sys; print(json.load(sys.stdin)["range_m"])')
$B fire fit --json --projectile M107 --mv 684 --obs "200:$r1,500:$r2" >"$tmp/fit.json"
check "fit recovers the form factor that made the ranges" 'abs(j["form_factor"] - 1.1) < 1e-4 and j["rms_m"] < 0.1' "$tmp/fit.json"
fails "fit: bad observation named" "\-\-obs 2 range" $B fire fit --projectile M107 --mv 684 --obs "200:8000,400:x"

# ---- bad input
fails "NaN muzzle velocity named" "\-\-mv" $B fire trajectory --projectile M107 --mv nan --qe 800
fails "negative mass named" "\-\-mass" $B fire trajectory --mass -1 --diameter 0.155 --drag-table G1 --mv 500 --qe 800
fails "absurd mass named" "\-\-mass" $B fire trajectory --mass 1e6 --diameter 0.155 --drag-table G1 --mv 500 --qe 800
fails "diameter in mm caught" "\-\-diameter" $B fire trajectory --mass 43 --diameter 155 --drag-table G1 --mv 500 --qe 800
printf 'mach,cd\n0.5,0.2\n0.4,0.3\n0.9,0.4\n' >"$tmp/unsorted.csv"
fails "unsorted drag table: line named" "line 3: Mach values out of order" \
    $B fire trajectory --mass 43 --diameter 0.155 --drag-table "$tmp/unsorted.csv" --mv 500 --qe 800
printf 'mach,cd\n0.5,0.2\n0.5,0.3\n' >"$tmp/dup.csv"
fails "duplicate Mach: line named" "line 3: duplicate Mach" \
    $B fire trajectory --mass 43 --diameter 0.155 --drag-table "$tmp/dup.csv" --mv 500 --qe 800
fails "unknown model" "\-\-model" $B fire trajectory --projectile M107 --mv 684 --qe 800 --model round
$B fire --help >/dev/null && ok "fire --help" || nok "fire --help"
