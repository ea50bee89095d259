#!/usr/bin/env bash
# Installs the real n8n (pinned below) into .n8n-demo/n8n, a folder with its own package.json,
# for `npm run demo` and the end-to-end tests. Never a devDependency of the package: it is ~2.9 GB,
# and the `overrides` pin it needs here would fail n8n's community-package scan in our package.json.
# Idempotent: does nothing when the pinned version is already installed and verified.
# Usage: scripts/n8n/install.sh [--force]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/n8n/env.sh
source "$ROOT/scripts/n8n/env.sh"

if [ "${1:-}" != "--force" ] && [ "$(cat "$N8N_DIR/.installed" 2>/dev/null)" = "$N8N_VERSION" ]; then
	echo "n8n $N8N_VERSION already installed in $N8N_DIR"
	exit 0
fi

source "$ROOT/scripts/use-node24.sh" >/dev/null
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
cat > package.json <<JSON
{
	"name": "n8n-demo-runtime",
	"private": true,
	"description": "The real n8n used by npm run demo and the end-to-end tests of n8n-nodes-dify-flowgen (scripts/n8n/install.sh writes this file).",
	"dependencies": {
		"n8n": "$N8N_VERSION"
	},
	"overrides": {
		"linkedom": "0.18.12"
	},
	"allowScripts": {
		"sqlite3": true,
		"isolated-vm": true
	}
}
JSON
start=$(date +%s)
echo "Installing n8n $N8N_VERSION into $N8N_DIR (several minutes, ~3 GB)..."
# --ignore-scripts: @confluentinc/kafka-javascript downloads sources in its build step (no internet
# here); n8n runs without it unless the Kafka nodes are used.
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
mid=$(date +%s)
echo "Building native modules (sqlite3, isolated-vm) for Node $(node --version)..."
npm rebuild sqlite3 isolated-vm --loglevel=error
end=$(date +%s)
# Verify: both addons load and the CLI answers.
node -e "require('sqlite3'); require('isolated-vm')"
installed="$(node -p "require('n8n/package.json').version")"
[ "$installed" = "$N8N_VERSION" ] || { echo "expected n8n $N8N_VERSION, got $installed" >&2; exit 1; }
echo "$N8N_VERSION" > .installed
echo "n8n $N8N_VERSION installed in $((mid - start))s + native rebuild $((end - mid))s; size $(du -sh "$N8N_DIR" | cut -f1)"
