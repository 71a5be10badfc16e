#!/usr/bin/env bash
# Stop what ci/ipfs/start.sh started for the repository IPFS_PATH (the node and the pinning service).
#   IPFS_PATH=DIR ci/ipfs/stop.sh
set -euo pipefail
: "${IPFS_PATH:?set IPFS_PATH to the directory of the repository of the node}"

stop() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -TERM "$pid" 2>/dev/null; then
    # SIGTERM lets js-ipfs release its repository lock; wait up to 30 s, then insist.
    for _ in $(seq 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop "$IPFS_PATH/daemon.pid"
stop "$IPFS_PATH/pinning.pid"
rm -f "$IPFS_PATH/api-url" "$IPFS_PATH/pinning-url"
