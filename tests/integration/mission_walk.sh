#!/bin/bash
# mission_walk.sh - `fagpt mission start|correct|show|list`: a whole fire mission from call for fire to end of
# mission. Checks that corrections move the target along and across the observer-target line by the amounts sent
# (measured with `fagpt grid between`, i.e. fires_between), that firing data is recomputed each round and agrees
# with `fagpt fire solve` for the same gun and target, the stored log, and bad input.
cd "$(dirname "$0")/../.." || exit 1
bin=${FAGPT_BIN:-$(pwd)/build/fagpt}   # FAGPT_BIN=build/asan/fagpt runs these under the sanitizers
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export FAGPT_HOME="$tmp/home" FAGPT_DATA=${FAGPT_DATA:-$(pwd)/data}
cd "$tmp" || exit 1
check() { local what=$1; shift; if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fi; }
j() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }   # j FILE EXPR
near() { python3 -c "import sys; sys.exit(0 if abs(float(sys.argv[1])-float(sys.argv[2])) <= float(sys.argv[3]) else 1)" "$@"; }

bat=18SUJ2338308450
gun=(--battery "$bat" --battery-alt 100 --weapon M777A2 --projectile M107 --aof 1600)
cff="H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2839 0739 OVER / INFANTRY PLATOON IN THE OPEN OVER"
"$bin" --json mission start "${gun[@]}" --observer 18SUJ2900009000 --observer-alt 150 --target-alt 160 "$cff" >r1.json
check "mission start: exit 0, mission AA0001" [ "$(j r1.json 'j["id"]')" = AA0001 ]
check "mission start: firing data labelled" bash -c "grep -q 'computed by FA-GPT for training and planning; check against the authoritative fire-control system and the official tabular firing tables' r1.json"
check "mission start: target at the centre of the 10 m square" [ "$(j r1.json 'j["round"]["target"]["mgrs"]')" = 18SUJ2839507395 ]
check "mission start: target altitude from --target-alt" [ "$(j r1.json 'j["round"]["target"]["altitude_m"]')" = 160 ]
check "mission start: message to observer with angle T and time of flight" \
    bash -c "[ \"\$(python3 -c 'import json; m=json.load(open(\"r1.json\"))[\"round\"][\"message_to_observer\"]; print(m[\"target_number\"], \"angle_t\" in m, m[\"time_of_flight\"] > 0)')\" = 'AA0001 True True' ]"
"$bin" mission show AA0001 --json >m.json
ot=$(j m.json 'j["ot_mils"]')
check "the OT direction is the observer's direction to the target" \
    near "$ot" "$("$bin" --json grid between 18SUJ2900009000 18SUJ2839507395 | python3 -c 'import json,sys; print(json.load(sys.stdin)["azimuth_mils"])')" 0.5

# firing data agrees with `fagpt fire solve` for the same gun and target
same_as_solve() {   # ROUND.json
    local lat lon alt
    lat=$(j "$1" 'j["round"]["target"]["lat"]'); lon=$(j "$1" 'j["round"]["target"]["lon"]')
    alt=$(j "$1" 'j["round"]["target"]["altitude_m"]')
    "$bin" --json fire solve --gun "$bat" --gun-alt 100 --target "$lat $lon" --target-alt "$alt" --weapon M777A2 \
        --projectile M107 --aof 1600 >solve.json || return 1
    near "$(j "$1" 'j["round"]["firing_data"]["qe_mils"]')" "$(j solve.json 'j["qe_mils"]')" 0.11 &&
    near "$(j "$1" 'j["round"]["firing_data"]["deflection_mils"]')" "$(j solve.json 'j["deflection_mils"]')" 0.11 &&
    near "$(j "$1" 'j["round"]["firing_data"]["tof_s"]')" "$(j solve.json 'j["tof_s"]')" 0.11 &&
    [ "$(j "$1" 'j["round"]["firing_data"]["charge"]')" = "$(j solve.json 'j["charge"]')" ]
}
check "round 1: QE, deflection, charge and time of flight as fagpt fire solve" same_as_solve r1.json

