#!/bin/bash
# doctor.sh - `fagpt doctor` over fixture machines built here at run time: sysfs trees (RX 6700 XT gfx1031 with
# and without HSA_OVERRIDE_GFX_VERSION, MI210 gfx90a, no GPU, garbage), MIOpen folders that reproduce each
# failure (read-only folder, read-only file, a database SQLite opens read-only, a stale lock, a missing folder,
# a read-only filesystem, a damaged cache) and `--fix` undoing them, and stand-in model servers (Ollama,
# OpenAI-compatible, one that never answers). Read-only cases run as the user nobody (root ignores permission
# bits); the read-only filesystem is a tmpfs mounted read-only.
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BIN=${FAGPT_DOCTOR_BIN:-$ROOT/build/fagpt}
[ -x "$BIN" ] || { echo "not ok - build/fagpt missing (run make)"; exit 1; }
T=$(mktemp -d /tmp/fagpt-doctor.XXXXXX)
chmod 755 "$T"
PIDS=()
MOUNTS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

pass() { echo "ok - $*"; }
failed() { echo "not ok - $*"; }
skip() { echo "ok # skip $*"; }

# q FILE EXPR: evaluates a Python expression over the JSON report (r, codes, sev = {code: severity}).
q() {
    python3 - "$@" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print("# bad JSON:", e); sys.exit(1)
codes = [f["code"] for f in r["findings"]]
sev = {f["code"]: f["severity"] for f in r["findings"]}
ok = eval(sys.argv[2])
if not ok:
    print("# expression false:", sys.argv[2])
    for f in r["findings"]:
        print("#   %s %s: %s" % (f["severity"], f["code"], f["what"]))
sys.exit(0 if ok else 1)
EOF
}
# expect DESCRIPTION WANT_RC FILE EXPR
expect() {
    if [ "$rc" = "$2" ] && q "$3" "$4"; then pass "$1"; else failed "$1 (exit $rc, wanted $2)"; sed 's/^/#   /' "$3.err" | head -5; fi
}

# Runs the doctor as nobody (when that works) with exactly the given environment: doc OUT [VAR=VALUE...] -- [ARGS]
AS=()
if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null && [ "$(id -u)" = 0 ]; then
    AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
