#!/usr/bin/env bash
# `npm run demo`: the real n8n with this package installed as a community package, the sandbox
# services, credentials pointing at them and the workflows from examples/. Ctrl-C stops everything.
# `npm run demo` runs scripts/setup.mjs first (Node 24, dependencies, n8n), which then runs this
# with DEMO_SETUP_DONE=1; run directly, this installs n8n itself when missing.
# Options: --no-build (use dist/ as it is). Env: DEMO_N8N_PORT (5680), DEMO_SANDBOX_PORT (8787).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/use-node24.sh" >/dev/null
[ -n "${DEMO_SETUP_DONE:-}" ] || bash "$ROOT/scripts/n8n/install.sh"
build=1
args=()
for arg in "$@"; do
	if [ "$arg" = "--no-build" ]; then build=0; else args+=("$arg"); fi
done
if [ "$build" = 1 ]; then
	echo "Building the package..."
	(cd "$ROOT" && npm run --silent build >/dev/null)
fi
cd "$ROOT"
exec node "$ROOT/node_modules/tsx/dist/cli.mjs" "$ROOT/scripts/n8n/demo.ts" "${args[@]+"${args[@]}"}"
