#!/bin/bash
# doctor_nvidia.sh - on a machine with an NVIDIA GPU, `fagpt doctor` finds it through libcuda.so.1 with its name,
# memory and driver version (checked against nvidia-smi when present); skipped where there is no NVIDIA GPU.
# The doctor's output is printed as "# " lines so the run records what was found.
cd "$(dirname "$0")/../.." || exit 1
BIN=${FAGPT_DOCTOR_BIN:-$PWD/build/fagpt}
if ! { [ -e /dev/nvidiactl ] || ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; } || \
   { command -v nvidia-smi >/dev/null && ! nvidia-smi -L >/dev/null 2>&1; }; then
    echo "ok # skip no NVIDIA GPU or driver on this machine"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
env -u FAGPT_SYSFS_ROOT FAGPT_HOME="$T/home" OLLAMA_HOST="${OLLAMA_HOST:-127.0.0.1:11434}" \
    "$BIN" doctor --json --timeout 500 >"$T/r.json" 2>"$T/err"
env -u FAGPT_SYSFS_ROOT FAGPT_HOME="$T/home" "$BIN" doctor --timeout 500 2>&1 | sed 's/^/# /'
SMI=""
command -v nvidia-smi >/dev/null && SMI=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits 2>/dev/null)
echo "# nvidia-smi: ${SMI:-not installed}"
python3 - "$T/r.json" "$SMI" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
gpus = [g for g in r["gpus"] if g["vendor"] == "NVIDIA" and g["source"] == "cuda"]
def t(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
t(len(gpus) >= 1, "the doctor finds the NVIDIA GPU through libcuda.so.1 (%d found)" % len(gpus))
t(all(g["vram"] > (1 << 30) for g in gpus) and gpus, "each NVIDIA GPU reports its memory")
t(r["versions"]["cuda_driver"] and r["versions"]["cuda_driver"].startswith("CUDA "), "the CUDA driver version: %s" % r["versions"]["cuda_driver"])
t(any(f["code"] == "gpu.nvidia" for f in r["findings"]), "an ok finding per NVIDIA GPU")
smi = [l.split(", ") for l in sys.argv[2].splitlines() if l.strip()]
if smi:
    t(len(smi) == len(gpus), "as many GPUs as nvidia-smi lists (%d)" % len(smi))
    for (name, mib, drv), g in zip(smi, gpus):
        t(name.strip() == g["name"], "name %s matches nvidia-smi" % g["name"])
        t(abs(int(mib) * 1048576 - g["vram"]) < 0.05 * g["vram"], "memory %d MiB within 5%% of nvidia-smi %s MiB" % (g["vram"] >> 20, mib))
        t(drv.strip() == g["driver"], "driver %s matches nvidia-smi (NVML)" % g["driver"])
else:
    print("ok # skip nvidia-smi not installed: no cross-check")
PY
