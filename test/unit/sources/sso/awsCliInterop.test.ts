/**
 * The token cache ssoLogin writes is the AWS CLI's: Debian's AWS CLI v2 (/usr/bin/aws, botocore)
 * reads it to get the same role credentials from the fake portal. aws-cli 2.9 ignores
 * AWS_ENDPOINT_URL_SSO, so it is pointed at the fake with an endpoint-rules file under AWS_DATA_PATH.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ssoLogin } from '../../../../src/sources/sso/ssoLogin.js';
import { awsCli } from '../../../helpers/awsCliEndpointRules.js';
import { ACCOUNT, START_URL, ssoSource, startSsoWorld } from './ssoFixtures.js';
import type { SsoWorld } from './ssoFixtures.js';

let world: SsoWorld;
before(async () => {
  world = await startSsoWorld();
  // botocore checks the token against the real clock.
  world.clock = Date.now();
});
after(async () => {
  await world.close();
});

/** The endpoint-rules file of the `sso` service that sends every call to `url`. */
function writeSsoEndpointRules(dataPath: string, url: string): void {
  const dir = join(dataPath, 'sso', '2019-06-10');
  mkdirSync(dir, { recursive: true });
  const parameter = (builtIn: string, type: string, required: boolean): object => ({ builtIn, required, documentation: builtIn, type, ...(required && { default: false }) });
  writeFileSync(
    join(dir, 'endpoint-rule-set-1.json'),
    JSON.stringify({
      version: '1.0',
      parameters: {
        Region: parameter('AWS::Region', 'String', false),
        UseDualStack: parameter('AWS::UseDualStack', 'Boolean', true),
        UseFIPS: parameter('AWS::UseFIPS', 'Boolean', true),
        Endpoint: parameter('SDK::Endpoint', 'String', false),
      },
      rules: [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }],
    }),
  );
}

function runAws(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(awsCli, args, { env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the SSO token cache shared with the AWS CLI', () => {
  it('is read by `aws configure export-credentials` after `assume --sso-login`', async () => {
    const sleep = (ms: number): Promise<void> => {
      world.clock += ms;
      world.fake.approve();
      return Promise.resolve();
    };
    await ssoLogin(ssoSource(), { ...world.ctx(), stderr: { write: () => true }, sleep });
    world.fake.reset();

    const configFile = join(world.home, '.aws', 'config');
    writeFileSync(
      configFile,
      `[profile dev]\nsso_session = corp\nsso_account_id = ${ACCOUNT}\nsso_role_name = AdministratorAccess\nregion = eu-west-1\n\n` +
        `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n`,
    );
    const dataPath = join(world.home, 'aws-data');
    writeSsoEndpointRules(dataPath, world.fake.url);
    const result = await runAws(['configure', 'export-credentials', '--profile', 'dev', '--format', 'process'], {
      PATH: '/usr/bin:/bin',
      HOME: world.home,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: join(world.home, '.aws', 'credentials'),
      AWS_DATA_PATH: dataPath,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    assert.equal(result.code, 0, result.stderr);
    const exported = JSON.parse(result.stdout) as { Version: number; AccessKeyId: string; SessionToken: string };
    assert.equal(exported.Version, 1);
    assert.match(exported.AccessKeyId, /^ASIA/);
    assert.deepEqual(world.fake.requests.map((r) => [r.operation, r.status, r.hasBearerToken]), [['GetRoleCredentials', 200, true]]);
  });
});
