import { buildAwsConfig } from '../../src/config/loadAwsConfig.js';
import { parseIni } from '../../src/config/parseIni.js';
import type { AwsConfig } from '../../src/config/types.js';

/** An AwsConfig from inline INI text, as loadAwsConfig would build it from two files. */
export function configFrom(configText: string, credentialsText = ''): AwsConfig {
  const files = { config: '/home/u/.aws/config', credentials: '/home/u/.aws/credentials' };
  return buildAwsConfig(parseIni(configText, files.config), parseIni(credentialsText, files.credentials), files);
}
