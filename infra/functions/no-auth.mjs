// GET /no-auth: open to anyone who presents the API key (guests included).
// Lambda proxy integration: API Gateway passes the request as an event and expects
// { statusCode, headers, body } back.
export const handler = async () => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ message: 'Open for All!' }),
});
