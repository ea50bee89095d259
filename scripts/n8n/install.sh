#!/usr/bin/env bash
# Installs the real n8n (pinned below) into .n8n-demo/n8n, a folder with its own package.json,
# for `npm run demo` and the end-to-end tests. Never a devDependency of the package: it is ~2.9 GB,
# and the `overrides` pin it needs here would fail n8n's community-package scan in our package.json.
# Idempotent: does nothing when the pinned version is already installed and verified.
# Usage: scripts/n8n/install.sh [--force]
# Another version of the test matrix (scripts/setup.mjs): N8N_VERSION=<v> N8N_DIR=<folder>, and
# N8N_NODE=<node binary> when it runs on another Node than 24 (n8n 1.x: the machine's Node 20),
# N8N_EXTRA_OVERRIDES=<JSON object> for more npm overrides that version needs (matrix.json says why).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/n8n/env.sh
source "$ROOT/scripts/n8n/env.sh"

if [ "${1:-}" != "--force" ] && [ "$(cat "$N8N_DIR/.installed" 2>/dev/null)" = "$N8N_VERSION" ]; then
	echo "n8n $N8N_VERSION already installed in $N8N_DIR"
	exit 0
fi

if [ -n "${N8N_NODE:-}" ]; then
	# npm and the native rebuild below run on that Node; its headers when it has them (Debian's
	# nodejs puts them in /usr/include/node), so node-gyp needs no download.
	export PATH="$(dirname "$N8N_NODE"):$PATH"
	_prefix="$(cd "$(dirname "$N8N_NODE")/.." && pwd)"
	if [ -f "$_prefix/include/node/common.gypi" ]; then export npm_config_nodedir="$_prefix"; else unset npm_config_nodedir; fi
else
	source "$ROOT/scripts/use-node24.sh" >/dev/null
fi
# Run through `npm run n8n:install`, npm exports this package's .npmrc `allow-scripts` as
# npm_config_allow_scripts; npm 11.19 takes that for a command-line flag and refuses it in the
# nested project (EALLOWSCRIPTS). The nested package.json's own allowScripts applies instead.
unset npm_config_allow_scripts
rm -f "$N8N_DIR/.installed"
mkdir -p "$N8N_DIR"
cd "$N8N_DIR"
# `overrides`: linkedom 0.18.15 (what n8n's range resolves to) needs `cssomnom`, which the registry
# reachable here lacks; 0.18.12 does not. `allowScripts`: npm 11.19+ runs dependency install scripts
# only for packages listed there; the two native modules n8n needs are rebuilt explicitly below.
N8N_EXTRA_OVERRIDES="${N8N_EXTRA_OVERRIDES:-}" node -e '
const extra = JSON.parse(process.env.N8N_EXTRA_OVERRIDES || "{}");
const manifest = {
	name: "n8n-demo-runtime",
	private: true,
	description:
		"The real n8n used by npm run demo and the end-to-end tests of n8n-nodes-dify-flowgen (scripts/n8n/install.sh writes this file).",
	dependencies: { n8n: process.argv[1] },
	overrides: { linkedom: "0.18.12", ...extra },
	allowScripts: { sqlite3: true, "isolated-vm": true },
};
require("fs").writeFileSync("package.json", JSON.stringify(manifest, null, "\t") + "\n");
' "$N8N_VERSION"
start=$(date +%s)
echo "Installing n8n $N8N_VERSION into $N8N_DIR (several minutes, ~3 GB)..."
# --ignore-scripts: @confluentinc/kafka-javascript downloads sources in its build step (no internet
# here); n8n runs without it unless the Kafka nodes are used.
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
mid=$(date +%s)
# n8n 1.x has no isolated-vm: only the native modules this version installed are rebuilt.
native=()
for module in sqlite3 isolated-vm; do [ -d "node_modules/$module" ] && native+=("$module"); done
echo "Building native modules (${native[*]}) for Node $(node --version)..."
npm rebuild "${native[@]}" --loglevel=error
end=$(date +%s)
# Verify: the addons load and the CLI answers.
for module in "${native[@]}"; do node -e "require('$module')"; done
installed="$(node -p "require('n8n/package.json').version")"
[ "$installed" = "$N8N_VERSION" ] || { echo "expected n8n $N8N_VERSION, got $installed" >&2; exit 1; }
# The Node the native modules were built for: the end-to-end tests start this n8n with it.
command -v node > .node
echo "$N8N_VERSION" > .installed
echo "n8n $N8N_VERSION installed in $((mid - start))s + native rebuild $((end - mid))s; size $(du -sh "$N8N_DIR" | cut -f1)"
