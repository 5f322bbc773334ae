/**
 * Credential source conformance with the real AWS CLI v2 (Debian's /usr/bin/aws): for a web
 * identity profile, a chain from it, and an Ec2InstanceMetadata chain, both tools resolve the
 * same profile against the same STS emulator and instance metadata fake, and must make the same
 * calls: the same AssumeRoleWithWebIdentity (token, role, session name, unsigned), the same IMDSv2
 * exchange, and the same AssumeRole signed with the same source key for the same region.
 *
 * aws-cli 2.9 ignores endpoint_url and AWS_ENDPOINT_URL_STS for its own role assumption, so it is
 * pointed at the emulator with an STS endpoint-rules file under AWS_DATA_PATH
 * (test/helpers/awsCliEndpointRules.ts); both tools read AWS_EC2_METADATA_SERVICE_ENDPOINT.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, RequestRecord } from '../emulator/emulator.js';
import { startMetadataServer } from '../emulator/metadata.js';
import type { MetadataRequestRecord, MetadataServer } from '../emulator/metadata.js';
import { awsCli, writeEndpointRules } from '../helpers/awsCliEndpointRules.js';
import { runAssume, runCommand } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF';
const SUBJECT = 'system:serviceaccount:apps:deployer';
const AUDIENCE = 'sts.amazonaws.com';
const POD_ROLE = 'arn:aws:iam::222222222222:role/pod';
const NEXT_ROLE = 'arn:aws:iam::333333333333:role/Next';
const INSTANCE_ROLE = 'arn:aws:iam::444444444444:role/instance';
const FROM_INSTANCE_ROLE = 'arn:aws:iam::555555555555:role/FromInstance';

let emu: Emulator;
let meta: MetadataServer;
let work: string;
let tokenFile: string;
let token: string;
let runs = 0;

interface Shape {
  readonly name: string;
  readonly profile: string;
  /** Both tools read the metadata fake. */
  readonly imds?: boolean;
  /** The region the AWS CLI leaves unset (signing for us-east-1), which assume takes from the source profile (documented). */
  readonly inheritsRegion?: string;
}

/** What one tool did: its exit code, its STS calls, its metadata requests. */
interface Observed {
  readonly code: number | null;
  readonly stderr: string;
  /** [action, role, session name (generated ones made alike), token, duration, the role session of the signing key, session token?, region] */
  readonly sts: readonly (string | boolean | undefined)[][];
  /** [method, path, asked a token TTL?, carried a token?] */
  readonly metadata: readonly (string | boolean)[][];
}

const webIdentityShape: Shape = { name: 'a web identity profile (role_arn + web_identity_token_file + role_session_name)', profile: 'pod' };
const chainShape: Shape = { name: 'a role chained from a web identity profile', profile: 'next', inheritsRegion: 'eu-west-1' };
const instanceShape: Shape = { name: 'credential_source = Ec2InstanceMetadata', profile: 'ec2', imds: true };
const shapes: readonly Shape[] = [webIdentityShape, chainShape, instanceShape];

function configText(): string {
  return `[profile pod]
role_arn = ${POD_ROLE}
web_identity_token_file = ${tokenFile}
role_session_name = pod-session
region = eu-west-1

[profile next]
role_arn = ${NEXT_ROLE}
source_profile = pod

[profile ec2]
role_arn = ${FROM_INSTANCE_ROLE}
credential_source = Ec2InstanceMetadata
region = ap-southeast-2
`;
}

/** Each tool names a session it generates its own way: botocore-session-SECONDS, USER@assume-SECONDS. */
function sessionName(name: string | undefined): string | undefined {
  return name !== undefined && /^(botocore-session-\d+|[\w+=,.@-]+@assume-\d+)$/.test(name) ? '(generated)' : name;
}

function observe(result: RunResult, sts: readonly RequestRecord[], metadata: readonly MetadataRequestRecord[]): Observed {
  return {
    code: result.code,
    stderr: result.stderr,
    sts: sts
      .filter((r) => r.action !== 'GetCallerIdentity')
      .map((r) => [
        r.action,
        r.params.RoleArn,
        sessionName(r.params.RoleSessionName),
        r.params.WebIdentityToken,
        r.params.DurationSeconds,
        // Each run gets its own session keys: compared by the role session they belong to.
        r.accessKeyId === undefined ? undefined : (emu.sessionInfo(r.accessKeyId)?.arn ?? r.accessKeyId),
        r.hasSessionToken,
        r.signingRegion,
      ]),
    metadata: metadata.map((r) => [r.method, r.path, r.ttl !== undefined, r.metadataToken !== undefined]),
  };
}

/** Runs one tool on a profile with a HOME of its own, and returns what the fakes saw of it. */
async function observeRun(run: (home: string, configFile: string) => Promise<RunResult>): Promise<Observed> {
  const home = join(work, `run-${++runs}`);
  mkdirSync(join(home, '.aws'), { recursive: true });
  const configFile = join(home, '.aws', 'config');
  writeFileSync(configFile, configText());
  emu.reset();
  const start = meta.requests.length;
  const result = await run(home, configFile);
  return observe(result, emu.requests, meta.requests.slice(start));
}

/** With the trailing slash botocore needs (it appends `latest/api/token`); assume takes it with or without. */
function imdsEndpoint(): string {
  return `${meta.imdsEndpoint}/`;
}

