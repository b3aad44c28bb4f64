// The secret store: one small interface, one file per backend (keychain, file,
// memory), chosen in choose.ts. Values are opaque strings; callers serialise, and
// the session layer (src/auth/blob-store.ts) splits values longer than
// maxValueLength across several items.
export interface SecretStore {
  /** Backend name for `authapi status`, e.g. "keychain (Secret Service)", "file", "memory". */
  readonly name: string;
  /** Which registered backend this is (choose.ts); absent for test doubles. */
  readonly kind?: StoreKind;
  /**
   * Longest value one item may hold, in characters. Windows Credential Manager caps a
   * secret at 2,560 bytes and stores UTF-16, so the keychain backend says 1,200.
   * Absent: no limit worth splitting for.
   */
  readonly maxValueLength?: number;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Removes the item; no error when it is absent. */
  delete(key: string): Promise<void>;
  /**
   * Tries the store for real (writes, reads back and deletes a probe item) and says
   * what state it is in. Only `status` and `login` call it, never the path of `call`.
   * Backends that cannot be half-working (memory) leave it out.
   */
  probe?(): Promise<StoreProbe>;
}

/**
 * What a probe found. For the Secret Service: "available" (unlocked, takes writes);
 * "locked" (the default keyring must be unlocked first); "no-default-collection"
 * (the service runs but has no default keyring to write to, as when gnome-keyring
 * was started by D-Bus activation without --unlock); "absent" (no service, no bus);
 * "failing" (anything else, with the library's words).
 */
export interface StoreProbe {
  state: 'available' | 'locked' | 'no-default-collection' | 'absent' | 'failing';
  /** One line saying what was found. */
  message: string;
  /** What to do about it, when the state is not "available". */
  hint?: string;
}

/** Backend identifiers, in the order authapi prefers them. */
export type StoreKind = 'keychain' | 'file';
