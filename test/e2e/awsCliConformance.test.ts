/**
 * Config conformance with the real AWS CLI v2 (Debian's /usr/bin/aws): for each config
 * shape, both tools resolve the same profile against the same STS emulator, and the
 * emulator's request log must show the same chain: the same source key signing the first
 * call, the same roles in the same order with the same parameters, and the same region.
 *
 * aws-cli 2.9 ignores endpoint_url and AWS_ENDPOINT_URL_STS for its own role assumption, so
 * it is pointed at the emulator with an STS endpoint-rules file under AWS_DATA_PATH
 * (test/helpers/awsCliEndpointRules.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, RequestRecord } from '../emulator/emulator.js';
import { awsCli, writeEndpointRules } from '../helpers/awsCliEndpointRules.js';
import { runAssume, runCommand } from '../helpers/runAssume.js';

// Fixed, obviously fake keys, so the shapes can be listed before the emulator starts.
const dev = { accessKeyId: 'AKIACONFORMDEV000001', secretAccessKey: 'conformance-dev-secret-0000000000000000001' };
const other = { accessKeyId: 'AKIACONFORMOTHER0001', secretAccessKey: 'conformance-other-secret-00000000000000001' };
let work: string;

interface Shape {
  readonly name: string;
  readonly config: string;
  readonly credentials?: string;
  /** undefined: no profile argument (AWS_PROFILE or default). */
  readonly profile?: string;
  readonly env?: Record<string, string>;
  /** Both tools must refuse this config. */
  readonly refused?: boolean;
  /** Bytes to write instead of `config`, for BOM and CRLF shapes. */
  readonly rawConfig?: (config: string) => string;
  /** The region the AWS CLI leaves unset, which assume takes from the source profile (documented). */
  readonly inheritsRegion?: string;
  /** MFA code: typed on stdin for the AWS CLI, --token-code for assume. */
  readonly tokenCode?: string;
  /** More arguments for assume. */
  readonly assumeArgs?: readonly string[];
}

interface Observed {
  readonly exitCode: number | null;
  /** [role, externalId, duration, serial, explicit session name] per AssumeRole call. */
  readonly hops: readonly (string | undefined)[][];
  /** The key that signed the first STS call: the source of the chain. */
  readonly sourceKey: string | undefined;
  /** The region STS calls were signed for. */
  readonly signingRegion: string | undefined;
  readonly stderr: string;
}

function keys(u: { accessKeyId: string; secretAccessKey: string }): string {
  return `aws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`;
}

const roleA = 'arn:aws:iam::222222222222:role/A';
const roleB = 'arn:aws:iam::333333333333:role/B';
const roleC = 'arn:aws:iam::444444444444:role/C';
const roleExt = 'arn:aws:iam::555555555555:role/Ext';
const roleMfa = 'arn:aws:iam::666666666666:role/Mfa';
const mfaSerial = 'arn:aws:iam::111111111111:mfa/dev';

