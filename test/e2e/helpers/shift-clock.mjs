// Preloaded into the real binary by the login e2e test (`node --import`): moves
// Date.now() by AUTHAPI_TEST_CLOCK_OFFSET_MS so a child process can live "an hour
// later" without anyone sleeping. The CLI's system clock reads Date.now().
const offset = Number(process.env.AUTHAPI_TEST_CLOCK_OFFSET_MS || 0);
if (offset) {
  const real = Date.now.bind(Date);
  Date.now = () => real() + offset;
}