# a correction moves the target: lateral perpendicular to the OT line, range along it (ATP 3-09.30)
moved() {   # FROM.json TO.json LATERAL RANGE
    local a b
    a="$(j "$1" 'j["round"]["target"]["lat"]') $(j "$1" 'j["round"]["target"]["lon"]')"
    b="$(j "$2" 'j["round"]["target"]["lat"]') $(j "$2" 'j["round"]["target"]["lon"]')"
    "$bin" --json grid between "$a" "$b" >between.json || return 1
    python3 - "$ot" "$3" "$4" <<'PY'
import json, math, sys
g = json.load(open("between.json")); ot, lat, rng = map(float, sys.argv[1:4])
d, az = g["distance_m"], g["azimuth_mils"]
a = (az - ot) * math.pi / 3200
along, across = d * math.cos(a), d * math.sin(a)
sys.exit(0 if abs(along - rng) < 0.5 and abs(across - lat) < 0.5 else 1)
PY
}
"$bin" --json mission correct AA0001 RIGHT 50 ADD 200 >r2.json
check "RIGHT 50 ADD 200: 50 m right of and 200 m beyond the old point on the OT line" moved r1.json r2.json 50 200
check "RIGHT 50 ADD 200: firing data recomputed" bash -c "[ \"\$(python3 -c 'import json; a=json.load(open(\"r1.json\")); b=json.load(open(\"r2.json\")); print(a[\"round\"][\"firing_data\"][\"qe_mils\"] != b[\"round\"][\"firing_data\"][\"qe_mils\"])')\" = True ]"
check "round 2 agrees with fagpt fire solve" same_as_solve r2.json
"$bin" --json mission correct AA0001 LEFT 20 DROP 100 OVER >r3.json
check "LEFT 20 DROP 100: 20 m left, 100 m short" moved r2.json r3.json -20 -100
check "round 3 agrees with fagpt fire solve" same_as_solve r3.json
"$bin" --json mission correct AA0001 UP 40 >r4.json
check "UP 40: same point, 40 m higher" bash -c "[ \"\$(python3 -c 'import json; a=json.load(open(\"r3.json\"))[\"round\"][\"target\"]; b=json.load(open(\"r4.json\"))[\"round\"][\"target\"]; print(a[\"mgrs\"] == b[\"mgrs\"], float(b[\"altitude_m\"] - a[\"altitude_m\"]))')\" = 'True 40.0' ]"
check "round 4 (higher target) agrees with fagpt fire solve" same_as_solve r4.json
"$bin" --json mission correct AA0001 REPEAT >r5.json
check "REPEAT: the same data fired again" bash -c "[ \"\$(python3 -c 'import json; a=json.load(open(\"r4.json\"))[\"round\"][\"firing_data\"]; b=json.load(open(\"r5.json\"))[\"round\"][\"firing_data\"]; print(a == b)')\" = True ]"
"$bin" --json mission correct AA0001 ADD 50 FIRE FOR EFFECT >r6.json
check "ADD 50 FIRE FOR EFFECT: moved 50 m along the OT line" moved r5.json r6.json 0 50
check "FIRE FOR EFFECT: phase and 3 rounds in the fire order" \
    [ "$(j r6.json 'j["status"], j["round"]["fire_order"]["rounds"]')" = "fire for effect 3" ]
"$bin" mission correct AA0001 END OF MISSION, PLATOON DISPERSED >eom.txt
check "END OF MISSION closes the mission" grep -q "END OF MISSION; 6 round(s) fired" eom.txt
"$bin" mission correct AA0001 ADD 100 2>err.txt; rc=$?
check "a correction after END OF MISSION: exit 1, says it has ended" bash -c "[ $rc -eq 1 ] && grep -q 'has ended' err.txt"

# the log is stored and exportable
check "the mission is stored as missions/AA0001.json, no temporary left" \
    bash -c "[ -f '$FAGPT_HOME/missions/AA0001.json' ] && [ \$(ls '$FAGPT_HOME/missions' | wc -l) -eq 1 ]"
"$bin" mission show AA0001 >show.txt
check "mission show: every round in the log" bash -c "grep -c '^ *[0-9] ' show.txt | grep -qx 7 && grep -q 'RIGHT 50 ADD 200' show.txt && grep -q 'computed by FA-GPT' show.txt"
"$bin" --json mission show AA0001 >show.json
check "mission show --json: seven rounds, status end of mission" [ "$(j show.json 'len(j["rounds"]), j["status"]')" = "7 end of mission" ]
check "mission list names it" bash -c "'$bin' mission list | grep -q '^AA0001  end of mission'"
check "the stored fire order renders" bash -c "python3 -c 'import json; print(json.dumps(json.load(open(\"show.json\"))[\"rounds\"][0][\"fire_order\"]))' >fo.json && '$bin' order render fire-order fo.json -f txt | grep -q 'TARGET AA0001'"