function shapes(): Shape[] {
  const base = `[profile base]\n${keys(dev)}`;
  return [
    { name: 'static keys in the config file', config: base, profile: 'base' },
    { name: 'static keys in the credentials file only', config: '', credentials: `[solo]\n${keys(dev)}`, profile: 'solo' },
    {
      name: 'a profile in both files: the credentials file wins key by key',
      config: `[profile both]\n${keys(other)}region = eu-west-3\n`,
      credentials: `[both]\n${keys(dev)}`,
      profile: 'both',
    },
    { name: 'one role from a static source profile', config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\n`, profile: 'a' },
    {
      name: 'a two-hop chain',
      config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\n[profile b]\nrole_arn = ${roleB}\nsource_profile = a\n`,
      profile: 'b',
    },
    {
      name: 'a three-hop chain with a region on the target',
      config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\n[profile b]\nrole_arn = ${roleB}\nsource_profile = a\n[profile c]\nrole_arn = ${roleC}\nsource_profile = b\nregion = ap-northeast-1\n`,
      profile: 'c',
    },
    {
      name: 'a source profile with static keys and a role_arn: the keys win',
      config: `[profile hybrid]\n${keys(dev)}role_arn = ${roleC}\nsource_profile = hybrid\n[profile a]\nrole_arn = ${roleA}\nsource_profile = hybrid\n`,
      profile: 'a',
    },
    { name: 'a profile that names itself with static keys', config: `[profile self]\n${keys(dev)}role_arn = ${roleA}\nsource_profile = self\n`, profile: 'self' },
    {
      name: 'credential_source = Environment',
      config: `[profile ci]\nrole_arn = ${roleA}\ncredential_source = Environment\n`,
      profile: 'ci',
      env: { AWS_ACCESS_KEY_ID: dev.accessKeyId, AWS_SECRET_ACCESS_KEY: dev.secretAccessKey },
    },
    {
      name: 'external_id, role_session_name and duration_seconds',
      config: `${base}[profile ext]\nrole_arn = ${roleExt}\nsource_profile = base\nexternal_id = ext-42\nrole_session_name = conformance\nduration_seconds = 1800\n`,
      profile: 'ext',
    },
    { name: 'a dotted profile name', config: `${base}[profile acme.prod]\nrole_arn = ${roleA}\nsource_profile = base\n`, profile: 'acme.prod' },
    { name: 'a quoted profile name with a space', config: `${base}[profile "team admin"]\nrole_arn = ${roleA}\nsource_profile = base\n`, profile: 'team admin' },
    { name: 'the [default] profile when no profile is named', config: `${base}[default]\nrole_arn = ${roleA}\nsource_profile = base\n` },
    { name: 'AWS_PROFILE when no profile is named', config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\n`, env: { AWS_PROFILE: 'a' } },
    { name: '[profile default] written out', config: `${base}[profile default]\nrole_arn = ${roleA}\nsource_profile = base\n`, profile: 'default' },
    {
      name: 'region from the profile',
      config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\nregion = sa-east-1\n`,
      profile: 'a',
    },
    {
      name: 'AWS_REGION over the profile region',
      config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\nregion = sa-east-1\n`,
      profile: 'a',
      env: { AWS_REGION: 'ca-central-1', AWS_DEFAULT_REGION: 'eu-north-1' },
    },
    {
      name: 'AWS_DEFAULT_REGION over the profile region',
      config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\nregion = sa-east-1\n`,
      profile: 'a',
      env: { AWS_DEFAULT_REGION: 'eu-north-1' },
    },
    {
      name: 'comments, blank lines and odd spacing',
      config: `# top comment\n; another\n\n[profile base]\naws_access_key_id=${dev.accessKeyId}\n  \naws_secret_access_key   =   ${dev.secretAccessKey}\n# between\n[profile a]\n; inside\nrole_arn = ${roleA}\nsource_profile = base\n`,
      profile: 'a',
    },
    {
      name: 'CRLF line ends',
      config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\nregion = us-west-1\n`,
      rawConfig: (text) => text.replace(/\n/g, '\r\n'),
      profile: 'a',
    },
    {
      name: 'a UTF-8 byte order mark, which the AWS CLI cannot parse',
      config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\n`,
      rawConfig: (text) => `\uFEFF${text}`,
      profile: 'a',
      refused: true,
    },
    {
      name: 'keys written in mixed case',
      config: `[profile base]\nAWS_ACCESS_KEY_ID = ${dev.accessKeyId}\nAws_Secret_Access_Key = ${dev.secretAccessKey}\n[profile a]\nRole_Arn = ${roleA}\nSource_Profile = base\n`,
      profile: 'a',
    },
    {
      name: 'a nested sub-property block in a profile',
      config: `${base}[profile a]\nrole_arn = ${roleA}\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\nsource_profile = base\n`,
      profile: 'a',
    },
    {
      name: 'mfa_serial with a code',
      config: `${base}[profile mfa]\nrole_arn = ${roleMfa}\nsource_profile = base\nmfa_serial = ${mfaSerial}\n`,
      profile: 'mfa',
      tokenCode: '654321',
      // With its cache, assume turns the code into an MFA session (GetSessionToken) that
      // serves every role behind the device; without it, it sends the code as the AWS CLI does.
      assumeArgs: ['--no-cache'],
    },
    {
      name: 'region inherited from the source profile (assume only)',
      config: `[profile base]\n${keys(dev)}region = eu-central-1\n[profile a]\nrole_arn = ${roleA}\nsource_profile = base\n`,
      profile: 'a',
      inheritsRegion: 'eu-central-1',
    },
    { name: 'a source_profile cycle', config: `[profile x]\nrole_arn = ${roleA}\nsource_profile = y\n[profile y]\nrole_arn = ${roleB}\nsource_profile = x\n`, profile: 'x', refused: true },
    { name: 'a source_profile that does not exist', config: `[profile x]\nrole_arn = ${roleA}\nsource_profile = nowhere\n`, profile: 'x', refused: true },
    {
      name: 'source_profile together with credential_source',
      config: `${base}[profile x]\nrole_arn = ${roleA}\nsource_profile = base\ncredential_source = Environment\n`,
      profile: 'x',
      refused: true,
      env: { AWS_ACCESS_KEY_ID: dev.accessKeyId, AWS_SECRET_ACCESS_KEY: dev.secretAccessKey },
    },
    { name: 'an unknown credential_source', config: `[profile x]\nrole_arn = ${roleA}\ncredential_source = Laptop\n`, profile: 'x', refused: true },
    { name: 'a duplicate section', config: `${base}[profile a]\nrole_arn = ${roleA}\nsource_profile = base\n[profile a]\nregion = us-east-1\n`, profile: 'a', refused: true },
    { name: 'a duplicate key', config: `${base}[profile a]\nrole_arn = ${roleA}\nrole_arn = ${roleB}\nsource_profile = base\n`, profile: 'a', refused: true },
    { name: 'a profile that does not exist', config: base, profile: 'missing', refused: true },
  ];
}

