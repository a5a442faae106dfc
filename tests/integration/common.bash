# common.bash - sourced by the integration scripts (it is not a test itself): the repository root as the working
# folder, the shared corpus, the binary under test, a temporary folder T removed at exit (with the stand-in
# model server SRV, when a script starts one), and the TAP helpers that tests/run-all.sh counts.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
CORPUS=$SHARED/corpus/pdf
BIN=${FAGPT_BIN:-build/fagpt}
T=$(mktemp -d)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
