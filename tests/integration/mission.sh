#!/bin/bash
# mission.sh - `fagpt mission`: a call for fire read and read back, handed to `fagpt order render cff` as JSON,
# corrections through END OF MISSION, and malformed traffic answered with the element that could not be read.
cd "$(dirname "$0")/../.." || exit 1
bin=${FAGPT_BIN:-$(pwd)/build/fagpt}   # FAGPT_BIN=build/asan/fagpt runs these under the sanitizers
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
check() { local what=$1; shift; if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fi; }

cff="H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2339 0739 OVER / INFANTRY PLATOON IN THE OPEN OVER"
"$bin" mission parse "$cff" >back.txt
printf 'H24 THIS IS H66, ADJUST FIRE, OVER\nGRID 18SUJ 2339 0739, OVER\nINFANTRY PLATOON IN THE OPEN, OVER\n' >want.txt
check "mission parse reads the call for fire back" cmp -s back.txt want.txt
"$bin" --json mission parse "$cff" >cff.json
check "mission parse --json is a valid cff document" bash -c "'$bin' order validate cff cff.json >/dev/null"
check "the parsed call renders as a product" bash -c "'$bin' order render cff cff.json -f md | grep -q 'GRID 18SUJ 2339 0739, OVER'"
printf '%s\n' "H24 THIS IS H66, FIRE FOR EFFECT, POLAR, OVER" "DIRECTION 4520, DISTANCE 2300, OVER" \
    "TWO BMP IN THE OPEN, VT IN EFFECT, WHEN READY, OVER" >polar.txt
check "mission parse -i reads a file" bash -c "'$bin' mission parse -i polar.txt | grep -q 'DIRECTION 4520, DISTANCE 2300, OVER'"
check "mission parse -i - reads standard input" bash -c "'$bin' mission parse -i - <polar.txt | grep -q 'VT IN EFFECT'"

"$bin" mission parse "H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ 2339 07390 OVER TANK OVER" 2>err.txt; rc=$?
check "a bad grid: exit 1" [ "$rc" -eq 1 ]
check "a bad grid is quoted" grep -q "could not read 'GRID 18SUJ 2339 07390'" err.txt
"$bin" --json mission parse "H24 THIS IS H66 ADJUST FIRE OVER" >err.json 2>/dev/null
check "--json error names the missing transmission" grep -q 'missing: target location' err.json

for k in "RIGHT 50 ADD 200" "DROP 100" "REPEAT" "ADD 50 FIRE FOR EFFECT" "END OF MISSION, 2 BMP DESTROYED"; do
    check "correction '$k' is read" bash -c "'$bin' mission correct '$k' >/dev/null"
done
check "correction read back" bash -c "[ \"\$('$bin' mission correct left 30 add 200 over)\" = 'LEFT 30, ADD 200, OVER' ]"
check "correction --json" bash -c "'$bin' --json mission correct RIGHT 50 DROP 100 | grep -q '\"lateral_m\": 50, \"range_m\": -100'"
"$bin" mission correct "RIGHT FIFTY" 2>err.txt; rc=$?
check "a bad correction is quoted" bash -c "[ $rc -eq 1 ] && grep -q \"could not read 'RIGHT FIFTY'\" err.txt"
for s in "" parse correct; do check "mission $s --help" bash -c "'$bin' mission $s --help | grep -q usage"; done
