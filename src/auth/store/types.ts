// The secret store: one small interface, one file per backend (keychain, file,
// memory). Values are opaque strings; callers serialise.
export interface SecretStore {
  /** Backend name for `authapi status`, e.g. "keychain (Secret Service)", "file", "memory". */
  readonly name: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}
