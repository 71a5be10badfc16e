// Credo as an OpenID4VCI issuer over HTTPS (the test CA's certificate, files CERT and KEY): an
// identity document signed by its did:key, offered with a pre-authorised code and a PIN, as an
// SD-JWT VC (`dc+sd-jwt`) or a W3C JSON-LD credential (`ldp_vc`: VC 1.1, the only JSON-LD form
// Credo 0.6 makes, with the proof type Credo picks for an Ed25519 key, Ed25519Signature2018).
// Prints {"url": …, "did": …} first, then answers `offer` {facts, vct | format} → {offer, pin}.
import express from 'express'
import https from 'node:https'
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { W3cCredential } from '@credo-ts/core'
import { makeAgent, serve } from './agent.mjs'

const app = express()
const server = https.createServer({ cert: readFileSync(process.env.CERT), key: readFileSync(process.env.KEY) }, app)
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `https://localhost:${server.address().port}`
let pending = null // the facts of the offer being taken

const LDP_CONTEXT = ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/nansen/v1']
const LDP_TYPE = ['VerifiableCredential', 'IdentityDocumentCredential']

function sdJwtCredentials(holderBinding) {
  return {
    type: 'credentials',
    format: 'dc+sd-jwt',
    credentials: holderBinding.keys.map((key) => ({
      payload: { vct: pending.vct, ...pending.facts },
      holder: key.method === 'jwk' ? { method: 'jwk', jwk: key.jwk } : { method: 'did', didUrl: key.didUrl },
      issuer: { method: 'did', didUrl },
      disclosureFrame: { _sd: Object.keys(pending.facts) },
    })),
  }
}

const w3cDate = (date) => date.toISOString().replace(/\.\d+Z$/, 'Z')

function ldpCredentials(holderBinding) {
  return {
    type: 'credentials',
    format: 'ldp_vc',
    credentials: holderBinding.keys.map((key) => {
      if (key.method !== 'did') throw new Error('A JSON-LD credential is bound to a DID.')
      return {
        verificationMethod: didUrl,
        credential: new W3cCredential({
          context: LDP_CONTEXT,
          type: LDP_TYPE,
          issuer: created.didState.did,
          issuanceDate: w3cDate(new Date()),
          // Credo's model gives `id` and `expirationDate` as present but undefined when not set, which
          // jsonld and @digitalcredentials/vc refuse: both are set.
          id: `urn:uuid:${randomUUID()}`,
          expirationDate: w3cDate(new Date(Date.now() + 365 * 86400 * 1000)),
          credentialSubject: {
            id: key.didUrl.split('#')[0],
            claims: { type: 'IdentityDocumentHolder', identityDocument: { type: 'Passport', ...pending.facts } },
          },
        }),
      }
    }),
  }
}

const agent = await makeAgent({
  app,
  issuer: {
    baseUrl: `${url}/oid4vci`,
    credentialRequestToCredentialMapper: async ({ holderBinding, credentialConfiguration }) =>
      credentialConfiguration.format === 'ldp_vc' ? ldpCredentials(holderBinding) : sdJwtCredentials(holderBinding),
  },
})
const created = await agent.dids.create({ method: 'key', options: { createKey: { type: { kty: 'OKP', crv: 'Ed25519' } } } })
const didUrl = created.didState.didDocument.verificationMethod[0].id
const issuerApi = agent.modules.openid4vc.issuer

const CONFIGURATIONS = {
  'dc+sd-jwt': ({ vct }) => ({
    format: 'dc+sd-jwt',
    vct,
    cryptographic_binding_methods_supported: ['did:key', 'jwk'],
    credential_signing_alg_values_supported: ['EdDSA'],
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA'] } },
  }),
  ldp_vc: () => ({
    format: 'ldp_vc',
    credential_definition: { '@context': LDP_CONTEXT, type: LDP_TYPE },
    cryptographic_binding_methods_supported: ['did:key'],
    credential_signing_alg_values_supported: ['Ed25519Signature2018'],
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA'] } },
  }),
}

serve({
  async offer({ facts, vct, format = 'dc+sd-jwt' }) {
    pending = { facts, vct }
    const record = await issuerApi.createIssuer({
      display: [{ name: 'Credo test issuer' }],
      credentialConfigurationsSupported: { identity: CONFIGURATIONS[format]({ vct }) },
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
