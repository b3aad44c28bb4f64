// Which certificate authorities a TLS connection trusts. Node already adds the PEM
// file named by NODE_EXTRA_CA_CERTS to its built-in roots, for every TLS client in
// the process (node:tls, node:https, undici, the AWS SDK). AWS_CA_BUNDLE — what the
// AWS CLI and SDKs read — is ours to apply: its certificates are trusted in addition
// to Node's roots (and NODE_EXTRA_CA_CERTS's), so a corporate proxy's or a private
// CA works without losing the public ones. Passing `ca` to a TLS client replaces
// Node's default store, so the list returned holds all three.
import { ConfigError } from '../errors.js';

let cached: { key: string; ca: string[] } | undefined;

/** undefined when AWS_CA_BUNDLE is not set (Node's defaults apply, nothing to pass). */
export function caFor(env: NodeJS.ProcessEnv): string[] | undefined {
  const bundle = env.AWS_CA_BUNDLE;
  if (!bundle) return undefined;
  const extra = env.NODE_EXTRA_CA_CERTS;
  // The same file in both (as some machines set them): Node trusts it already, and a
  // `ca` option would cost a parse of every root certificate on each connection.
  if (extra && extra === bundle) return undefined;
  const key = `${bundle}\0${extra ?? ''}`;
  if (cached?.key === key) return cached.ca;
  const fs = process.getBuiltinModule('node:fs') as typeof import('node:fs');
  const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls');
  const read = (name: string, path: string): string => {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`${name}=${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, `point ${name} at a PEM file of CA certificates`);
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`${name}=${path}: no PEM certificate in it`, `point ${name} at a PEM file of CA certificates`);
    return text;
  };
  const ca = [...tls.rootCertificates, read('AWS_CA_BUNDLE', bundle)];
  // Node read NODE_EXTRA_CA_CERTS at start-up (and warned if it could not): keep it.
  if (extra) {
    try {
      ca.push(fs.readFileSync(extra, 'utf8'));
    } catch {
      // Node already said so on stderr at start-up.
    }
  }
  cached = { key, ca };
  return ca;
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);
const OTHER_CERT = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_REVOKED']);

/** A one-line reason for a TLS certificate failure, or undefined for any other error. */
export function certificateProblem(code: string | undefined): string | undefined {
  if (!code) return undefined;
  if (UNTRUSTED.has(code)) return `its TLS certificate is not trusted (${code})`;
  if (code === 'CERT_HAS_EXPIRED') return `its TLS certificate has expired (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `its TLS certificate is for another host name (${code})`;
  if (OTHER_CERT.has(code)) return `its TLS certificate was refused (${code})`;
  return undefined;
}

export const CERTIFICATE_HINT =
  'if a private CA or a proxy signs it, point AWS_CA_BUNDLE (or NODE_EXTRA_CA_CERTS) at that CA\'s PEM file';
