#!/usr/bin/env bash
# The README's first command: installs what svcnet needs on a fresh Debian 12 machine (as root),
# builds it, puts `svcnet` on the PATH, and starts the stack in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-apt-packages.sh
npm ci --no-fund --no-audit
npm run build
ln -sf "$(pwd)/dist/cli/main.js" /usr/local/bin/svcnet
chmod +x dist/cli/main.js
[[ "${SVCNET_INSTALL_ONLY:-}" == 1 ]] && exit 0
exec svcnet up "$@"
