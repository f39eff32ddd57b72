#!/bin/sh
# Runs the GPU check from bench/gpu/pack/ (made by bench/gpu/pack.sh). On the GPU machine, in one call of
# the device tool, well under ten minutes:
#   run(command: "sh bench/gpu/run.sh", carry: ["bench/gpu/pack"], timeout_s: 540)
# Here (no GPU): `sh bench/gpu/run.sh --backends cpu,wasm` — and webgpu too where a software Vulkan driver
# is found (Chromium's SwiftShader, /usr/lib/chromium). Arguments go to the check (--backends, --quick).
# The log and gpu-check.json land in $OUT (or bench/gpu/pack/out).
set -u
cd "$(dirname "$0")/../.."
P=$(pwd)/bench/gpu/pack
W=${TMPDIR:-/tmp}/folk-gpu-check
OUT=${OUT:-$P/out}
mkdir -p "$W" "$OUT"
[ -f "$P/manifest.json" ] || { echo "No pack: run bench/gpu/pack.sh first (here, where the network is)."; exit 1; }

# xz, or Python's lzma where the machine has no xz.
unxz_to() {
	if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
	else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}
[ -x "$W/node" ] || { unxz_to "$P/node.xz" "$W/node" && chmod +x "$W/node"; }
mkdir -p "$W/node_modules/webgpu/dist/linux-x64"
cp "$P/node_modules/webgpu/index.js" "$P/node_modules/webgpu/package.json" "$W/node_modules/webgpu/"
[ -f "$W/node_modules/webgpu/dist/linux-x64/dawn.node" ] ||
	unxz_to "$P/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$W/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$P/check.mjs" "$P/erk.json.gz" "$W/"
rm -rf "$W/wasm" && cp -r "$P/wasm" "$W/wasm"

# Vulkan: the loader from the carried deb, unpacked aside (not over /); the NVIDIA driver's ICD where it
# is, else a software one (Chromium's SwiftShader) where that is.
for deb in "$P"/debs/*.deb; do dpkg -x "$deb" "$W/vk" 2>/dev/null || (cd "$W/vk" && ar p "$deb" data.tar.xz | tar xJ) ; done
export LD_LIBRARY_PATH="$W/vk/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
NV=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$NV" ]; then
	export VK_DRIVER_FILES="$NV" VK_ICD_FILENAMES="$NV"
	export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
elif [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
	export VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
	export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/lib/chromium"
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

cd "$W" && OUT="$OUT" ./node check.mjs "$@" 2>&1 | tee "$OUT/gpu-check.log"
exit "$(tail -1 "$OUT/gpu-check.log" | grep -q 'kernels: PASS' && echo 0 || echo 1)"
