// The emulator's public surface. The CLI loads this lazily (`await import('../local/index.js')`,
// mapped to dist/local.cjs by the build); tests import it directly.
export { startLocal, DEMO_USER, InvalidUserError } from './server.js';
export type { LocalEndpoints, LocalInfo, LocalStack, LocalUser, StartLocalOptions } from './server.js';
export { defaultTemplatePath } from './default-template.js';
export { loadStack, buildStackModel, TemplateError } from './template/index.js';
export type { StackModel, Clock } from './model.js';
export type { CredentialRegistry, IssuedCredentials } from './credentials.js';
export type { AdminCredentials } from './admin-credentials.js';
export { StateDirError } from './state.js';
