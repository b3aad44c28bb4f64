// A Lambda function URL with AuthType AWS_IAM: Lambda checked the SigV4 signature
// (service "lambda") and the caller's lambda:InvokeFunctionUrl permission.
export const handler = async (event) => {
  const iam = event.requestContext?.authorizer?.iam ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'Hello from the function URL.', path: event.rawPath ?? null, userArn: iam.userArn ?? null }),
  };
};
