#!/bin/bash
# Runs every test and ends with the line CI reads: "N passed, N failed".
# Unit test binaries (build/tests, then build/asan/tests) and tests/integration/*.sh all print TAP lines;
# each "ok" line is a pass and each "not ok" line a failure; a binary or script that exits non-zero without
# printing a failure counts as one failure.
cd "$(dirname "$0")/.." || exit 1
export FAGPT_SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0; fail=0
log=$(mktemp -d)
run_one() {   # name command...
    local name=$1; shift
    local out="$log/$(echo "$name" | tr '/ ' '__').log"
    "$@" >"$out" 2>&1
    local rc=$?
    local p f
    p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $name exited with status $rc" >>"$out"; fi
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$f" -gt 0 ]; then
        echo "FAIL $name ($p passed, $f failed)"
        grep -A3 '^not ok ' "$out" | head -40
        tail -20 "$out"
    else
        echo "ok   $name ($p passed)"
    fi
    grep '^# figure' "$out" | sed 's/^# figure/     /'
}
for t in build/tests/test_*; do [ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"; done
for t in build/asan/tests/test_*; do [ -x "$t" ] && run_one "asan/$(basename "$t")" "$t"; done
for t in tests/integration/*.sh; do [ -x "$t" ] && run_one "integration/$(basename "$t" .sh)" "$t"; done
rm -rf "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
