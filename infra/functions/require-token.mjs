// GET /require-token (REST API): API Gateway has checked the API key and the ID token
// (COGNITO_USER_POOLS authorizer) before this runs; the token's claims arrive in
// requestContext.authorizer.claims, every value a string.
export const handler = async (event) => {
  const claims = event.requestContext?.authorizer?.claims ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'Your ID token checks out.', user: claims['cognito:username'] ?? null, tokenUse: claims.token_use ?? null }),
  };
};
