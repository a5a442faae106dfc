# timing.bash - sourced by the benchmark scripts (not a benchmark itself): wall-clock timing of a command.

best_of_3() {  # command... -> best wall time in seconds of three runs (output discarded, failures ignored)
    local best=""
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
        best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
    done
    echo "$best"
}