# nobody must be able to run the binary: copy it out of a checkout nobody cannot enter (e.g. under /root).
runnable() { # VAR: replaces the path in VAR with a copy in $T when nobody cannot execute it
    local path=${!1}
    if [ ${#AS[@]} -gt 0 ] && ! "${AS[@]}" test -x "$path"; then
        cp "$path" "$T/$(basename "$(dirname "$path")")-fagpt" && chmod 755 "$T/$(basename "$(dirname "$path")")-fagpt"
        printf -v "$1" '%s' "$T/$(basename "$(dirname "$path")")-fagpt"
    fi
}
runnable BIN
doc() {
    local out=$1; shift
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    timeout 30 "${AS[@]}" env -i PATH=/usr/bin:/bin "${envs[@]}" "${DOCBIN:-$BIN}" doctor --json "$@" >"$out" 2>"$out.err"
    rc=$?
}
nobody_owns() { [ ${#AS[@]} -gt 0 ] && chown -R 65534:65534 "$@"; }

# ---- stand-in model servers -------------------------------------------------------------------------------
start_server() { # PORTFILE ARGS...
    python3 "$ROOT/tests/integration/modelserver.py" "$@" &
    PIDS+=($!)
    for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.05; done
}
STATE=$T/ollama-state.json
cat >"$STATE" <<'EOF'
{"version": "0.5.7",
 "models": [{"name": "llama3.1:8b", "size": 4920753328}, {"name": "nomic-embed-text:latest", "size": 274302450}],
 "loaded": [{"name": "llama3.1:8b", "model": "llama3.1:8b", "size": 6654289920, "size_vram": 6654289920}]}
EOF
chmod 644 "$STATE"
start_server "$T/ollama.port" ollama "$STATE"
start_server "$T/openai.port" openai sk-test
start_server "$T/hang.port" hang
start_server "$T/garbage.port" garbage
EVIL=$T/evil-state.json
echo '{"version": 7, "models": [{"name": 5, "size": -1}, {"name": "x", "size": 1e300}], "loaded": "no"}' >"$EVIL"
start_server "$T/evil.port" ollama "$EVIL"
OPORT=$(cat "$T/ollama.port"); APORT=$(cat "$T/openai.port"); HPORT=$(cat "$T/hang.port")
GPORT=$(cat "$T/garbage.port"); EPORT=$(cat "$T/evil.port")

# ---- fixture sysfs trees ----------------------------------------------------------------------------------
# gpu_node TREE N GFX_TARGET_VERSION DEVICE_ID SIMD SIMD_PER_CU VRAM_BYTES
gpu_node() {
    local n=$1/sys/class/kfd/kfd/topology/nodes/$2
    mkdir -p "$n/mem_banks/0"
    printf 'cpu_cores_count 0\nsimd_count %s\nmem_banks_count 1\ngfx_target_version %s\nvendor_id 4098\ndevice_id %s\nlocation_id 768\nsimd_per_cu %s\nmax_engine_clk_fcompute 2725\n' \
        "$5" "$3" "$4" "$6" >"$n/properties"
    printf 'heap_type 1\nsize_in_bytes %s\nflags 0\nwidth 192\n' "$7" >"$n/mem_banks/0/properties"
    mkdir -p "$1/dev" "$1/sys/bus/pci/devices/0000:0$2:00.0"
    [ -e "$1/dev/kfd" ] || install -m 666 /dev/null "$1/dev/kfd"
    printf '0x030000\n' >"$1/sys/bus/pci/devices/0000:0$2:00.0/class"
    printf '0x1002\n' >"$1/sys/bus/pci/devices/0000:0$2:00.0/vendor"
    printf '0x%04x\n' "$4" >"$1/sys/bus/pci/devices/0000:0$2:00.0/device"
}
cpu_node() {
    mkdir -p "$1/sys/class/kfd/kfd/topology/nodes/0"
    printf 'cpu_cores_count 16\nsimd_count 0\nmem_banks_count 1\ngfx_target_version 0\nvendor_id 0\ndevice_id 0\n' \
        >"$1/sys/class/kfd/kfd/topology/nodes/0/properties"
}
RX=$T/rx6700xt; cpu_node "$RX"; gpu_node "$RX" 1 100301 29663 80 2 12868124672
mkdir -p "$RX/opt/rocm/.info" "$RX/opt/rocm/share/miopen/db"; echo "6.2.4-120" >"$RX/opt/rocm/.info/version"
touch "$RX/opt/rocm/share/miopen/db/gfx1030_20.kdb"
mkdir -p "$RX/sys/module/amdgpu"; echo "6.8.5" >"$RX/sys/module/amdgpu/version"
MI=$T/mi210; cpu_node "$MI"; gpu_node "$MI" 1 90010 29711 416 4 68702699520
mkdir -p "$MI/opt/rocm/.info"; echo "6.2.4-120" >"$MI/opt/rocm/.info/version"
NONE=$T/nogpu; mkdir -p "$NONE/sys/bus/pci/devices/0000:00:01.0"
printf '0x020000\n' >"$NONE/sys/bus/pci/devices/0000:00:01.0/class"; printf '0x1af4\n' >"$NONE/sys/bus/pci/devices/0000:00:01.0/vendor"
NV=$T/nvidia-nodriver; mkdir -p "$NV/sys/bus/pci/devices/0000:00:06.0"
printf '0x030200\n' >"$NV/sys/bus/pci/devices/0000:00:06.0/class"; printf '0x10de\n' >"$NV/sys/bus/pci/devices/0000:00:06.0/vendor"
printf '0x2335\n' >"$NV/sys/bus/pci/devices/0000:00:06.0/device"
BAD=$T/garbage; cpu_node "$BAD"; gpu_node "$BAD" 1 100301 29663 80 2 1
head -c 3000 /dev/urandom >"$BAD/sys/class/kfd/kfd/topology/nodes/1/properties"
printf 'heap_type banana\nsize_in_bytes -\n' >"$BAD/sys/class/kfd/kfd/topology/nodes/1/mem_banks/0/properties"
mkdir -p "$BAD/sys/class/kfd/kfd/topology/nodes/2"; printf 'simd_count 80\ngfx_target_version 99999999\nvendor_id 4098\n' \
    >"$BAD/sys/class/kfd/kfd/topology/nodes/2/properties"
mkdir -p "$BAD/sys/class/kfd/kfd/topology/nodes/4"; printf 'simd_count 80\ngfx_target_version 10.3.1\nvendor_id x\n' \
    >"$BAD/sys/class/kfd/kfd/topology/nodes/4/properties"
mkdir -p "$BAD/sys/class/kfd/kfd/topology/nodes/3"; chmod 000 "$BAD/sys/class/kfd/kfd/topology/nodes/3"
mkdir -p "$BAD/opt/rocm/.info"; printf '\0\0\0' >"$BAD/opt/rocm/.info/version"
chmod -R a+rX "$T"/rx6700xt "$T"/mi210 "$T"/nogpu "$T"/nvidia-nodriver
chmod a+rX "$BAD" "$BAD"/sys "$BAD"/sys/class "$BAD"/sys/class/kfd "$BAD"/sys/class/kfd/kfd "$BAD"/sys/class/kfd/kfd/topology
chmod a+rX "$BAD"/sys/class/kfd/kfd/topology/nodes "$BAD"/sys/class/kfd/kfd/topology/nodes/[0124] "$BAD"/sys/class/kfd/kfd/topology/nodes/1/mem_banks
chmod -R a+r "$BAD"/sys/class/kfd/kfd/topology/nodes/[0124]/properties "$BAD"/opt

# ---- one machine: a home, a data folder, a temp folder and healthy MIOpen folders -------------------------
# mk_case NAME: sets H (home), D (data), TT (temp), UDB (user db folder), KC (kernel cache folder), KDB (.ukdb)
mk_case() {
    H=$T/$1/home; D=$T/$1/data; TT=$T/$1/tmp
    UDB=$H/.config/miopen; KC=$H/.cache/miopen/3.2.0.0; KDB=$KC/gfx1030_20.ukdb
    mkdir -p "$UDB" "$KC" "$D" "$TT"
    chmod 755 "$T/$1"
    printf 'ConvOclDirectFwd=1,2,3\n' >"$UDB/gfx1030_20.HIP.3_2_0_abc.udb.txt"
    sqlite3 "$UDB/gfx1030_20.HIP.3_2_0_abc.udb" 'CREATE TABLE config (id INTEGER PRIMARY KEY, layout TEXT);' >/dev/null
    sqlite3 "$KDB" 'PRAGMA journal_mode=WAL; CREATE TABLE kern_db (id INTEGER PRIMARY KEY, kernel_name TEXT, kernel_args TEXT, kernel_blob BLOB);' >/dev/null
    nobody_owns "$H" "$D" "$TT"
    BASE=(HOME="$H" FAGPT_HOME="$D" TMPDIR="$TT" OLLAMA_HOST="127.0.0.1:$OPORT" FAGPT_CHAT_MODEL=llama3.1:8b)
}
# after_fix NAME OUT: --fix must exit 0, write the env file, and a run with that environment must pass too.
after_fix() {
    local name=$1; shift
    doc "$T/$name.fix.json" "$@" -- --fix
    local env_file=$D/model-server.env
    if [ "$rc" = 0 ] && [ -s "$env_file" ] && q "$T/$name.fix.json" 'r["ok"] and r["env_file"]'; then
        pass "$name: --fix repairs it and writes model-server.env"
    else
        failed "$name: --fix repairs it and writes model-server.env (exit $rc)"; sed 's/^/#   /' "$env_file" 2>/dev/null
    fi
    local more=()
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        more+=("$(eval "printf '%s' $line")")
    done <"$env_file"
    doc "$T/$name.after.json" "$@" "${more[@]}" --
    expect "$name: the model server's environment from model-server.env checks clean" 0 "$T/$name.after.json" 'r["ok"]'
}

# ---- GPUs ------------------------------------------------------------------------------------------------
mk_case gpu
doc "$T/rx.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" --
expect "RX 6700 XT without override: gfx1031 found with 12 GiB, override 10.3.0 recommended" 0 "$T/rx.json" \
    'sev["gpu.override_needed"] == "warning" and r["gpus"][0]["gfx"] == "gfx1031" and r["gpus"][0]["vram"] == 12868124672 and r["gpus"][0]["compute_units"] == 40 and "HSA_OVERRIDE_GFX_VERSION=10.3.0" in r["model_server_env"] and r["versions"]["rocm"] == "6.2.4-120" and r["gpus"][0]["driver"] == "6.8.5"'
doc "$T/rx-ov.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
expect "RX 6700 XT with HSA_OVERRIDE_GFX_VERSION=10.3.0 runs as gfx1030; kdb present" 0 "$T/rx-ov.json" \
    'r["ok"] and r["gpus"][0]["run_as"] == "gfx1030" and "gpu.override_needed" not in codes and "miopen.kdb_missing" not in codes and r["worst"] in ("ok", "info")'
KFDX=$T/rx-nokfd; cp -a "$RX" "$KFDX"; chmod 600 "$KFDX/dev/kfd"
doc "$T/rx-kfd.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$KFDX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
if [ ${#AS[@]} -gt 0 ]; then
    expect "/dev/kfd not openable (user not in the render group): warning with the usermod fix" 0 "$T/rx-kfd.json" \
        '"usermod -aG render,video" in [f for f in r["findings"] if f["code"] == "gpu.kfd_denied"][0]["fix"]'
else
    skip "/dev/kfd permission case needs to run as nobody"
fi
rm -f "$KFDX/dev/kfd"
doc "$T/rx-kfd2.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$KFDX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
expect "/dev/kfd missing: warning to load amdgpu" 0 "$T/rx-kfd2.json" '"modprobe amdgpu" in [f for f in r["findings"] if f["code"] == "gpu.kfd_missing"][0]["fix"]'
doc "$T/rx-bad.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=banana --
expect "a malformed HSA_OVERRIDE_GFX_VERSION is an error" 1 "$T/rx-bad.json" 'sev["gpu.override_malformed"] == "error"'
doc "$T/mi.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$MI" --
expect "MI210: gfx90a, 64 GiB, 104 CUs, supported as it is; missing .kdb is only a warning" 0 "$T/mi.json" \
    'r["gpus"][0]["gfx"] == "gfx90a" and r["gpus"][0]["name"] == "AMD Instinct MI210" and r["gpus"][0]["compute_units"] == 104 and sev["miopen.kdb_missing"] == "warning" and "performance" in [f for f in r["findings"] if f["code"] == "miopen.kdb_missing"][0]["why"]'
doc "$T/mi-ov.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$MI" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
expect "MI210 with HSA_OVERRIDE_GFX_VERSION=10.3.0: mismatch is an error" 1 "$T/mi-ov.json" \
    'sev["gpu.override_mismatch"] == "error" and "unset HSA_OVERRIDE_GFX_VERSION" in [f for f in r["findings"] if f["code"] == "gpu.override_mismatch"][0]["fix"]'
doc "$T/mi-same.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$MI" HSA_OVERRIDE_GFX_VERSION=9.0.10 --
expect "MI210 with an override naming its own target: informational only" 0 "$T/mi-same.json" \
    'sev["gpu.override_redundant"] == "info" and r["gpus"][0]["run_as"] == "gfx90a"'
doc "$T/none.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" --
expect "no GPU: said so, exit 0, MIOpen still checked because its folders exist" 0 "$T/none.json" \
    'r["gpus"] == [] and "gpu.none" in codes and len(r["miopen"]) == 2'
doc "$T/nv.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NV" --
expect "NVIDIA on PCI without a usable driver: warning with the driver fix" 0 "$T/nv.json" \
    'sev["gpu.nvidia_no_driver"] == "warning" and r["gpus"][0]["pci"] == "10de:2335"'
doc "$T/garbage.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$BAD" --
expect "garbage properties, an unreadable node, a NUL-filled version file: findings, no crash" 0 "$T/garbage.json" \
    '"gpu.kfd_garbage" in codes and r["versions"]["rocm"] is None'
doc "$T/missing-root.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$T/does-not-exist" --
expect "a fixture root that does not exist reads as no GPU" 0 "$T/missing-root.json" '"gpu.none" in codes'

# ---- MIOpen: each failure, then --fix ---------------------------------------------------------------------
if [ ${#AS[@]} -eq 0 ]; then
    skip "MIOpen permission cases need root and setpriv to run as nobody (root ignores permission bits)"
else
    mk_case healthy
    doc "$T/healthy.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "healthy MIOpen folders pass, resolved as MIOpen does" 0 "$T/healthy.json" \
        'not [c for c in codes if c.startswith("miopen.") and sev[c] in ("error", "warning")] and r["miopen"][0]["path"].endswith("/home/.config/miopen") and r["miopen"][1]["path"].endswith("/home/.cache/miopen")'
    [ -e "$KDB-wal" ] || [ -e "$KDB-shm" ] && failed "the probe left -wal/-shm behind" || pass "the SQLite probe leaves no -wal/-shm behind"

    doc "$T/homeslash.json" "${BASE[@]}" HOME=/ MIOPEN_CUSTOM_CACHE_DIR="$KC" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "HOME=/ makes MIOpen use /tmp for ~, as MIOpen's ExpandUser does" 0 "$T/homeslash.json" \
        'r["miopen"][0]["path"] == "/tmp/.config/miopen" and r["miopen"][1]["source"] == "MIOPEN_CUSTOM_CACHE_DIR"'
    touch "$KC/other.db" && chown root:root "$KC/other.db" && chmod 600 "$KC/other.db"
    doc "$T/foreign.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "files not named like MIOpen's are left alone" 0 "$T/foreign.json" '"miopen.file_readonly" not in codes'

    mk_case rohome         # the data folder itself belongs to root
    chown root:root "$D"
    doc "$T/rohome.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" --
    expect "data folder not writable: error, since FA-GPT needs it" 1 "$T/rohome.json" 'sev["host.home_readonly"] == "error"'

    mk_case rodir          # the user database folder belongs to root (a model server once ran with sudo)
    chown root:root "$UDB"
    doc "$T/rodir.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "read-only folder (owned by root): error with the MIOPEN_USER_DB_PATH fix" 1 "$T/rodir.json" \
        'sev["miopen.dir_readonly"] == "error" and "export MIOPEN_USER_DB_PATH=" in [f for f in r["findings"] if f["code"] == "miopen.dir_readonly"][0]["fix"]'
    after_fix rodir "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0
    grep -q "^MIOPEN_USER_DB_PATH=$H/.cache/miopen-nobody$" "$D/model-server.env" && pass "rodir: env file points MIOpen at ~/.cache/miopen-\$USER" || failed "rodir: env file points MIOpen at ~/.cache/miopen-\$USER"

    mk_case owndir         # our own folder, chmod 555: fixed in place
    chmod 555 "$UDB"
    doc "$T/owndir.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "own read-only folder: error with chmod u+rwx" 1 "$T/owndir.json" \
        '"chmod u+rwx" in [f for f in r["findings"] if f["code"] == "miopen.dir_readonly"][0]["fix"]'
    doc "$T/owndir.fix.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 -- --fix
    expect "own read-only folder: --fix makes it writable in place" 0 "$T/owndir.fix.json" \
        'any("chmod u+rwx" in x for x in r["fixes_applied"]) and r["model_server_env"] == []'

    mk_case rofile         # a tuning database file that belongs to root
    chown root:root "$UDB/gfx1030_20.HIP.3_2_0_abc.udb.txt"
    doc "$T/rofile.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "read-only file: error" 1 "$T/rofile.json" 'sev["miopen.file_readonly"] == "error"'
    after_fix rofile "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0

    mk_case ownfile        # our own kernel cache, chmod 444: fixed in place
    chmod 444 "$KDB"
    doc "$T/ownfile.fix.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 -- --fix
    expect "own read-only .ukdb: --fix makes it writable" 0 "$T/ownfile.fix.json" 'any("chmod u+rw" in x for x in r["fixes_applied"])'

    mk_case roshm          # WAL database whose -shm was left by root: SQLite opens it read-only
    install -o root -g root -m 644 /dev/null "$KDB-shm"
    doc "$T/roshm.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "database SQLite opens read-only (root's -shm): error naming the readonly database" 1 "$T/roshm.json" \
        'sev["miopen.sidecar_readonly"] == "error" and "readonly database" in [f for f in r["findings"] if f["code"] == "miopen.sidecar_readonly"][0]["why"]'
    after_fix roshm "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0

    mk_case nojournal      # rollback-journal database in a folder we cannot create the journal in
    sqlite3 "$KDB" 'PRAGMA journal_mode=DELETE;' >/dev/null
    chown 65534:65534 "$KDB"; chown root:root "$KC"
    doc "$T/nojournal.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "writable database in a read-only folder: SQLite's write transaction fails (db_readonly)" 1 "$T/nojournal.json" \
        'sev["miopen.db_readonly"] == "error" and sev["miopen.dir_readonly"] == "error"'
    after_fix nojournal "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0

    mk_case stalelock      # a lock file root left in $TMPDIR/miopen-lockfiles
    mkdir -p "$TT/miopen-lockfiles"; chmod 777 "$TT/miopen-lockfiles"
    install -o root -g root -m 644 /dev/null "$TT/miopen-lockfiles/0123456789abcdef0123456789abcdef_gfx1030_20.ukdb.lock"
    doc "$T/stalelock.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "stale lock file owned by root: error" 1 "$T/stalelock.json" 'sev["miopen.stale_lock"] == "error"'
    after_fix stalelock "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0
    grep -q '^TMPDIR=' "$D/model-server.env" && pass "stalelock: env file gives the model server its own TMPDIR" || failed "stalelock: env file gives the model server its own TMPDIR"

    mk_case missing        # MIOPEN_USER_DB_PATH under a folder nobody may create in
    mkdir -p "$T/missing/rootonly"
    doc "$T/missing.json" "${BASE[@]}" MIOPEN_USER_DB_PATH="$T/missing/rootonly/miopen" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "missing folder that cannot be created: error" 1 "$T/missing.json" \
        'sev["miopen.dir_uncreatable"] == "error" and r["miopen"][0]["source"] == "MIOPEN_USER_DB_PATH"'
    after_fix missing "${BASE[@]}" MIOPEN_USER_DB_PATH="$T/missing/rootonly/miopen" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0
    doc "$T/missing2.json" "${BASE[@]}" MIOPEN_USER_DB_PATH="~/db/miopen" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 -- --fix
    expect "missing folder that can be created: ~ expanded, --fix creates it" 0 "$T/missing2.json" \
        'r["miopen"][0]["path"].endswith("/home/db/miopen") and any(x.startswith("created ") for x in r["fixes_applied"])'

    mk_case corrupt        # a damaged kernel cache
    head -c 8192 /dev/urandom >"$KDB"; chown 65534:65534 "$KDB"
    doc "$T/corrupt.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "damaged .ukdb: error" 1 "$T/corrupt.json" 'sev["miopen.db_corrupt"] == "error"'
    doc "$T/corrupt.fix.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 -- --fix
    expect "damaged .ukdb: --fix moves it aside" 0 "$T/corrupt.fix.json" 'any("aside" in x for x in r["fixes_applied"])'

    mk_case held           # the cache is open in two other processes
    "${AS[@]}" sleep 60 3<"$KDB" & PIDS+=($!)
    "${AS[@]}" sleep 60 4<"$KDB" & PIDS+=($!)
    sleep 0.3
    doc "$T/held.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "a database open in two processes: warning naming them, one cache per process" 0 "$T/held.json" \
        'sev["miopen.shared"] == "warning" and "sleep" in [f for f in r["findings"] if f["code"] == "miopen.shared"][0]["what"]'

    mk_case busy           # another process holds the kernel cache's write lock
    mkfifo "$T/busy/sql"
    "${AS[@]}" sqlite3 "$KDB" <"$T/busy/sql" & PIDS+=($!)
    exec 7>"$T/busy/sql"
    echo "BEGIN IMMEDIATE;" >&7
    sleep 0.5
    doc "$T/busy.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "a database locked for writing by another process: warning naming sqlite3" 0 "$T/busy.json" \
        '"sqlite3" in [f for f in r["findings"] if f["code"] == "miopen.db_busy"][0]["what"]'
    exec 7>&-
fi

mk_case rofs               # the kernel cache on a read-only filesystem
mkdir -p "$T/rofs/mnt"
if mount -t tmpfs -o ro,mode=755 tmpfs "$T/rofs/mnt" 2>/dev/null; then
    MOUNTS+=("$T/rofs/mnt")
    doc "$T/rofs.json" "${BASE[@]}" MIOPEN_CUSTOM_CACHE_DIR="$T/rofs/mnt" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
    expect "read-only filesystem: error with the MIOPEN_CUSTOM_CACHE_DIR fix" 1 "$T/rofs.json" \
        'sev["miopen.fs_readonly"] == "error" and "MIOPEN_CUSTOM_CACHE_DIR" in [f for f in r["findings"] if f["code"] == "miopen.fs_readonly"][0]["fix"]'
    after_fix rofs "${BASE[@]}" MIOPEN_CUSTOM_CACHE_DIR="$T/rofs/mnt" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0
else
    skip "read-only filesystem case: cannot mount a tmpfs here"
fi

# ---- model servers ---------------------------------------------------------------------------------------
mk_case servers
doc "$T/ollama.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 FAGPT_EMBED_MODEL=nomic-embed-text --
expect "Ollama: version, models (chunked /api/tags), model 100% in VRAM" 0 "$T/ollama.json" \
    'r["servers"][0]["version"] == "0.5.7" and len(r["servers"][0]["models"]) == 2 and "server.model_on_gpu" in codes and r["servers"][0]["loaded"][0]["size_vram"] == 6654289920'
python3 - "$STATE" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); s["loaded"][0]["size_vram"] = 0; json.dump(s, open(sys.argv[1], "w"))
EOF
doc "$T/ollama-cpu.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
expect "Ollama model loaded with size_vram 0 on a GPU machine: 'GPU not used' warning" 0 "$T/ollama-cpu.json" \
    'sev["server.model_on_cpu"] == "warning"'
doc "$T/ollama-missing.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" FAGPT_CHAT_MODEL=mistral:7b --
expect "configured model not pulled: error with 'ollama pull'" 1 "$T/ollama-missing.json" \
    '[f for f in r["findings"] if f["code"] == "server.model_missing"][0]["fix"] == "ollama pull mistral:7b"'
doc "$T/openai.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" OPENAI_BASE_URL="http://127.0.0.1:$APORT/v1" OPENAI_API_KEY=sk-test FAGPT_CHAT_MODEL=qwen2.5-7b-instruct --
expect "OpenAI-compatible server: models listed with the API key" 0 "$T/openai.json" \
    'r["servers"][1]["models"][0]["name"] == "qwen2.5-7b-instruct" and r["servers"][1]["reachable"]'
doc "$T/openai-key.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" OPENAI_BASE_URL="http://127.0.0.1:$APORT/v1" OPENAI_API_KEY=wrong --
expect "OpenAI-compatible server rejecting the key: error with the OPENAI_API_KEY fix" 1 "$T/openai-key.json" \
    '"OPENAI_API_KEY" in [f for f in r["findings"] if f["code"] == "server.bad_answer"][0]["fix"]'
start=$(date +%s%N)
doc "$T/hang.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" OLLAMA_HOST="http://127.0.0.1:$HPORT" -- --timeout 300
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect "a model server that never answers: timed out in ${ms} ms, configured so an error" 1 "$T/hang.json" \
    'sev["server.down"] == "error" and "300 ms" in r["servers"][0]["error"]'
[ "$ms" -lt 5000 ] && pass "the hanging server costs the timeout, not a hang (${ms} ms)" || failed "hanging server took ${ms} ms"
doc "$T/garbage-srv.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" OLLAMA_HOST="127.0.0.1:$GPORT" --
expect "a server that answers 200 with something that is not JSON: error, no crash" 1 "$T/garbage-srv.json" \
    'sev["server.bad_answer"] == "error" and "JSON" in r["servers"][0]["error"]'
doc "$T/evil-srv.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" OLLAMA_HOST="127.0.0.1:$EPORT" FAGPT_CHAT_MODEL=x --
expect "wrong JSON types and absurd sizes from a server: taken apart safely" 0 "$T/evil-srv.json" \
    'r["servers"][0]["version"] is None and [m["name"] for m in r["servers"][0]["models"]] == ["x"] and r["servers"][0]["models"][0]["size"] == 0'
doc "$T/down.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$NONE" OLLAMA_HOST= --
expect "no model server configured and none running on the default port is not an error" 0 "$T/down.json" \
    'r["servers"][0]["url"] == "http://127.0.0.1:11434"'

mkdir -p "$T/fakebin"; cp "$(command -v sleep)" "$T/fakebin/ollama"; chmod 755 "$T/fakebin" "$T/fakebin/ollama"
"${AS[@]}" env -i HOME=/usr/share/ollama HSA_OVERRIDE_GFX_VERSION=11.0.0 "$T/fakebin/ollama" 60 & FAKE=$!
PIDS+=($FAKE)
sleep 0.3
doc "$T/procenv.json" "${BASE[@]}" FAGPT_SYSFS_ROOT="$RX" HSA_OVERRIDE_GFX_VERSION=10.3.0 --
expect "a running model server with another environment: both differences named" 0 "$T/procenv.json" \
    '"server.env_override_differs" in codes and "/usr/share/ollama/.config/miopen" in [f for f in r["findings"] if f["code"] == "server.env_miopen_differs"][0]["what"]'
kill $FAKE 2>/dev/null

# ---- the CLI itself --------------------------------------------------------------------------------------
if "${AS[@]}" env -i PATH=/usr/bin:/bin "${BASE[@]}" FAGPT_SYSFS_ROOT="$MI" HSA_OVERRIDE_GFX_VERSION=10.3.0 "$BIN" doctor >"$T/human.txt" 2>&1; then rc=0; else rc=$?; fi
if [ "$rc" = 1 ] && grep -q '^  FAIL  HSA_OVERRIDE_GFX_VERSION=10.3.0 makes' "$T/human.txt" && grep -q '^        fix: ' "$T/human.txt" && grep -q 'error(s)' "$T/human.txt"; then
    pass "human output: FAIL line, why and fix, summary; exit 1"
else
    failed "human output (exit $rc)"; sed 's/^/#   /' "$T/human.txt" | head -30
fi
"$BIN" doctor --help | grep -q -- '--fix' && pass "doctor --help" || failed "doctor --help"
"$BIN" doctor --timeout x >/dev/null 2>&1; [ $? = 1 ] && pass "bad --timeout is a usage error" || failed "bad --timeout"

# ---- the same hostile inputs under ASan/UBSan -----------------------------------------------------------
if [ -x "$ROOT/build/asan/fagpt" ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    DOCBIN=$ROOT/build/asan/fagpt
    runnable DOCBIN
    mk_case asan
    chown root:root "$UDB"
    install -o root -g root -m 644 /dev/null "$KDB-shm"
    doc "$T/asan1.json" "${BASE[@]}" ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" FAGPT_SYSFS_ROOT="$BAD" OLLAMA_HOST="127.0.0.1:$HPORT" -- --timeout 200
    [ "$rc" != 99 ] && q "$T/asan1.json" 'True' && pass "ASan/UBSan: garbage sysfs, broken MIOpen folders, hanging server" || { failed "ASan/UBSan run (exit $rc)"; sed 's/^/#   /' "$T/asan1.json.err" | head -20; }
    doc "$T/asan2.json" "${BASE[@]}" ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" FAGPT_SYSFS_ROOT="$RX" OPENAI_BASE_URL="http://127.0.0.1:$APORT/v1" -- --fix
    [ "$rc" != 99 ] && q "$T/asan2.json" 'r["env_file"]' && pass "ASan/UBSan: --fix with servers" || { failed "ASan/UBSan --fix run (exit $rc)"; sed 's/^/#   /' "$T/asan2.json.err" | head -20; }
    unset DOCBIN
else
    skip "build/asan/fagpt not built (make asan)"
fi
