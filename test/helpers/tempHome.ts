import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway HOME with ~/.aws/config and ~/.aws/credentials written from text. */
export interface TempHome {
  readonly dir: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  /** Removes the folder. */
  cleanup(): void;
}

export function createTempHome(config = '', credentials = ''): TempHome {
  const dir = mkdtempSync(join(tmpdir(), 'assume-home-'));
  mkdirSync(join(dir, '.aws'), { mode: 0o700 });
  const configFile = join(dir, '.aws', 'config');
  const credentialsFile = join(dir, '.aws', 'credentials');
  writeFileSync(configFile, config, { mode: 0o600 });
  writeFileSync(credentialsFile, credentials, { mode: 0o600 });
  return { dir, configFile, credentialsFile, cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
