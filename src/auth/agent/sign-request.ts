// The agent's side of the `sign` op: the same SigV4 signer `call` uses in-process
// (src/http/sign.ts), given the credentials the agent holds.
import { signRequest } from '../../http/sign.js';
import type { AgentCredentials, AgentSignRequest, AgentSigned } from './protocol.js';

export function signWithCredentials(c: AgentCredentials, r: AgentSignRequest): AgentSigned {
  const signed = signRequest({
    method: r.method,
    target: r.target,
    headers: r.headers,
    body: r.bodyBase64 === undefined ? undefined : Buffer.from(r.bodyBase64, 'base64'),
    apiKey: r.apiKey,
    region: r.region,
    service: r.service,
    now: r.now,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
  });
  return { path: signed.path, headers: signed.headers, signature: signed.signature };
}
