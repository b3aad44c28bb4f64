// GET /require-auth: API Gateway has already checked the API key and the SigV4
// signature (AWS_IAM) and the caller's IAM policy before this runs.
export const handler = async () => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ message: "You're past the velvet rope!" }),
});