function writeShape(shape: Shape, dir: string): { config: string; credentials: string } {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, shape.rawConfig ? shape.rawConfig(shape.config) : shape.config);
  writeFileSync(credentials, shape.credentials ?? '');
  return { config, credentials };
}

function observe(exitCode: number | null, stderr: string, requests: readonly RequestRecord[]): Observed {
  const assumeCalls = requests.filter((r) => r.action === 'AssumeRole');
  return {
    exitCode,
    hops: assumeCalls.map((r) => [
      r.params.RoleArn,
      r.params.ExternalId,
      r.params.DurationSeconds,
      r.params.SerialNumber,
      r.params.TokenCode,
      // Only a configured session name is compared; each tool generates its own default.
      /^(botocore-session-\d+|[\w+=,.@-]+@assume-\d+)$/.test(r.params.RoleSessionName ?? '') ? '(generated)' : r.params.RoleSessionName,
    ]),
    sourceKey: requests[0]?.accessKeyId,
    signingRegion: requests[0]?.signingRegion,
    stderr,
  };
}

interface ShapeRun {
  readonly emu: Emulator;
  readonly files: { readonly config: string; readonly credentials: string };
  readonly home: string;
  readonly dataPath: string;
}

async function observeAwsCli(shape: Shape, { emu, files, home, dataPath }: ShapeRun): Promise<Observed> {
  emu.reset();
  const args = ['sts', 'get-caller-identity', '--output', 'json', ...(shape.profile === undefined ? [] : ['--profile', shape.profile])];
  const result = await runCommand(
    awsCli,
    args,
    {
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_CONFIG_FILE: files.config,
      AWS_SHARED_CREDENTIALS_FILE: files.credentials,
      AWS_DATA_PATH: dataPath,
      AWS_PAGER: '',
      ...shape.env,
    },
    { input: shape.tokenCode === undefined ? '' : `${shape.tokenCode}\n` },
  );
  return observe(result.code, result.stderr, emu.requests);
}

async function observeAssume(shape: Shape, { emu, files, home }: ShapeRun): Promise<Observed & { region: string | undefined }> {
  emu.reset();
  const args = [
    '--format',
    'json',
    ...(shape.assumeArgs ?? []),
    ...(shape.tokenCode === undefined ? [] : ['--token-code', shape.tokenCode]),
    ...(shape.profile === undefined ? [] : [shape.profile]),
  ];
  const result = await runAssume(args, {
    HOME: home,
    AWS_CONFIG_FILE: files.config,
    AWS_SHARED_CREDENTIALS_FILE: files.credentials,
    AWS_ENDPOINT_URL_STS: emu.url,
    ...shape.env,
  });
  const observed = observe(result.code, result.stderr, emu.requests);
  const output = result.code === 0 ? (JSON.parse(result.stdout) as { AccessKeyId: string; Region?: string }) : undefined;
  // A profile of static keys makes no STS call: its source key is the key it prints.
  return { ...observed, sourceKey: observed.sourceKey ?? output?.AccessKeyId, region: output?.Region };
}

