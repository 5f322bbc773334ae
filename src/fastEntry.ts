import { homedir } from 'node:os';
import { answerFromCache } from './fast/answerFromCache.js';
import type { Io } from './main.js';

// The process entry bin/assume runs: a cache hit for a plain command line (the case of every
// credential_process call) is answered here, by the same functions main uses, without
// loading commander, chalk, the config parser or the MFA prompt (src/entry.ts: ~250 kB).
// Anything else, and any doubt, runs src/entry.ts, unchanged, with the same argv and env.
// The streams are opened only when written to: a credential_process hit never opens stderr.
const io: Io = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
};
if (await answerFromCache(process.argv.slice(2), { ...process.env }, io, { homeDir: homedir, now: () => new Date() })) {
  process.exitCode = 0;
} else {
  await import('./entry.js');
}
