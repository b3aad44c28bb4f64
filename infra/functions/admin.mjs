// GET /admin (HTTP API): reached only with an access token carrying authapi/admin.
export const handler = async (event) => {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'Welcome to the admin route.', user: claims.username ?? null }),
  };
};
