// The command a hint tells the user to run: the profile flag only when it is needed.
// One definition, so every "run `authapi login …`" hint reads the same and keeps the
// profile the user chose (a profile from AUTHAPI_PROFILE is named too, so the hint
// works when copied into another shell).

export function loginCommand(profileName: string): string {
  return profileName === 'default' ? '`authapi login`' : `\`authapi login --profile ${quoteArg(profileName)}\``;
}

/** The hint line under an error that logging in fixes. */
export function loginHint(profileName: string): string {
  return `run ${loginCommand(profileName)}`;
}

/** A profile name as a shell word: bare when it is plain, single-quoted otherwise. */
function quoteArg(s: string): string {
  return /^[A-Za-z0-9._@%+=:,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
