import { describe, expect, it } from 'vitest';
import { enforcePasswordPolicy, passwordViolation } from '../../../src/local/cognito-idp/password-policy.js';
import type { PasswordPolicy } from '../../../src/local/model.js';

const strict: PasswordPolicy = {
  minimumLength: 10, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 7,
};

describe('password policy', () => {
  it('names the first rule broken, in Cognito\'s words', () => {
    expect(passwordViolation(strict, 'Ab1!')).toBe('Password not long enough');
    expect(passwordViolation(strict, 'abcdefgh1!')).toBe('Password must have uppercase characters');
    expect(passwordViolation(strict, 'ABCDEFGH1!')).toBe('Password must have lowercase characters');
    expect(passwordViolation(strict, 'ABCDefgh!!')).toBe('Password must have numeric characters');
    expect(passwordViolation(strict, 'ABCDefgh12')).toBe('Password must have symbol characters');
    expect(passwordViolation(strict, 'ABCDefgh1^')).toBeUndefined();
    expect(passwordViolation(strict, 'ABCD efgh1')).toBeUndefined();
  });

  it('applies only the rules the pool has', () => {
    const lax = { ...strict, minimumLength: 6, requireUppercase: false, requireNumbers: false, requireSymbols: false };
    expect(passwordViolation(lax, 'abcdef')).toBeUndefined();
  });

  it('throws InvalidPasswordException', () => {
    expect(() => enforcePasswordPolicy(strict, 'x')).toThrow(
      expect.objectContaining({ type: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough' }),
    );
  });
});
