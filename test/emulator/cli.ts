/**
 * Runs the STS emulator on its own, for the demo and for poking at it by hand:
 *
 *   node dist/test/emulator/cli.js [--port N] [--scenario FILE.json]
 *
 * Prints one JSON line `{"url": "...", "users": [{name, accessKeyId, secretAccessKey, arn}]}` on stdout once it
 * listens, one line per request on stderr, and exits 0 on SIGINT or SIGTERM (2 on bad arguments or scenario).
 */
import { parseArgs } from 'node:util';
import { formatRequestRecord, startEmulator } from './emulator.js';
import { applyScenario, loadScenario } from './scenario.js';
import type { Scenario } from './scenario.js';

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`--port must be a number in 0..65535, got '${text}'`);
  return port;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, scenario: { type: 'string' } },
    strict: true,
  });
  const port = parsePort(values.port);
  const scenario: Scenario = values.scenario === undefined ? { users: [], roles: [] } : await loadScenario(values.scenario);
  const emulator = await startEmulator({
    port,
    onRequest: (record) => process.stderr.write(`${formatRequestRecord(record)}\n`),
  });
  let users;
  try {
    users = applyScenario(emulator, scenario);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const stop = (): void => {
    emulator.close().catch((error: unknown) => {
      process.stderr.write(`sts-emulator: ${String(error)}\n`);
      process.exitCode = 1;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`${JSON.stringify({ url: emulator.url, users })}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`sts-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
