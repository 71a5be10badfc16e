#!/usr/bin/env bash
# Start, for the tests, a real IPFS node (js-ipfs: kubo's HTTP RPC API) and an IPFS Pinning Service
# API server (mock-ipfs-pinning-service), both on 127.0.0.1 only, with no peers and no public network.
#
#   IPFS_PATH=DIR ci/ipfs/start.sh      (install first: npm install --prefix ci/ipfs --no-audit --no-fund)
#
# DIR is the node's repository, made on first use (`jsipfs init --profile test`). Prints the
# variables the tests read, as shell assignments (eval "$(IPFS_PATH=DIR ci/ipfs/start.sh)"), and
# writes the URLs to DIR/api-url and DIR/pinning-url. Idempotent: what is already running is reused.
# ci/ipfs/stop.sh stops both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${IPFS_PATH:?set IPFS_PATH to the directory of the repository of the node}"
export IPFS_PATH
mkdir -p "$IPFS_PATH"
IPFS_PATH=$(cd "$IPFS_PATH" && pwd)
jsipfs="$here/node_modules/.bin/jsipfs"
if [ ! -x "$jsipfs" ]; then
  echo "js-ipfs is not installed: run npm install --prefix ci/ipfs --no-audit --no-fund" >&2
  exit 1
fi
token=${NANSEN_TEST_PINNING_TOKEN:-nansen-test-token}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

answers() { curl -sf -m 5 -X POST "$1/api/v0/version" >/dev/null; }

# wait_for SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds; fail after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}

start_node() {
  if running "$IPFS_PATH/daemon.pid" && [ -f "$IPFS_PATH/api-url" ] && answers "$(cat "$IPFS_PATH/api-url")"; then
    return
  fi
  if [ ! -f "$IPFS_PATH/config" ]; then
    "$jsipfs" init --profile test >"$IPFS_PATH/init.log" 2>&1
  fi
  node "$here/configure.js" "$IPFS_PATH/config"
  rm -f "$IPFS_PATH/api" "$IPFS_PATH/api-url"
  # --enable-preload=false: js-ipfs would otherwise announce content to public preload nodes.
  nohup "$jsipfs" daemon --enable-preload=false >"$IPFS_PATH/daemon.log" 2>&1 &
  echo $! >"$IPFS_PATH/daemon.pid"
  # The daemon writes its API multiaddr (/ip4/127.0.0.1/tcp/PORT) to $IPFS_PATH/api once it listens.
  if ! wait_for 90 test -s "$IPFS_PATH/api"; then
    echo "The IPFS node did not start; see $IPFS_PATH/daemon.log" >&2
    exit 1
  fi
  local port
  port=$(sed -n 's#^/ip4/127\.0\.0\.1/tcp/\([0-9]*\).*#\1#p' "$IPFS_PATH/api")
  if ! wait_for 60 answers "http://127.0.0.1:$port"; then
    echo "The IPFS node does not answer; see $IPFS_PATH/daemon.log" >&2
    exit 1
  fi
  echo "http://127.0.0.1:$port" >"$IPFS_PATH/api-url"
}

start_pinning() {
  if running "$IPFS_PATH/pinning.pid" && [ -s "$IPFS_PATH/pinning-url" ]; then
    return
  fi
  rm -f "$IPFS_PATH/pinning-url"
  PINNING_TOKEN=$token PINNING_URL_FILE="$IPFS_PATH/pinning-url" \
    nohup node "$here/pinning.js" >"$IPFS_PATH/pinning.log" 2>&1 &
  echo $! >"$IPFS_PATH/pinning.pid"
  if ! wait_for 30 test -s "$IPFS_PATH/pinning-url"; then
    echo "The pinning service did not start; see $IPFS_PATH/pinning.log" >&2
    exit 1
  fi
}

start_node
start_pinning
echo "export NANSEN_TEST_IPFS_API=$(cat "$IPFS_PATH/api-url")"
echo "export NANSEN_TEST_PINNING_URL=$(cat "$IPFS_PATH/pinning-url")"
echo "export NANSEN_TEST_PINNING_TOKEN=$token"
