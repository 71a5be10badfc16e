// Credo as a holder: takes an OpenID4VCI offer (pre-authorised code and PIN) and answers an
// OpenID4VP request. Prints {"did": …} first, then answers the commands `receive`, `present`,
// `verify` (a JSON-LD credential, by Credo's W3C module) and `document` (what its JSON-LD document
// loader gives for a URL).
import { Kms, W3cJsonLdCredentialService, W3cJsonLdVerifiableCredential } from '@credo-ts/core'
import { randomUUID } from 'node:crypto'
import { makeAgent, offlineDocumentLoader, serve } from './agent.mjs'

const agent = await makeAgent()
const created = await agent.dids.create({ method: 'key', options: { createKey: { type: { kty: 'OKP', crv: 'Ed25519' } } } })
if (!created.didState.did) throw new Error(JSON.stringify(created.didState))
const did = created.didState.did
const didUrl = created.didState.didDocument.verificationMethod[0].id
const holder = agent.modules.openid4vc.holder
// Credo 0.6 builds a JSON-LD presentation with `id: undefined`, which jsonld refuses ("@id value must
// a string") when it signs: every presentation it signs gets a urn:uuid id first.
const jsonLd = agent.dependencyManager.resolve(W3cJsonLdCredentialService)
const signPresentation = jsonLd.signPresentation.bind(jsonLd)
jsonLd.signPresentation = (agentContext, options) => {
  options.presentation.id ??= `urn:uuid:${randomUUID()}`
  return signPresentation(agentContext, options)
}
// SD-JWT VCs are bound to a JWK (cnf.jwk), W3C credentials to the did:key.
const made = await agent.kms.createKey({ type: { kty: 'OKP', crv: 'Ed25519' } })
const bindingJwk = Kms.PublicJwk.fromPublicJwk(made.publicJwk)
bindingJwk.keyId = made.keyId
const binding = ({ credentialFormat }) =>
  credentialFormat === 'dc+sd-jwt' || credentialFormat === 'vc+sd-jwt'
    ? { method: 'jwk', keys: [bindingJwk] }
    : { method: 'did', didUrls: [didUrl] }

serve({
  async receive({ offer, pin, configurations, suiteNamesAsProofAlgs = false }) {
    const resolved = await holder.resolveCredentialOffer(offer)
    // Credo 0.6 picks the algorithm of an ldp_vc proof of possession by looking for the name of its
    // signature suite (Ed25519Signature2018) among the issuer's proof_signing_alg_values_supported,
    // which OpenID4VCI 1.0 §12.2.4 fills with JWS algorithms (EdDSA). Asked, its own copy of the
    // metadata gets that name too, to see what happens past that step.
    if (suiteNamesAsProofAlgs)
      for (const configuration of Object.values(resolved.metadata.credentialIssuer.credential_configurations_supported))
        if (configuration.format === 'ldp_vc') configuration.proof_types_supported.jwt.proof_signing_alg_values_supported.push('Ed25519Signature2018')
    const token = await holder.requestToken({ resolvedCredentialOffer: resolved, txCode: pin })
    const response = await holder.requestCredentials({
      resolvedCredentialOffer: resolved,
      ...token,
      credentialConfigurationIds: configurations,
      verifyCredentialStatus: false,
      allowedProofOfPossessionSignatureAlgorithms: ['EdDSA'],
      credentialBindingResolver: binding,
    })
    const kept = []
    for (const entry of response.credentials) {
      const record = entry.record
      if (record.type === 'SdJwtVcRecord') await agent.sdJwtVc.store({ record })
      else if (record.type === 'W3cCredentialRecord') await agent.w3cCredentials.store({ record })
      kept.push({ format: record.type, credential: record.encoded ?? record.firstCredential?.encoded })
    }
    return { kept }
  },
  async present({ request }) {
    const resolved = await holder.resolveOpenId4VpAuthorizationRequest(request)
    if (!resolved.dcql) throw new Error('The request has no DCQL query.')
    const credentials = holder.selectCredentialsForDcqlRequest(resolved.dcql.queryResult)
    const result = await holder.acceptOpenId4VpAuthorizationRequest({
      authorizationRequestPayload: resolved.authorizationRequestPayload,
      dcql: { credentials },
    })
    return { status: result.serverResponse?.status }
  },
  async verify({ credential }) {
    const result = await agent.w3cCredentials.verifyCredential({
      credential: W3cJsonLdVerifiableCredential.fromJson(credential),
      verifyCredentialStatus: false,
    })
    // jsonld-signatures gathers the reasons under `errors` ("Verification error(s)." on top).
    const reasons = (result.error?.errors ?? []).map((e) => String(e.message ?? e))
    const error = result.error ? [String(result.error.message ?? result.error), ...reasons].join(' ') : null
    return { isValid: result.isValid, error }
  },
  async document({ url }) {
    return { document: (await offlineDocumentLoader(agent.context)(url)).document }
  },
})
process.stdout.write(JSON.stringify({ did }) + '\n')
