#!/usr/bin/env bash
# What the tests run as real processes besides PostgreSQL, installed from Debian's packages and
# npm (never a browser or binary download of a tool's own). Idempotent; .ci/run calls it.
#   pgbouncer          transaction pooling in front of the test server
#   postgresql-client  psql, for the sh+psql worker
#   chromium           headless, for the Mermaid render test of the reference docs
#   mermaid (npm)      into .xferity-cache/node/
#   pg (npm)           the Node worker's driver, into examples/node-worker/
set -euo pipefail
cd "$(dirname "$0")/.."

MERMAID_VERSION="${MERMAID_VERSION:-11}"
NODE_DIR=".xferity-cache/node"

need=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    # Wait for another apt run rather than fail on its lock.
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 \
        install -y -q --no-install-recommends "${need[@]}"
fi

if [ ! -f "$NODE_DIR/node_modules/mermaid/dist/mermaid.min.js" ]; then
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --ignore-scripts \
        "mermaid@$MERMAID_VERSION" >/dev/null
fi
npm ci --prefix examples/node-worker --no-audit --no-fund --loglevel=error

echo "pgbouncer: $(command -v pgbouncer || echo /usr/sbin/pgbouncer)"
echo "psql: $(command -v psql)"
echo "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null || echo '?'))"
echo "mermaid: $NODE_DIR/node_modules/mermaid ($(node -p "require('./$NODE_DIR/node_modules/mermaid/package.json').version"))"
