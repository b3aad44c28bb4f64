// `authapi --help` vs `node -e ''` (issue 4's figure): the cost of the CLI's
// start-up before any command runs. One hyperfine run, NODE_EXTRA_CA_CERTS unset.
import { BIN, hyperfine, ms, result } from './lib.mjs';

const [floor, help, version] = hyperfine([`node -e ""`, `node ${BIN} --help`, `node ${BIN} --version`], { runs: 40 });
console.log(`node -e '' ${ms(floor.median)} · authapi --help ${ms(help.median)} · authapi --version ${ms(version.median)}`);
result({ measure: "authapi --help vs node -e ''", ratio: help.median / floor.median, target: '≤ 1.5×', pass: help.median / floor.median <= 1.5,
  detail: `${ms(help.median)} vs ${ms(floor.median)}` });
