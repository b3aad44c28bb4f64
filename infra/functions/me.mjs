// GET /me (HTTP API, payload format 2.0): the JWT authorizer has checked the token's
// issuer and audience; its claims arrive in requestContext.authorizer.jwt.claims.
export const handler = async (event) => {
  const jwt = event.requestContext?.authorizer?.jwt ?? {};
  const claims = jwt.claims ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'Hello from the HTTP API.', user: claims.username ?? claims['cognito:username'] ?? null, scopes: jwt.scopes ?? null }),
  };
};
