// The emulator's public surface. The CLI loads this lazily (`await import('../local/index.js')`,
// mapped to dist/local.cjs by the build); tests import it directly.
export { startLocal, DEMO_USER, InvalidUserError } from './server.js';
export type { CustomDomain, LocalEndpoints, LocalInfo, LocalStack, LocalUser, StartLocalOptions } from './server.js';
export { defaultTemplatePath } from './default-template.js';
export { loadStack, buildStackModel, TemplateError } from './template/index.js';
export type { StackModel, Clock } from './model.js';
export type { CredentialRegistry, IssuedCredentials } from './credentials.js';
export type { AdminCredentials } from './admin-credentials.js';
export { StateDirError } from './state.js';
export { templateRoutes, type TemplateRoutesOptions } from './template-routes.js';
export { callWords } from './stack-info.js';
export type { LocalApiInfo, LocalApiKeyInfo, LocalIdentityPoolInfo, LocalResources, LocalRouteInfo, LocalUserPoolClientInfo, LocalUserPoolInfo, TemplateRoute } from './stack-info.js';
export { startLocalStack } from './embed.js';
export type { AwsCredentials, LocalStackEndpoints, LocalStackHandle, SignInOptions, StartLocalStackOptions, UserOptions, UserSession, UserTokens } from './embed.js';
