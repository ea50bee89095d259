# Shared settings for scripts/n8n/*.sh (sourced, not run).
# The real n8n release the demo and the end-to-end tests run (n8n 2.41.3 needs @n8n/agents 0.26.2,
# which the registry reachable here lacks; 2.41.1 installs).
N8N_VERSION="${N8N_VERSION:-2.41.1}"
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
DEMO_DIR="$ROOT/.n8n-demo"
# N8N_DIR may be given (scripts/n8n/install.sh installing another version of the test matrix).
N8N_DIR="${N8N_DIR:-$DEMO_DIR/n8n}"
N8N_BIN="$N8N_DIR/node_modules/.bin/n8n"
