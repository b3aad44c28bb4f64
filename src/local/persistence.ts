// What the emulator keeps in its state dir, and when it writes it: the template's
// generated secrets at start, issued credentials whenever one is added, the User
// Pool and Identity Pool state whenever they change and once more on close. Without
// a state dir every read is empty and every write a no-op, so the services never
// need to know whether they persist.
import { MemoryCredentialRegistry, type IssuedCredentials } from './credentials.js';
import type { CognitoIdpState } from './cognito-idp/service.js';
import type { IdentityPoolState } from './identity-pool/service.js';
import type { Clock, StackModel } from './model.js';
import { isAdminCredentials, newAdminCredentials, type AdminCredentials } from './admin-credentials.js';
import { StateDir, STATE_FILES } from './state.js';
import type { StackSecrets } from './template/index.js';

export class StackPersistence {
  private constructor(private readonly dir: StateDir | undefined) {}

  /** Opens (and locks) `stateDir`; undefined keeps everything in memory. */
  static open(stateDir: string | undefined): StackPersistence {
    return new StackPersistence(stateDir === undefined ? undefined : StateDir.open(stateDir));
  }

  get persistent(): boolean {
    return this.dir !== undefined;
  }

  secrets(): StackSecrets | undefined {
    return this.dir?.read<StackSecrets>(STATE_FILES.secrets);
  }

  /** Generated client secrets and API key values, so a restart keeps them. */
  saveSecrets(stack: StackModel): void {
    this.dir?.write(STATE_FILES.secrets, {
      clientSecrets: Object.fromEntries(stack.userPools.flatMap((p) => p.clients).flatMap((c) => (c.clientSecret ? [[c.logicalId, c.clientSecret] as const] : []))),
      apiKeyValues: Object.fromEntries(stack.apiKeys.map((k) => [k.logicalId, k.value])),
    } satisfies StackSecrets);
  }

  /** The registry every service shares; expired credentials are dropped on load and on save. */
  credentials(clock: Clock): PersistentCredentials {
    const saved = this.dir?.read<IssuedCredentials[]>(STATE_FILES.credentials) ?? [];
    const registry: PersistentCredentials = new PersistentCredentials(
      saved.filter((c) => c.expiration > clock.now()),
      () => this.dir?.write(STATE_FILES.credentials, registry.all().filter((c) => c.expiration > clock.now())),
    );
    return registry;
  }

  idpState(): CognitoIdpState | undefined {
    return this.dir?.read<CognitoIdpState>(STATE_FILES.idp);
  }

  saveIdp(state: CognitoIdpState): void {
    this.dir?.write(STATE_FILES.idp, state);
  }

  identityState(): IdentityPoolState | undefined {
    return this.dir?.read<IdentityPoolState>(STATE_FILES.identities);
  }

  saveIdentities(state: IdentityPoolState): void {
    this.dir?.write(STATE_FILES.identities, state);
  }

  /** One administrator key pair per state dir, kept across restarts (admin-credentials.ts). */
  adminCredentials(): AdminCredentials {
    const saved = this.dir?.read<unknown>(STATE_FILES.admin);
    const admin = isAdminCredentials(saved) ? saved : newAdminCredentials();
    this.dir?.write(STATE_FILES.admin, admin);
    return admin;
  }

  /** Gives the state dir up (its lock) on close or a failed start. */
  release(): void {
    this.dir?.release();
  }
}

/** The shared registry, saving itself whenever credentials are added. */
export class PersistentCredentials extends MemoryCredentialRegistry {
  constructor(initial: IssuedCredentials[], private readonly onAdd: () => void) {
    super(initial);
  }
  override add(creds: IssuedCredentials): void {
    super.add(creds);
    this.onAdd();
  }
  save(): void {
    this.onAdd();
  }
}
