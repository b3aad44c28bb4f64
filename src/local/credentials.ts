// Temporary AWS credentials the emulator's Identity Pool hands out, and the one
// registry every other part (API Gateway's SigV4 check, STS) looks them up in.

export interface IssuedCredentials {
  accessKeyId: string;          // ASIA + 16 upper-case alphanumerics
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  identityId: string;           // <region>:<uuid>
  identityPoolId: string;
  authenticated: boolean;
  roleLogicalId: string;
  /** For authenticated identities: `cognito-idp.<region>.amazonaws.com/<poolId>` and the user's sub. */
  providerName?: string;
  sub?: string;
}

export interface CredentialRegistry {
  add(creds: IssuedCredentials): void;
  /** By access key id; undefined when unknown (expired ones are still returned: callers decide). */
  get(accessKeyId: string): IssuedCredentials | undefined;
  all(): IssuedCredentials[];
}

export class MemoryCredentialRegistry implements CredentialRegistry {
  private readonly byKey = new Map<string, IssuedCredentials>();
  constructor(initial: IssuedCredentials[] = []) {
    for (const c of initial) this.byKey.set(c.accessKeyId, c);
  }
  add(creds: IssuedCredentials): void {
    this.byKey.set(creds.accessKeyId, creds);
  }
  get(accessKeyId: string): IssuedCredentials | undefined {
    return this.byKey.get(accessKeyId);
  }
  all(): IssuedCredentials[] {
    return [...this.byKey.values()];
  }
}
