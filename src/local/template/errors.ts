// A template the emulator cannot run. The message always names the file and the
// place in it (resource, property path, line when known) so the user can fix it.
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}: ${where ? `${where}: ` : ''}${problem}`);
    this.name = 'TemplateError';
  }
}
