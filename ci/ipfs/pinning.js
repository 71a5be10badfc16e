// Serves the IPFS Pinning Service API (ipfs/pinning-services-api-spec) with mock-ipfs-pinning-service,
// listening on 127.0.0.1 only (its own command listens on every interface), on a port the system
// chooses. The URL is written to the file PINNING_URL_FILE once it listens; PINNING_TOKEN is the
// bearer token it requires.
//
// The mock derives a pin's status from its name: a name starting "pinned-" or "failed-" gives
// that status, any other name "queued" (for ever). Its `delegates` are set to a loopback address, and
// Nansen never dials delegates anyway.
"use strict"

const fs = require("fs")
const http = require("http")
const { setup } = require("mock-ipfs-pinning-service")

const DELEGATE = "/ip4/127.0.0.1/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ"

const main = async () => {
  const service = await setup({ token: process.env.PINNING_TOKEN || null, delegates: DELEGATE, loglevel: "error" })
  const server = http.createServer(service)
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address()
    fs.writeFileSync(process.env.PINNING_URL_FILE, `http://127.0.0.1:${port}\n`)
  })
  const stop = () => server.close(() => process.exit(0))
  process.on("SIGTERM", stop)
  process.on("SIGINT", stop)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
