// GET /iam (HTTP API, AWS_IAM): the caller's SigV4 signature and IAM policy were
// checked; who signed is in requestContext.authorizer.iam.
export const handler = async (event) => {
  const iam = event.requestContext?.authorizer?.iam ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'Signed and let in by the HTTP API.', userArn: iam.userArn ?? null }),
  };
};
