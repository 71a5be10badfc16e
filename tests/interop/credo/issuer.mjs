// Credo as an OpenID4VCI issuer over HTTPS (the test CA's certificate, files CERT and KEY): an
// SD-JWT VC of an identity document, signed by its did:key, offered with a pre-authorised code and
// a PIN. Prints {"url": …, "did": …} first, then answers `offer` {facts, vct} → {offer, pin}.
import express from 'express'
import https from 'node:https'
import { readFileSync } from 'node:fs'
import { makeAgent, serve } from './agent.mjs'

const app = express()
const server = https.createServer({ cert: readFileSync(process.env.CERT), key: readFileSync(process.env.KEY) }, app)
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `https://localhost:${server.address().port}`
let pending = null // the facts of the offer being taken

const agent = await makeAgent({
  app,
  issuer: {
    baseUrl: `${url}/oid4vci`,
    credentialRequestToCredentialMapper: async ({ holderBinding }) => ({
      type: 'credentials',
      format: 'dc+sd-jwt',
      credentials: holderBinding.keys.map((key) => ({
        payload: { vct: pending.vct, ...pending.facts },
        holder: key.method === 'jwk' ? { method: 'jwk', jwk: key.jwk } : { method: 'did', didUrl: key.didUrl },
        issuer: { method: 'did', didUrl },
        disclosureFrame: { _sd: Object.keys(pending.facts) },
      })),
    }),
  },
})
const created = await agent.dids.create({ method: 'key', options: { createKey: { type: { kty: 'OKP', crv: 'Ed25519' } } } })
const didUrl = created.didState.didDocument.verificationMethod[0].id
const issuerApi = agent.modules.openid4vc.issuer

serve({
  async offer({ facts, vct }) {
    pending = { facts, vct }
    const record = await issuerApi.createIssuer({
      display: [{ name: 'Credo test issuer' }],
      credentialConfigurationsSupported: {
        identity: {
          format: 'dc+sd-jwt',
          vct,
          cryptographic_binding_methods_supported: ['did:key', 'jwk'],
          credential_signing_alg_values_supported: ['EdDSA'],
          proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA'] } },
        },
      },
    })
    const { credentialOffer, issuanceSession } = await issuerApi.createCredentialOffer({
      issuerId: record.issuerId,
      credentialConfigurationIds: ['identity'],
      preAuthorizedCodeFlowConfig: { txCode: { input_mode: 'numeric', length: 6 } },
      version: 'v1',
    })
    return { offer: credentialOffer, pin: issuanceSession.userPin }
  },
})
process.stdout.write(JSON.stringify({ url, did: created.didState.did }) + '\n')
