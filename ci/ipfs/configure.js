// Confines a js-ipfs repository to this machine: every address on 127.0.0.1 with a port the
// system chooses (tcp/0), no bootstrap peers, no delegate routers, no mDNS, no WebRTC star.
// Usage: node configure.js "$IPFS_PATH/config"
"use strict"

const fs = require("fs")

const path = process.argv[2]
const config = JSON.parse(fs.readFileSync(path, "utf8"))
const loopback = "/ip4/127.0.0.1/tcp/0"

config.Addresses = {
  ...config.Addresses,
  Swarm: [loopback],
  Announce: [],
  NoAnnounce: [],
  API: loopback,
  Gateway: loopback,
  RPC: loopback,
  Delegates: [],
}
config.Bootstrap = []
config.Discovery = { MDNS: { Enabled: false, Interval: 10 }, webRTCStar: { Enabled: false } }
config.Swarm = { ...config.Swarm, DisableNatPortMap: true }

fs.writeFileSync(path, JSON.stringify(config, null, 2))
