import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandContext } from '../../../src/commands/types.js';
import { AssumeError } from '../../../src/errors.js';
import { pickProfile } from '../../../src/picker/pickProfile.js';
import { configFrom } from '../../helpers/config.js';

const context: CommandContext = {
  env: {},
  io: { stdout: { write: () => assert.fail('nothing on stdout') }, stderr: { write: () => true } },
  homeDir: '/home/me',
  now: () => new Date(0),
  colorLevel: 0,
  version: '0.0.0',
  deps: {},
};

describe('pickProfile', () => {
  it('refuses an empty config before touching the terminal, naming both files', async () => {
    const config = configFrom('', '');
    await assert.rejects(
      pickProfile(config, context),
      (error: unknown) =>
        error instanceof AssumeError &&
        error.code === 'USAGE' &&
        error.message === `no profile given, and no profiles to pick from in ${config.files.config} or ${config.files.credentials}` &&
        /AWS_CONFIG_FILE/.test(error.hint ?? ''),
    );
  });
});
