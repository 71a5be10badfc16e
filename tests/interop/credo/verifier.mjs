// Credo as an OpenID4VP verifier, served over HTTPS (the test CA's certificate for localhost, files
// named by CERT and KEY) on a loopback port of its own. Prints {"url": …} first, then answers
// `request` (an OpenID4VP request with a DCQL query, signed by its did:key) and `result`.
import express from 'express'
import https from 'node:https'
import { readFileSync } from 'node:fs'
import { makeAgent, serve } from './agent.mjs'

const app = express()
const server = https.createServer({ cert: readFileSync(process.env.CERT), key: readFileSync(process.env.KEY) }, app)
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `https://localhost:${server.address().port}`
const agent = await makeAgent({ app, verifier: { baseUrl: `${url}/oid4vp` } })
const created = await agent.dids.create({ method: 'key', options: { createKey: { type: { kty: 'OKP', crv: 'Ed25519' } } } })
const didUrl = created.didState.didDocument.verificationMethod[0].id
const verifierApi = agent.modules.openid4vc.verifier
const record = await verifierApi.createVerifier()

serve({
  async request({ query }) {
    const { authorizationRequest, verificationSession } = await verifierApi.createAuthorizationRequest({
      verifierId: record.verifierId,
      requestSigner: { method: 'did', didUrl },
      dcql: { query },
      responseMode: 'direct_post',
      version: 'v1',
    })
    return { request: authorizationRequest, session: verificationSession.id }
  },
  async result({ session }) {
    const found = await verifierApi.getVerificationSessionById(session)
    if (found.state !== 'ResponseVerified') return { state: found.state, error: found.errorMessage }
    const verified = await verifierApi.getVerifiedAuthorizationResponse(session)
    const presentations = verified.dcql?.presentations ?? {}
    const claims = {}
    for (const [id, shown] of Object.entries(presentations)) {
      const first = Array.isArray(shown) ? shown[0] : shown
      claims[id] = first?.prettyClaims ?? null
    }
    return { state: found.state, claims }
  },
})
process.stdout.write(JSON.stringify({ url }) + '\n')