/**
 * What assume must send, from what the AWS CLI sent, with the two documented differences:
 * the token without the newline the file ends with (the AWS CLI sends the file as it is), and
 * the source profile's region where the AWS CLI has none.
 */
function expectedFromCli(shape: Shape, cli: Observed): Observed['sts'] {
  return cli.sts.map((call) => {
    const expected = [...call];
    if (typeof expected[3] === 'string') expected[3] = expected[3].trimEnd();
    if (shape.inheritsRegion !== undefined && call[0] === 'AssumeRole') {
      assert.equal(call[7], 'us-east-1', 'the AWS CLI signs for us-east-1 without a region');
      expected[7] = shape.inheritsRegion;
    }
    return expected;
  });
}

function observeAwsCli(shape: Shape): Promise<Observed> {
  return observeRun((home, configFile) => {
    const dataPath = join(home, 'data');
    writeEndpointRules(dataPath, emu.url);
    return runCommand(awsCli, ['sts', 'get-caller-identity', '--output', 'json', '--profile', shape.profile], {
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
      AWS_DATA_PATH: dataPath,
      AWS_PAGER: '',
      ...(shape.imds === true ? { AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsEndpoint() } : {}),
    });
  });
}

function observeAssume(shape: Shape): Promise<Observed> {
  return observeRun((home) =>
    runAssume(['--format', 'json', shape.profile], {
      HOME: home,
      XDG_CACHE_HOME: join(home, 'cache'),
      AWS_ENDPOINT_URL_STS: emu.url,
      ...(shape.imds === true ? { AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsEndpoint() } : {}),
    }),
  );
}

const observed = new Map<Shape, { cli: Observed; ours: Observed }>();

before(async () => {
  assert.ok(existsSync(awsCli), `${awsCli} (Debian's awscli package) is required; .ci/run installs it`);
  work = mkdtempSync(join(tmpdir(), 'assume-sources-conformance-'));
  emu = await startEmulator();
  emu.addRole({ arn: POD_ROLE, trust: [], trustWebIdentity: [{ issuer: ISSUER, audience: AUDIENCE, subject: 'system:serviceaccount:apps:*' }] });
  emu.addRole({ arn: NEXT_ROLE, trust: [POD_ROLE] });
  emu.addRole({ arn: INSTANCE_ROLE, trust: [] });
  emu.addRole({ arn: FROM_INSTANCE_ROLE, trust: [INSTANCE_ROLE] });
  meta = await startMetadataServer({ emulator: emu, roleArn: INSTANCE_ROLE });
  tokenFile = join(work, 'token');
  token = emu.issueWebIdentityToken({ issuer: ISSUER, subject: SUBJECT, audience: AUDIENCE });
  // As an identity provider that ends the file with a newline writes it.
  writeFileSync(tokenFile, `${token}\n`);
  // One at a time: the fakes' request logs are shared.
  for (const shape of shapes) observed.set(shape, { cli: await observeAwsCli(shape), ours: await observeAssume(shape) });
});

after(async () => {
  await meta.close();
  await emu.close();
  rmSync(work, { recursive: true, force: true });
});

describe('credential source conformance with the AWS CLI v2 (/usr/bin/aws)', () => {
  for (const shape of shapes) {
    it(`makes the same calls as the AWS CLI for ${shape.name}`, () => {
      const result = observed.get(shape);
      assert.ok(result);
      const { cli, ours } = result;
      assert.equal(cli.code, 0, `the AWS CLI failed: ${cli.stderr}`);
      assert.equal(ours.code, 0, `assume failed: ${ours.stderr}`);
      assert.equal(ours.stderr, '');
      assert.ok(cli.sts.length > 0, 'the AWS CLI called STS');
      assert.deepEqual(ours.sts, expectedFromCli(shape, cli), 'the same STS calls, in order, with the same parameters, keys and region');
      assert.deepEqual(ours.metadata, cli.metadata, 'the same metadata requests');
    });
  }

  it('sends the web identity token unsigned and signs the next hop with the web identity session, as the AWS CLI does', () => {
    const next = observed.get(chainShape)?.ours;
    assert.ok(next);
    const [first, second] = next.sts;
    assert.deepEqual(first, ['AssumeRoleWithWebIdentity', POD_ROLE, 'pod-session', token, undefined, undefined, false, undefined], 'unsigned');
    assert.deepEqual(second, ['AssumeRole', NEXT_ROLE, '(generated)', undefined, undefined, 'arn:aws:sts::222222222222:assumed-role/pod/pod-session', true, 'eu-west-1']);
    const cli = observed.get(chainShape)?.cli;
    assert.equal(cli?.sts[0]?.[3], `${token}\n`, 'the AWS CLI sends the file with its newline');
  });

  it('signs the role hop of an Ec2InstanceMetadata chain with the key the metadata service handed out', () => {
    const ec2 = observed.get(instanceShape)?.ours;
    assert.ok(ec2);
    assert.deepEqual(ec2.metadata, [
      ['PUT', '/latest/api/token', true, false],
      ['GET', '/latest/meta-data/iam/security-credentials/', false, true],
      ['GET', '/latest/meta-data/iam/security-credentials/instance', false, true],
    ]);
    assert.deepEqual(ec2.sts, [
      // The instance profile's session, as the metadata fake hands it out (its default session name).
      ['AssumeRole', FROM_INSTANCE_ROLE, '(generated)', undefined, undefined, 'arn:aws:sts::444444444444:assumed-role/instance/i-0123456789abcdef0', true, 'ap-southeast-2'],
    ]);
  });
});