/** An emulator with the identities every shape uses: each shape gets its own, so shapes run in parallel. */
async function startShapeEmulator(): Promise<Emulator> {
  const emu = await startEmulator();
  emu.addUser({ name: 'dev', accountId: '111111111111', ...dev, mfa: { serial: mfaSerial, code: '654321' } });
  emu.addUser({ name: 'other', accountId: '111111111111', ...other });
  const anyone = ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'];
  emu.addRole({ arn: roleA, trust: anyone });
  emu.addRole({ arn: roleB, trust: anyone });
  emu.addRole({ arn: roleC, trust: anyone });
  emu.addRole({ arn: roleExt, trust: anyone, externalId: 'ext-42', maxSessionDuration: 7200 });
  emu.addRole({ arn: roleMfa, trust: anyone, requireMfa: true });
  return emu;
}

async function observeShape(shape: Shape, index: number): Promise<{ cli: Observed; ours: Observed & { region: string | undefined } }> {
  const home = join(work, `shape-${index}`);
  const emu = await startShapeEmulator();
  try {
    const dataPath = join(home, 'data');
    writeEndpointRules(dataPath, emu.url);
    const run: ShapeRun = { emu, files: writeShape(shape, home), home, dataPath };
    return { cli: await observeAwsCli(shape, run), ours: await observeAssume(shape, run) };
  } finally {
    await emu.close();
  }
}

const all = shapes();
const observed = new Map<Shape, { cli: Observed; ours: Observed & { region: string | undefined } }>();

before(async () => {
  assert.ok(existsSync(awsCli), `${awsCli} (Debian's awscli package) is required; .ci/run installs it`);
  work = mkdtempSync(join(tmpdir(), 'assume-conformance-'));
  // The AWS CLI starts slowly (about a second of CPU): run three shapes at a time.
  const queue = [...all.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [index, shape] = next;
      observed.set(shape, await observeShape(shape, index));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
});

after(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('config conformance with the AWS CLI v2 (/usr/bin/aws)', () => {
  it('covers at least 15 config shapes', () => {
    assert.ok(all.length >= 15);
  });

  for (const [index, shape] of all.entries()) {
    it(`agrees with the AWS CLI on ${shape.name}`, () => {
      const result = observed.get(shape);
      assert.ok(result !== undefined, `shape ${index} was observed`);
      const { cli, ours } = result;
      if (shape.refused === true) {
        assert.notEqual(cli.exitCode, 0, 'the AWS CLI refuses it');
        assert.notEqual(ours.exitCode, 0, 'assume refuses it');
        assert.match(ours.stderr, /^assume: .*\n {2}hint: /s);
        assert.deepEqual(ours.hops, [], 'no STS call on a refused config');
        return;
      }
      assert.equal(cli.exitCode, 0, `the AWS CLI failed: ${cli.stderr}`);
      assert.equal(ours.exitCode, 0, `assume failed: ${ours.stderr}`);
      assert.deepEqual(ours.hops, cli.hops, 'the same roles, in order, with the same parameters');
      assert.equal(ours.sourceKey, cli.sourceKey, 'the same source credentials');
      if (shape.inheritsRegion !== undefined) {
        // The AWS CLI leaves the region unset here (and signs for us-east-1); assume takes the source profile's.
        assert.equal(cli.signingRegion, 'us-east-1');
        assert.equal(ours.region, shape.inheritsRegion);
        assert.equal(ours.signingRegion, shape.inheritsRegion);
      } else {
        if (ours.hops.length > 0) assert.equal(ours.signingRegion, cli.signingRegion, 'STS signed for the same region');
        assert.equal(ours.region ?? 'us-east-1', cli.signingRegion, 'the exported region is the one the AWS CLI resolved');
      }
    });
  }
});
