import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { runAssume } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let user: UserKeys;

/** Recognizable fake secrets, beside the emulator's real ones: none may be printed anywhere. */
const fakeSecret = 'SECRETe2eExplainDoctor/doNotPrint0000000';
const fakeToken = 'SESSIONe2eExplainDoctor/doNotPrint000000';

function configText(): string {
  return `[profile base]
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
external_id = partner-ext-1

[profile leaky]
aws_access_key_id = AKIAE2EFAKEFIXTURE01
aws_secret_access_key = ${fakeSecret}
aws_session_token = ${fakeToken}
`;
}

function credentialsText(u: UserKeys): string {
  return `[base]
aws_access_key_id = ${u.accessKeyId}
aws_secret_access_key = ${u.secretAccessKey}
`;
}

function envFor(home: TempHome): Record<string, string> {
  return {
    HOME: home.dir,
    USER: 'alice',
    XDG_CACHE_HOME: join(home.dir, '.cache'),
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function assertNoSecret(text: string): void {
  for (const secret of [user.secretAccessKey, user.accessKeyId, fakeSecret, fakeToken, 'AKIAE2EFAKEFIXTURE01']) {
    assert.ok(!text.includes(secret), `a secret ending in ${secret.slice(-4)} was printed:\n${text}`);
  }
}

describe('assume explain and assume doctor, through the binary', () => {
  before(async () => {
    emu = await startEmulator();
    user = emu.addUser({ name: 'alice', accountId: '111111111111' });
    emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn], externalId: 'partner-ext-1' });
  });
  after(async () => {
    await emu.close();
  });

  it('explains a chain on stdout, exit 0, nothing on stderr, no secret, and no call to STS', async () => {
    const home = createTempHome(configText(), credentialsText(user));
    try {
      const before = emu.requests.length;
      const run = await runAssume(['explain', 'admin'], envFor(home));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.equal(
        run.stdout,
        `admin  ~/.aws/config:4
  1. static keys  ****${user.accessKeyId.slice(-4)} of profile base              ~/.aws/credentials:2
  2. AssumeRole   arn:aws:iam::222222222222:role/Admin  ~/.aws/config:5
       profile       admin
       session name  generated: alice@assume-<unix seconds>
       external id   partner-ext-1                      ~/.aws/config:7
       duration      the role's default (1 hour)
  region          eu-west-1 (of profile base)           ~/.aws/config:2
  STS endpoint    ${emu.url.padEnd(36)}  $AWS_ENDPOINT_URL_STS
  cache           no credentials for this chain yet: they would be asked for, then cached
`,
      );
      assertNoSecret(run.stdout + run.stderr);
      assert.equal(emu.requests.length, before);
    } finally {
      home.cleanup();
    }
  });

  it('explains that the cache holds fresh credentials after a real run', async () => {
    const home = createTempHome(configText(), credentialsText(user));
    try {
      const first = await runAssume(['admin'], envFor(home));
      assert.equal(first.code, 0, first.stderr);
      const run = await runAssume(['explain', 'admin'], envFor(home));
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /\n {2}cache {11}fresh credentials until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+m left\): no call would be made\n$/);
      assertNoSecret(run.stdout + run.stderr);
    } finally {
      home.cleanup();
    }
  });

  it('explains static keys that carry a session token without printing either', async () => {
    const home = createTempHome(configText(), credentialsText(user));
    try {
      const run = await runAssume(['explain', 'leaky'], envFor(home));
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^ {2}1\. static keys {2}\*{4}RE01 of profile leaky, with a session token {2}~\/\.aws\/config:10$/m);
      assertNoSecret(run.stdout + run.stderr);
    } finally {
      home.cleanup();
    }
  });

  it('refuses an unknown profile with exit 4 and the error on stderr only', async () => {
    const home = createTempHome(configText(), credentialsText(user));
    try {
      const run = await runAssume(['explain', 'admn'], envFor(home));
      assert.equal(run.code, 4);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^assume: profile "admn" not found in .+\n {2}hint: Did you mean "admin"\?\n$/);
    } finally {
      home.cleanup();
    }
  });

  it('finds no problem in a clean config: exit 0, the summary alone on stdout', async () => {
    const home = createTempHome('[profile base]\nregion = eu-west-1\n\n[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\n', credentialsText(user));
    try {
      const run = await runAssume(['doctor'], envFor(home));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'no problems found in 2 profiles\n');
      assert.equal(run.stderr, '');
    } finally {
      home.cleanup();
    }
  });

  it('reports errors and warnings with exit 3, findings on stdout, nothing on stderr and no secret', async () => {
    const home = createTempHome(`${configText()}\n[profile broken]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = bsae\n`, credentialsText(user));
    try {
      chmodSync(home.credentialsFile, 0o644);
      const run = await runAssume(['doctor'], envFor(home));
      assert.equal(run.code, 3);
      assert.equal(run.stderr, '');
      assert.equal(
        run.stdout,
        `~/.aws/config:11: warning: profile "leaky" keeps secret keys in the config file
  hint: Move aws_access_key_id and aws_secret_access_key to [leaky] in the credentials file (mode 600); the config file is often shared and copied.
~/.aws/config:16: error: source_profile "bsae" in profile "broken" names a profile that does not exist
  hint: Did you mean "base"?
~/.aws/credentials:3: warning: the credentials file holds secret keys and can be read by group or others (mode 644)
  hint: Run chmod 600 ~/.aws/credentials.
1 error, 2 warnings in 4 profiles
`,
      );
      assertNoSecret(run.stdout + run.stderr);
    } finally {
      home.cleanup();
    }
  });

  it('prints the help of each command on stdout with exit 0', async () => {
    const home = createTempHome();
    try {
      for (const command of ['explain', 'doctor']) {
        const run = await runAssume([command, '--help'], envFor(home));
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, new RegExp(`^Usage: assume ${command} `));
        assert.match(run.stdout, /\nExamples:\n/);
        assert.equal(run.stderr, '');
      }
    } finally {
      home.cleanup();
    }
  });
});
