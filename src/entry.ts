import { constants } from 'node:os';
import { run } from './main.js';

// The process entry: the one place that touches process.argv, process.env and the exit
// status. process.exitCode (not process.exit) lets piped stdout drain completely.
const result = await run(process.argv.slice(2), { ...process.env }, { stdout: process.stdout, stderr: process.stderr });
if ('signal' in result) {
  // The child of `assume -- cmd` died of a signal: die of the same one, as a shell would see it.
  // 128 + the signal's number stays as the status if the signal does not end the process.
  process.exitCode = 128 + constants.signals[result.signal];
  process.removeAllListeners(result.signal);
  process.kill(process.pid, result.signal);
} else {
  process.exitCode = result.exitCode;
}
