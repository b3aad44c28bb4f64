// An app client's settings as Cognito applies them: token validities in
// TokenValidityUnits (hours/days when unset), flows, secret, session lifetime.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpoolclient.html
import type { UserPoolClientModel } from '../model.js';
import { isObject, asList, type Coerce, type Fail, type Props } from './values.js';

export function clientModel(logicalId: string, p: Props, where: string, secret: string | undefined, fail: Fail, c: Coerce): Omit<UserPoolClientModel, 'clientId'> {
  const units = isObject(p.TokenValidityUnits) ? p.TokenValidityUnits : {};
  // Without TokenValidityUnits, access/ID validities are hours and refresh is days.
  const validity = (key: string, unitKey: string, defUnit: string, defSeconds: number, min: number, max: number): number => {
    if (p[key] === undefined) return defSeconds;
    const unit = String(units[unitKey] ?? defUnit);
    const factor = UNIT_SECONDS[unit];
    if (!factor) return fail(`${where}.TokenValidityUnits.${unitKey}`, `must be seconds, minutes, hours or days, not ${unit}`);
    const seconds = c.num(p[key], `${where}.${key}`, 0) * factor;
    if (seconds < min || seconds > max) return fail(`${where}.${key}`, `${String(p[key])} ${unit} is outside the allowed range (${describeSeconds(min)} to ${describeSeconds(max)})`);
    return seconds;
  };
  const flows = p.ExplicitAuthFlows === undefined
    ? ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH']
    : normaliseFlows(asList(p.ExplicitAuthFlows).map(String));
  const pue = String(p.PreventUserExistenceErrors ?? 'LEGACY');
  if (pue !== 'ENABLED' && pue !== 'LEGACY') return fail(`${where}.PreventUserExistenceErrors`, `must be ENABLED or LEGACY, not ${pue}`);
  const model: Omit<UserPoolClientModel, 'clientId'> = {
    logicalId,
    clientName: typeof p.ClientName === 'string' ? p.ClientName : logicalId,
    explicitAuthFlows: flows,
    enableTokenRevocation: c.bool(p.EnableTokenRevocation ?? true, `${where}.EnableTokenRevocation`),
    preventUserExistenceErrors: pue === 'ENABLED',
    authSessionValiditySeconds: c.int(p.AuthSessionValidity ?? 3, `${where}.AuthSessionValidity`, 3, 15) * 60,
    accessTokenValiditySeconds: validity('AccessTokenValidity', 'AccessToken', 'hours', 3600, 300, 86400),
    idTokenValiditySeconds: validity('IdTokenValidity', 'IdToken', 'hours', 3600, 300, 86400),
    refreshTokenValiditySeconds: validity('RefreshTokenValidity', 'RefreshToken', 'days', 30 * 86400, 3600, 3650 * 86400),
    refreshTokenRotation: { enabled: false, retryGracePeriodSeconds: 0 },
  };
  if (secret !== undefined) model.clientSecret = secret;
  model.refreshTokenRotation = rotation(p.RefreshTokenRotation, `${where}.RefreshTokenRotation`, fail, c);
  return model;
}

/**
 * RefreshTokenRotation { Feature: ENABLED | DISABLED, RetryGracePeriodSeconds: 0–60 }.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cognito-userpoolclient-refreshtokenrotation.html
 */
function rotation(value: unknown, where: string, fail: Fail, c: Coerce): UserPoolClientModel['refreshTokenRotation'] {
  if (value === undefined) return { enabled: false, retryGracePeriodSeconds: 0 };
  if (!isObject(value)) return fail(where, 'must be a mapping with Feature (ENABLED or DISABLED) and RetryGracePeriodSeconds');
  const feature = String(value.Feature ?? 'DISABLED');
  if (feature !== 'ENABLED' && feature !== 'DISABLED') return fail(`${where}.Feature`, `must be ENABLED or DISABLED, not ${feature}`);
  const grace = c.int(value.RetryGracePeriodSeconds ?? 0, `${where}.RetryGracePeriodSeconds`, 0, 60);
  return { enabled: feature === 'ENABLED', retryGracePeriodSeconds: grace };
}

/** Legacy flow names mean their ALLOW_ equivalents, and imply SRP and refresh. */
function normaliseFlows(flows: string[]): string[] {
  const legacy: Record<string, string> = {
    ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
    USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
    CUSTOM_AUTH_FLOW_ONLY: 'ALLOW_CUSTOM_AUTH',
  };
  const out = new Set<string>();
  let sawLegacy = false;
  for (const f of flows) {
    const mapped = legacy[f];
    if (mapped) {
      sawLegacy = true;
      out.add(mapped);
    } else out.add(f);
  }
  if (sawLegacy) {
    out.add('ALLOW_USER_SRP_AUTH');
    out.add('ALLOW_REFRESH_TOKEN_AUTH');
  }
  return [...out];
}

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

function describeSeconds(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} days`;
  if (s % 3600 === 0) return `${s / 3600} hours`;
  return `${s / 60} minutes`;
}

