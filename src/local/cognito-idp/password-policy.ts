// The pool's password policy with Cognito's exact InvalidPasswordException wording.
import type { PasswordPolicy } from '../model.js';
import { CognitoError } from './errors.js';

// Cognito's symbol set (Cognito developer guide, "password requirements").
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- '.split(''));

export function passwordViolation(policy: PasswordPolicy, password: string): string | undefined {
  if (password.length < policy.minimumLength) return 'Password not long enough';
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (policy.requireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (policy.requireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.has(c))) return 'Password must have symbol characters';
  return undefined;
}

export function enforcePasswordPolicy(policy: PasswordPolicy, password: string): void {
  const why = passwordViolation(policy, password);
  if (why) throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${why}`);
}
