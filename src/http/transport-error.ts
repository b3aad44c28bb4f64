// The error every transport (call's client, batch's pool, the proxy tunnel) raises
// when no response came at all; its own module so they share it without importing
// one another.
import { NetworkError } from '../errors.js';

/** A failure to get any response (refused, reset, DNS, TLS, timeout). */
export class TransportError extends NetworkError {
  readonly code: string;
  readonly timedOut: boolean;
  constructor(message: string, code: string, timedOut: boolean, cause?: unknown, hint?: string) {
    super(message, hint ?? (timedOut ? 'raise --timeout, or check that the API is reachable' : 'check the API URL (`authapi configure --show`) and your network'), { cause });
    this.code = code;
    this.timedOut = timedOut;
  }
}
