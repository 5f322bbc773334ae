import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials } from '@aws-sdk/client-sts';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './sigv4.js';
import type { Emulator } from './emulator.js';

/** Keys to sign with, as the SDK takes them. */
export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The keys of credentials STS returned. */
export function keysOf(credentials: Credentials | undefined): Keys {
  assert.ok(credentials?.AccessKeyId && credentials.SecretAccessKey && credentials.SessionToken, 'credentials returned');
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
}

/**
 * A real STSClient pointed at the emulator, one attempt, its clock in step with the emulator's (as the SDK gets
 * after its first answer from AWS), unless `clockOffsetMs` skews it on purpose.
 */
export function stsClient(
  emulator: Emulator,
  keys: Keys,
  options: { region?: string; maxAttempts?: number; clockOffsetMs?: number; requestTimeout?: number } = {},
): STSClient {
  return new STSClient({
    endpoint: emulator.url,
    region: options.region ?? 'us-east-1',
    credentials: keys,
    maxAttempts: options.maxAttempts ?? 1,
    systemClockOffset: options.clockOffsetMs ?? emulator.now().getTime() - Date.now(),
    ...(options.requestTimeout === undefined ? {} : { requestHandler: { requestTimeout: options.requestTimeout, throwOnRequestTimeout: true } }),
  });
}

/** What an SDK error carries that tests look at. */
interface SdkError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}

function isSdkError(error: unknown): error is SdkError {
  return error instanceof Error && '$metadata' in error;
}

/** Asserts that an SDK call fails with AWS's error code, HTTP status and (when given) exact message. */
export async function rejectsWithStsError(
  call: Promise<unknown>,
  expected: { code: string; status: number; message?: string | RegExp },
): Promise<SdkError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  assert.ok(isSdkError(caught), `expected an SDK service error, got ${String(caught)}`);
  assert.equal(caught.name, expected.code);
  assert.equal(caught.$metadata?.httpStatusCode, expected.status);
  if (typeof expected.message === 'string') assert.equal(caught.message, expected.message);
  else if (expected.message) assert.match(caught.message, expected.message);
  return caught;
}

/** The outcome of one /usr/bin/aws run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the AWS CLI v2 (botocore) against the emulator with only `keys` to go on: a clean environment, a temp
 * HOME and empty config files, region us-east-1 unless given.
 */
export async function runAwsCli(emulator: Emulator, keys: Keys, args: string[], region = 'us-east-1'): Promise<CliResult> {
  const home = await mkdtemp(join(tmpdir(), 'sts-emulator-aws-'));
  try {
    const config = join(home, 'config');
    await writeFile(config, '');
    const env: Record<string, string> = {
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: config,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    if (keys.sessionToken !== undefined) env.AWS_SESSION_TOKEN = keys.sessionToken;
    return await new Promise((resolve) => {
      execFile('/usr/bin/aws', [...args, '--endpoint-url', emulator.url, '--output', 'json'], { env }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The Credentials object of `aws sts assume-role` / `get-session-token` output, as keys. */
export function cliKeys(stdout: string): Keys {
  const parsed = JSON.parse(stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
  return {
    accessKeyId: parsed.Credentials.AccessKeyId,
    secretAccessKey: parsed.Credentials.SecretAccessKey,
    sessionToken: parsed.Credentials.SessionToken,
  };
}

/** Options of a hand-signed request. */
export interface RawRequestOptions {
  method?: 'GET' | 'POST';
  region?: string;
  /** The signing time; default the emulator's clock. */
  signingDate?: Date;
  /** Extra headers to send and sign. */
  headers?: Record<string, string>;
  /** Headers to sign although SigV4 signers skip them by default (user-agent...). */
  signableHeaders?: string[];
  /** Changes the request after it was signed. */
  tamper?: (request: { headers: Record<string, string>; body: string }) => void;
}

/** Sends a Query-protocol request signed with @smithy/signature-v4 (or unsigned without keys) and returns the raw answer. */
export async function rawRequest(
  emulator: Emulator,
  keys: Keys | undefined,
  params: Record<string, string>,
  options: RawRequestOptions = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const url = new URL(emulator.url);
  const method = options.method ?? 'POST';
  const form = new URLSearchParams(params).toString();
  const request = new HttpRequest({
    method,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: method === 'GET' ? params : {},
    headers: {
      host: url.host,
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
      ...options.headers,
    },
    body: method === 'POST' ? form : undefined,
  });
  let signed: { headers: Record<string, string>; body?: unknown } = request;
  if (keys) {
    const signer = new SignatureV4({
      service: 'sts',
      region: options.region ?? 'us-east-1',
      credentials: keys,
      sha256: NodeSha256,
      applyChecksum: false,
    });
    signed = await signer.sign(request, {
      signingDate: options.signingDate ?? emulator.now(),
      ...(options.signableHeaders ? { signableHeaders: new Set(options.signableHeaders) } : {}),
    });
  }
  const sent = { headers: { ...signed.headers }, body: typeof signed.body === 'string' ? signed.body : '' };
  options.tamper?.(sent);
  delete sent.headers.host;
  const response = await fetch(`${emulator.url}/${method === 'GET' ? `?${form}` : ''}`, {
    method,
    headers: sent.headers,
    ...(method === 'POST' ? { body: sent.body } : {}),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };

function unescapeXml(text: string | undefined): string | undefined {
  return text?.replace(/&(?:amp|lt|gt|quot|apos);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** The Code and Message of an ErrorResponse document. */
export function errorOf(xml: string): { code: string | undefined; message: string | undefined } {
  return {
    code: unescapeXml(/<Code>([^<]*)<\/Code>/.exec(xml)?.[1]),
    message: unescapeXml(/<Message>([^<]*)<\/Message>/.exec(xml)?.[1]),
  };
}
