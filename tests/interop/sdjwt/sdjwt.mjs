// The OpenWallet Foundation's SD-JWT VC implementation (@sd-jwt/sd-jwt-vc 0.19.0) for
// tests/interop/sdjwt/test_sdjwt_interop.py. Reads a JSON array of tasks on standard input and
// writes a JSON array of answers: each task is {op: "issue" | "present" | "verify", ...}.
// Keys are JWKs; EdDSA (Ed25519) and ES256 through Node's WebCrypto (@sd-jwt/crypto-nodejs).
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, generateSalt, getSigner, getVerifier } from '@sd-jwt/crypto-nodejs';

const ALGORITHMS = {
  EdDSA: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: { name: 'SHA-256' } }],
};

function algorithmOf(jwk) {
  return jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
}

async function signerFor(privateJwk) {
  const [keyAlgorithm, signAlgorithm] = ALGORITHMS[algorithmOf(privateJwk)];
  return getSigner(privateJwk, keyAlgorithm, signAlgorithm);
}

async function verifierFor(publicJwk) {
  const [keyAlgorithm, verifyAlgorithm] = ALGORITHMS[algorithmOf(publicJwk)];
  return getVerifier(publicJwk, keyAlgorithm, verifyAlgorithm);
}

async function instance({ issuerJwk, holderJwk, issuerPublicJwk }) {
  const options = { hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt };
  if (issuerJwk) {
    options.signer = await signerFor(issuerJwk);
    options.signAlg = algorithmOf(issuerJwk);
  }
  if (holderJwk) {
    options.kbSigner = await signerFor(holderJwk);
    options.kbSignAlg = algorithmOf(holderJwk);
  }
  if (issuerPublicJwk) {
    options.verifier = await verifierFor(issuerPublicJwk);
    // The KB-JWT is verified with the holder key the issuer put in cnf.jwk.
    options.kbVerifier = async (data, signature, payload) => {
      const verify = await verifierFor(payload.cnf.jwk);
      return verify(data, signature);
    };
  }
  return new SDJwtVcInstance(options);
}

async function run(task) {
  if (task.op === 'issue') {
    const sdjwt = await instance({ issuerJwk: task.issuerJwk });
    const frame = { _sd: task.disclosable };
    const token = await sdjwt.issue(task.payload, frame, { header: { kid: task.kid } });
    return { token };
  }
  if (task.op === 'present') {
    const sdjwt = await instance({ holderJwk: task.holderJwk });
    const frame = Object.fromEntries(task.disclose.map((name) => [name, true]));
    const kb = { payload: { iat: task.iat, aud: task.aud, nonce: task.nonce } };
    const token = await sdjwt.present(task.token, frame, { kb });
    return { token };
  }
  if (task.op === 'verify') {
    const sdjwt = await instance({ issuerPublicJwk: task.issuerPublicJwk });
    try {
      const result = await sdjwt.verify(task.token, {
        keyBindingNonce: task.nonce ?? undefined,
        currentDate: task.now,
        requiredClaimKeys: task.required,
      });
      return { verified: true, claims: result.payload, kb: Boolean(result.kb) };
    } catch (error) {
      return { verified: false, error: String(error && error.message ? error.message : error) };
    }
  }
  throw new Error(`unknown op ${task.op}`);
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const answers = [];
for (const task of JSON.parse(input)) {
  try {
    answers.push(await run(task));
  } catch (error) {
    answers.push({ failed: String(error && error.stack ? error.stack : error) });
  }
}
process.stdout.write(JSON.stringify(answers));
