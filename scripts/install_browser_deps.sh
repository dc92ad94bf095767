#!/usr/bin/env bash
# What the Mermaid render test (tests/toolkit/reference/test_docs_render.py) needs: Debian's
# headless Chromium and the `mermaid` npm package, installed into .xferity-cache/node/ (never a
# browser download: the test drives /usr/bin/chromium itself). Idempotent; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

MERMAID_VERSION="${MERMAID_VERSION:-11}"
NODE_DIR=".xferity-cache/node"

if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    # Wait for another apt run rather than fail on its lock.
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 \
        install -y -q --no-install-recommends chromium
fi

if [ ! -f "$NODE_DIR/node_modules/mermaid/dist/mermaid.min.js" ]; then
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --ignore-scripts \
        "mermaid@$MERMAID_VERSION" >/dev/null
fi

echo "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null || echo '?'))"
echo "mermaid: $NODE_DIR/node_modules/mermaid ($(node -p "require('./$NODE_DIR/node_modules/mermaid/package.json').version"))"
