#!/usr/bin/env bash
# The README's first command: installs what svcnet needs on a fresh Debian 12 machine (as root),
# builds it, puts `svcnet` on the PATH, starts the stack in the background and runs the
# walkthrough's demo against it. The stack keeps running afterwards; `svcnet down` stops it.
#   SVCNET_INSTALL_ONLY=1  install and build only
#   SVCNET_NO_DEMO=1       start the stack, skip the demo
#   SVCNET_FOREGROUND=1    run `svcnet up` in the foreground instead (no demo)
# Extra arguments go to `svcnet up` (e.g. --proxy-mode nftables).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-apt-packages.sh
npm ci --no-fund --no-audit
npm run build
chmod +x dist/cli/main.js
ln -sf "$(pwd)/dist/cli/main.js" /usr/local/bin/svcnet
[[ "${SVCNET_INSTALL_ONLY:-}" == 1 ]] && exit 0
[[ "${SVCNET_FOREGROUND:-}" == 1 ]] && exec svcnet up "$@"

data_dir=/var/lib/svcnet
for ((i = 1; i <= $#; i++)); do [[ "${!i}" == --data-dir ]] && { j=$((i + 1)); data_dir="${!j}"; }; done
mkdir -p "$data_dir"
log="$data_dir/up.log"
if svcnet status --data-dir "$data_dir" >/dev/null 2>&1; then
  echo "svcnet is already running for $data_dir"
else
  setsid nohup svcnet up "$@" >"$log" 2>&1 </dev/null &
  up_pid=$!
  echo "starting svcnet up (pid $up_pid, output in $log)…"
  until grep -q '^svcnet is up in' "$log" 2>/dev/null; do
    if ! kill -0 "$up_pid" 2>/dev/null; then
      echo "svcnet up exited before it was up:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
  cat "$log"
fi
export KUBECONFIG="$data_dir/kubeconfig.yaml"
if [[ "${SVCNET_NO_DEMO:-}" != 1 ]]; then
  svcnet demo --data-dir "$data_dir" || echo "the demo reported a failed step (above); svcnet keeps running" >&2
fi
echo
echo "svcnet keeps running. export KUBECONFIG=$KUBECONFIG; \`svcnet status\` shows it, \`svcnet down\` stops it."
