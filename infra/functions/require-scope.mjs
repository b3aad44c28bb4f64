// GET /require-scope (REST API): API Gateway has checked the API key and an access
// token carrying the method's scope (COGNITO_USER_POOLS with AuthorizationScopes).
export const handler = async (event) => {
  const claims = event.requestContext?.authorizer?.claims ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'Your access token has the scope.', user: claims.username ?? null, scope: claims.scope ?? null }),
  };
};
