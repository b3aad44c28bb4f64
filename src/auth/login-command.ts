// The command a hint tells the user to run: the profile flag only when it is needed.
// One definition, so every "run `authapi login …`" hint reads the same.

export function loginCommand(profileName: string): string {
  return profileName === 'default' ? '`authapi login`' : `\`authapi login --profile ${profileName}\``;
}
