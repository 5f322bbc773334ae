// Expected answers checked against the AWS CLI v2 (/usr/bin/aws 2.9.19) with
// `aws configure list-profiles` under each AWS_CONFIG_FILE, and against Python's
// os.path.expandvars / os.path.expanduser, which botocore's raw_config_parse applies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfigPaths } from '../../../src/config/paths.js';

const HOME = '/home/u';

describe('resolveConfigPaths', () => {
  it('defaults to ~/.aws/config and ~/.aws/credentials under the home directory', () => {
    assert.deepEqual(resolveConfigPaths({}, HOME), {
      config: '/home/u/.aws/config',
      credentials: '/home/u/.aws/credentials',
    });
  });

  it('uses AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE as given, relative paths included', () => {
    const env = { AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: 'creds.ini' };
    assert.deepEqual(resolveConfigPaths(env, HOME), { config: '/etc/aws/config', credentials: 'creds.ini' });
  });

  const expansions: { name: string; value: string; env?: Record<string, string>; expected: string }[] = [
    { name: 'expands a leading ~/ to the home directory, as the AWS CLI does', value: '~/sub/cfg', expected: '/home/u/sub/cfg' },
    { name: 'expands a lone ~ to the home directory', value: '~', expected: '/home/u' },
    { name: 'expands $NAME from the environment, as the AWS CLI does', value: '$D/cfg', env: { D: '/data' }, expected: '/data/cfg' },
    { name: 'expands ${NAME} from the environment, as the AWS CLI does', value: '${D}/cfg', env: { D: '/data' }, expected: '/data/cfg' },
    { name: 'expands $HOME from the environment, not from the home directory argument', value: '$HOME/cfg', env: { HOME: '/h' }, expected: '/h/cfg' },
    { name: 'expands a variable first and a ~ it yields second, as the AWS CLI does', value: '$X', env: { X: '~/y' }, expected: '/home/u/y' },
    { name: 'leaves an unknown variable as written, as Python expandvars does', value: '$NOPE/${NOPE}/cfg', expected: '$NOPE/${NOPE}/cfg' },
    { name: 'expands a variable set to the empty string to nothing', value: '$E/cfg', env: { E: '' }, expected: '/cfg' },
    { name: 'takes $NAME as ASCII letters, digits and _ only', value: '$D-x', env: { D: '/d' }, expected: '/d-x' },
    { name: 'does not expand a ~ that is not at the start', value: 'a/~/b', expected: 'a/~/b' },
    { name: 'leaves ~user/... as written (botocore would read the password database)', value: '~root/cfg', expected: '~root/cfg' },
    { name: 'reads a prototype name such as $constructor as an unset variable', value: '$constructor/x', expected: '$constructor/x' },
  ];
  for (const { name, value, env = {}, expected } of expansions) {
    it(name, () => {
      assert.equal(resolveConfigPaths({ ...env, AWS_CONFIG_FILE: value }, HOME).config, expected);
    });
  }

  it('keeps an empty AWS_CONFIG_FILE empty, which names no file, as the AWS CLI reads no config file then', () => {
    assert.equal(resolveConfigPaths({ AWS_CONFIG_FILE: '' }, HOME).config, '');
  });

  it('drops trailing slashes of the home directory, as Python expanduser does', () => {
    assert.equal(resolveConfigPaths({}, '/home/u//').config, '/home/u/.aws/config');
    assert.equal(resolveConfigPaths({ AWS_CONFIG_FILE: '~' }, '/').config, '/');
  });
});
