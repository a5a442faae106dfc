#!/bin/bash
# web_e2e.sh - the web UI in a real browser: starts `fagpt serve` on a free loopback port with a fresh
# FAGPT_HOME and an admin and a viewer (`fagpt user add`), plus a --no-auth server (its library filled through
# the work queue: `ingest --queue`, `fagpt worker`), then runs the Playwright script tests/e2e/e2e.mjs (npm
# playwright-core, Debian's /usr/bin/chromium headless): sign in, upload a corpus PDF, ask and open a citation,
# firing data and its plot, an order rendered and downloaded, labels hiding a document from the viewer, XSS
# shown as text, the work queue on the Library page. Prints TAP; screenshots go to $FAGPT_ARTIFACTS
# (default build/e2e-artifacts). FAGPT_BIN overrides the binary (default build/fagpt).
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
B=${FAGPT_BIN:-build/fagpt}
case "$B" in /*) ;; *) B="$root/$B" ;; esac
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
ART=${FAGPT_ARTIFACTS:-build/e2e-artifacts}
case "$ART" in /*) ;; *) ART="$root/$ART" ;; esac
PDF=${FAGPT_E2E_PDF:-$SHARED/corpus/pdf/ADP_3-19_Fires_2019-07.pdf}
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "$2" ] && printf '%s\n' "$2" | head -8 | sed 's/^/#   /'; }

missing=""
for c in node npm; do command -v "$c" >/dev/null || missing="$missing $c"; done
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -n "$missing" ]; then
    nok "browser tests need chromium, nodejs and npm (scripts/install-deps); missing:$missing"
    exit 0
fi
if [ ! -x "$B" ]; then nok "the binary $B exists (run make)"; exit 0; fi
if [ ! -r "$PDF" ]; then nok "the corpus PDF $PDF is readable (set FAGPT_SHARED)"; exit 0; fi

# Playwright from the lock file (node_modules is not committed); offline works from npm's cache.
if (cd tests/e2e && npm ci --no-audit --no-fund --prefer-offline --loglevel=error) >"$tmp/npm.log" 2>&1; then
    ok "npm ci installs playwright-core from tests/e2e/package-lock.json"
else
    nok "npm ci installs playwright-core from tests/e2e/package-lock.json" "$(tail -5 "$tmp/npm.log")"
    exit 0
fi

# The main server talks to the stand-in model server (tests/integration/llmserver.py: no model weights exist
# here), whose control file the browser tests rewrite (streamed answers, XSS in an answer, the server down);
# the --no-auth server has none (the "no model server" banner).
unset OLLAMA_HOST OPENAI_BASE_URL OPENAI_API_KEY FAGPT_LLM_URL FAGPT_LLM_API FAGPT_CHAT_MODEL FAGPT_EMBED_MODEL
ctl="$tmp/llm-ctl.json"
echo '{"models": ["qwen2.5:7b"]}' >"$ctl"
python3 tests/integration/llmserver.py "$tmp/llm-port" "$ctl" 2>"$tmp/llm.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/llm-port" ] && break; sleep 0.05; done
if [ -s "$tmp/llm-port" ]; then ok "the stand-in model server runs"; else nok "the stand-in model server runs" "$(cat "$tmp/llm.log")"; fi
llm_url="http://127.0.0.1:$(cat "$tmp/llm-port" 2>/dev/null)"
admin_pw="e2e-admin-$RANDOM-$RANDOM"
viewer_pw="e2e-viewer-$RANDOM-$RANDOM"

# start_server HOME LOG [ARGS...]: starts fagpt serve on a free port; sets url to its address.
start_server() {
    local home=$1 log=$2; shift 2
    FAGPT_HOME="$home" "$B" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
    pids+=($!)
    url=""
    for _ in $(seq 1 100); do
        url=$(sed -n 's|^FA-GPT serving \(http://[^ ]*\).*|\1|p' "$log" | head -1)
        [ -n "$url" ] && break
        sleep 0.2
    done
    url=${url%/setup}
    url=${url%/}
}

home="$tmp/home"
mkdir -p "$home"
if echo "$admin_pw" | FAGPT_HOME="$home" "$B" user add e2e-admin --admin >"$tmp/u1" 2>&1 &&
    echo "$viewer_pw" | FAGPT_HOME="$home" "$B" user add e2e-viewer --role viewer >"$tmp/u2" 2>&1; then
    ok "fagpt user add creates an admin and a viewer"
else
    nok "fagpt user add creates an admin and a viewer" "$(cat "$tmp/u1" "$tmp/u2")"
fi
FAGPT_LLM_URL=$llm_url FAGPT_CHAT_MODEL=qwen2.5:7b FAGPT_LLM_RETRIES=0 start_server "$home" "$tmp/serve.log"
base=$url
if [ -n "$base" ] && curl -sf "$base/healthz" >/dev/null; then
    ok "fagpt serve listens on a free loopback port ($base)"
else
    nok "fagpt serve listens on a free loopback port" "$(tail -5 "$tmp/serve.log")"
    exit 0
fi
mkdir -p "$tmp/noauth"
# The --no-auth server's library gets its document through the work queue (`ingest --queue`, `fagpt worker`),
# which its Library page lists.
if FAGPT_HOME="$tmp/noauth" "$B" ingest --queue "$PDF" >"$tmp/q.log" 2>&1 &&
    FAGPT_HOME="$tmp/noauth" FAGPT_LLM=off "$B" worker --once --no-ocr >>"$tmp/q.log" 2>&1; then
    ok "fagpt worker ingests a queued file into the --no-auth server's library"
else
    nok "fagpt worker ingests a queued file into the --no-auth server's library" "$(tail -5 "$tmp/q.log")"
fi
start_server "$tmp/noauth" "$tmp/noauth.log" --no-auth
noauth=$url
[ -n "$noauth" ] || nok "fagpt serve --no-auth starts on loopback" "$(tail -5 "$tmp/noauth.log")"
mkdir -p "$tmp/fresh"
start_server "$tmp/fresh" "$tmp/fresh.log"
fresh=$url
[ -n "$fresh" ] || nok "fagpt serve starts with no account (first-run setup)" "$(tail -5 "$tmp/fresh.log")"

python3 tests/e2e/xss-pdf.py "$tmp/payload-e2e.pdf"
mkdir -p "$ART"
rm -f "$ART"/*.png
FAGPT_E2E_BASE="$base" FAGPT_E2E_NOAUTH_BASE="$noauth" FAGPT_E2E_SETUP_BASE="$fresh" FAGPT_E2E_PDF="$PDF" FAGPT_E2E_XSS_PDF="$tmp/payload-e2e.pdf" FAGPT_ARTIFACTS="$ART" \
    FAGPT_E2E_LLM_CTL="$ctl" FAGPT_E2E_ADMIN="e2e-admin:$admin_pw" FAGPT_E2E_VIEWER="e2e-viewer:$viewer_pw" TAP_START=$n \
    node tests/e2e/e2e.mjs >"$tmp/e2e.out" 2>"$tmp/e2e.err"
cat "$tmp/e2e.out"
n=$(grep -Ec '^(not )?ok ' "$tmp/e2e.out" | awk -v s="$n" '{print s + $1}')
if ! grep -q '^ok \|^not ok ' "$tmp/e2e.out"; then
    nok "the Playwright script ran" "$(tail -8 "$tmp/e2e.err")"
fi
shots=$(ls "$ART"/*.png 2>/dev/null | wc -l)
if [ "$shots" -ge 10 ]; then ok "screenshots of the pages saved in $ART ($shots)"; else nok "screenshots of the pages saved in $ART" "only $shots"; fi
if grep -qiE 'AddressSanitizer|runtime error|Segmentation' "$tmp/serve.log"; then
    nok "the server stayed healthy" "$(grep -iE 'AddressSanitizer|runtime error|Segmentation' "$tmp/serve.log" | head -3)"
else
    ok "the server stayed healthy through the browser tests"
fi
exit 0
