// STS answers in the AWS query protocol's XML, as
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html shows them.
import type { LocalResponse } from '../model.js';

export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function stsXml(status: number, body: string, requestId: string): LocalResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId, 'Content-Length': String(Buffer.byteLength(body)) },
    body,
  };
}

export function stsError(status: number, code: string, message: string, requestId: string, type: 'Sender' | 'Receiver' = 'Sender'): LocalResponse {
  const body =
    `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n` +
    `    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return stsXml(status, body, requestId);
}

export function getCallerIdentityXml(arn: string, userId: string, account: string, requestId: string): LocalResponse {
  const body =
    `<GetCallerIdentityResponse xmlns="${STS_NS}">\n  <GetCallerIdentityResult>\n` +
    `    <Arn>${xmlEscape(arn)}</Arn>\n    <UserId>${xmlEscape(userId)}</UserId>\n    <Account>${xmlEscape(account)}</Account>\n` +
    `  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`;
  return stsXml(200, body, requestId);
}
