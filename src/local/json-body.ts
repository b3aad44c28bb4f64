// The request body of an AWS JSON 1.1 call (Cognito User Pool and Identity Pool):
// an object, or AWS's SerializationException when it is anything else.
import { awsJsonError } from './http.js';
import type { LocalRequest, LocalResponse } from './model.js';

export function parseJsonObjectBody<T>(req: LocalRequest, requestId: string): { body: T } | { error: LocalResponse } {
  try {
    const parsed: unknown = req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { body: parsed as T };
  } catch {
    // falls through to AWS's answer
  }
  return { error: awsJsonError('SerializationException', 'Start of structure or map found where not expected.', requestId) };
}