# polar from the observer, and a shift from the stored mission as the known point
polar="H24 THIS IS H66 ADJUST FIRE POLAR OVER / DIRECTION 4520 DISTANCE 2300 DOWN 20 OVER / TWO BMP IN THE OPEN OVER"
"$bin" --json mission start "${gun[@]}" --observer 18SUJ2900009000 --observer-alt 150 --id AB1002 "$polar" >p.json
want=$("$bin" --json grid polar 18SUJ2900009000 --dir 4520 --dist 2300 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target"]["mgrs"])')
check "polar: the target is fagpt grid polar's, 20 m below the observer" \
    [ "$(j p.json 'j["round"]["target"]["mgrs"], j["round"]["target"]["altitude_m"]')" = "$want 130" ]
shift="H24 THIS IS H66 ADJUST FIRE SHIFT AB1002 OVER / DIRECTION 1600 LEFT 100 ADD 400 OVER / MORTAR SECTION OVER"
"$bin" --json mission start "${gun[@]}" "$shift" >s.json
kp="$(j p.json 'j["round"]["target"]["lat"]') $(j p.json 'j["round"]["target"]["lon"]')"
want=$("$bin" --json grid shift "$kp" --dir 1600 --left 100 --add 400 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target"]["mgrs"])')
check "shift from stored mission AB1002: the next free id AA0002, target as fagpt grid shift" \
    [ "$(j s.json 'j["id"], j["round"]["target"]["mgrs"]')" = "AA0002 $want" ]
check "shift: corrections use the call's OT direction" bash -c "'$bin' --json mission correct AA0002 ADD 100 >s2.json"
ot=1600; check "shift: ADD 100 goes 100 m along direction 1600" moved s.json s2.json 0 100

# bad input
"$bin" mission correct ZZ9999 ADD 100 2>err.txt; rc=$?
check "unknown mission id: exit 1, named" bash -c "[ $rc -eq 1 ] && grep -q 'no mission ZZ9999' err.txt"
FAGPT_HOME="$tmp/empty" "$bin" mission correct AA0001 RIGHT 50 2>err.txt; rc=$?
check "a correction before any mission: exit 1, says so" bash -c "[ $rc -eq 1 ] && grep -q 'no mission AA0001' err.txt && grep -q 'mission start' err.txt"
"$bin" mission correct AB1002 RIGHT FIFTY 2>err.txt; rc=$?
check "a malformed correction quotes the element" bash -c "[ $rc -eq 1 ] && grep -q \"could not read 'RIGHT FIFTY'\" err.txt"
"$bin" mission correct AB1002 ADD 100 RIGHT 10 SIDEWAYS 2>err.txt; rc=$?
check "an unknown correction word is quoted" bash -c "[ $rc -eq 1 ] && grep -q \"could not read 'SIDEWAYS'\" err.txt"
"$bin" mission show QQ0001 2>err.txt; rc=$?
check "mission show of an unknown id: exit 1" bash -c "[ $rc -eq 1 ] && grep -q 'no mission QQ0001' err.txt"
"$bin" mission start "${gun[@]}" "H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2339 07390 OVER / TANK OVER" 2>err.txt; rc=$?
check "a malformed call for fire quotes the element" bash -c "[ $rc -eq 1 ] && grep -q \"could not read 'GRID 18SUJ 2339 07390'\" err.txt"
"$bin" mission start "${gun[@]}" "$polar" 2>err.txt; rc=$?
check "polar without the observer's location: exit 1, asks for --observer" bash -c "[ $rc -eq 1 ] && grep -q -- '--observer POS' err.txt"
"$bin" mission start "${gun[@]}" "H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 9999 9999 OVER / TANK OVER" 2>err.txt; rc=$?
check "a target out of range: exit 1, says how far the longest charge reaches" bash -c "[ $rc -eq 1 ] && grep -q 'out of range' err.txt"
"$bin" mission start "${gun[@]}" --id AA0001 "$cff" 2>err.txt; rc=$?
check "an id in use is refused" bash -c "[ $rc -eq 1 ] && grep -q 'mission AA0001 exists' err.txt"
"$bin" --json mission start "${gun[@]}" "$cff" >g.json
"$bin" mission correct "$(j g.json 'j["id"]')" RIGHT 50 2>err.txt; rc=$?
check "a shift without an OT direction asks for --ot" bash -c "[ $rc -eq 1 ] && grep -q -- '--ot MILS' err.txt"
check "--ot gives it" bash -c "'$bin' mission correct '$(j g.json 'j["id"]')' RIGHT 50 --ot 4800 >/dev/null"
"$bin" mission start --battery "$bat" "$cff" 2>err.txt; rc=$?
check "start without weapon and projectile: usage error" bash -c "[ $rc -eq 1 ] && grep -q -- '--weapon W' err.txt"
for s in start show list; do check "mission $s --help" bash -c "'$bin' mission $s --help | grep -q usage"; done
check "mission correct ID --help" bash -c "'$bin' mission correct AA0001 --help | grep -q 'correct ID TEXT'"
"$bin" --json mission start "${gun[@]}" --id AB1004 "H24 THIS IS H66 SUPPRESS OVER / GRID 18SUJ 2839 0739 OVER / MORTAR OVER" >sup.json
check "SUPPRESS is fired in effect from the first round" [ "$(j sup.json 'j["status"], j["round"]["fire_order"]["rounds"]')" = "fire for effect 3" ]
