/**
 * Hostile config: thousands of generated config and credentials file pairs, many of them
 * mutated (binary bytes, NUL, invalid UTF-8, 1 MiB lines, CRLF, BOM, repeated sections and
 * keys, __proto__ and friends as names and keys, unbalanced brackets, indentation, truncation),
 * each run through `run` against one STS emulator. Every run must end with a documented exit
 * code, a complete JSON export or an empty stdout, one `assume:` line and one `hint:` line on
 * stderr (never a stack trace), no secret on stderr, and within a time bound. Cases left
 * unmutated (or mutated only in ways that change nothing, such as CRLF or comments) are also
 * checked against a reference resolver written here: the exit code, and the roles the
 * emulator was asked for, in order.
 *
 * `run` executes in a worker thread kept for the whole run: in-process speed (no process per
 * case), and a case that blocks the event loop (a regex gone quadratic) is still caught by the
 * time bound, the worker terminated and replaced.
 *
 * ASSUME_FUZZ_RUNS (default 3000) sets the number of cases, ASSUME_FUZZ_SEED the seed (printed
 * on failure), ASSUME_FUZZ_SURVEY=1 runs every case without stopping at the first failure and
 * prints every kind of failure found.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { closedUrl } from '../helpers/closedUrl.js';
import { runAssume } from '../helpers/runAssume.js';
import { SecretRegistry, describeHits, makeSessionKeys } from '../helpers/secretScan.js';
import type { KnownSecret } from '../helpers/secretScan.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

const runs = Number(process.env.ASSUME_FUZZ_RUNS ?? 3000);
const seed = Number(process.env.ASSUME_FUZZ_SEED ?? 20261128);
const survey = process.env.ASSUME_FUZZ_SURVEY === '1';
/** How long one case may take, worker round trip included. */
const caseTimeoutMs = Number(process.env.ASSUME_FUZZ_CASE_MS ?? 2000);
/** Cases per temp HOME. */
const batchSize = 250;
const documentedExitCodes = new Set([0, 2, 3, 4, 5, 6, 7, 8]);
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------
// The model: profile graphs, and how to write them.

type KeyChoice = 'u0' | 'u1' | 'unknown' | 'wrongSecret' | 'partial';
type CredentialSourceValue = 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer' | 'Bogus';
type SourceSpec =
  | { readonly kind: 'profile'; readonly ref: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'self' }
  | { readonly kind: 'credential_source'; readonly value: CredentialSourceValue }
  | { readonly kind: 'both' }
  | { readonly kind: 'none' };

interface ProfileSpec {
  readonly name: string;
  readonly file: 'config' | 'credentials';
  /** Static keys written in the profile, if any. */
  readonly key: KeyChoice | undefined;
  /** role_arn written in the profile, if any (may be invalid, or a role the emulator does not have). */
  readonly roleArn: string | undefined;
  readonly source: SourceSpec;
}

interface Graph {
  readonly profiles: readonly ProfileSpec[];
  readonly target: string;
}

/** Ways of writing the same files that must not change what they mean. */
interface Style {
  readonly separator: ' = ' | '=' | ': ' | ' =\t';
  readonly upperKeys: boolean;
  readonly comments: boolean;
  readonly blankLines: boolean;
  readonly crlf: boolean;
  readonly indent: '' | ' ' | '\t';
  readonly trailing: '' | ' ' | '\t ';
  readonly defaultAsProfile: boolean;
}

type HugeShape = 'x' | 'value' | 'section' | 'profileSection' | 'indented' | 'comment' | 'innerSpaces' | 'valueInnerSpaces' | 'multibyte';

type Mutation =
  | { readonly kind: 'insertBytes'; readonly file: FileName; readonly at: number; readonly bytes: readonly number[] }
  | { readonly kind: 'bom'; readonly file: FileName }
  | { readonly kind: 'hugeLine'; readonly file: FileName; readonly at: number; readonly shape: HugeShape; readonly size: number }
  | { readonly kind: 'duplicateLine'; readonly file: FileName; readonly at: number }
  | { readonly kind: 'deleteLine'; readonly file: FileName; readonly at: number }
  | { readonly kind: 'indentLine'; readonly file: FileName; readonly at: number; readonly indent: string }
  | { readonly kind: 'truncate'; readonly file: FileName; readonly at: number }
  | { readonly kind: 'junkLine'; readonly file: FileName; readonly at: number; readonly line: string }
  | { readonly kind: 'duplicateSection'; readonly file: FileName; readonly at: number }
  | { readonly kind: 'replaceByte'; readonly file: FileName; readonly at: number; readonly byte: number }
  | { readonly kind: 'indentSecret'; readonly file: FileName }
  | { readonly kind: 'swapFiles' };

type FileName = 'config' | 'credentials';

interface FuzzCase {
  readonly graph: Graph;
  readonly style: Style;
  readonly mutations: readonly Mutation[];
}

const validRoles = [0, 1, 2, 3, 4, 5].map((index) => `arn:aws:iam::222222222222:role/R${index}`);
/** A role ARN STS accepts, for a role the emulator does not have: AccessDenied. */
const missingRole = 'arn:aws:iam::222222222222:role/Missing';
const invalidRoles = ['', 'not-an-arn', 'arn:aws:iam::1:role/X', 'arn:aws:iam::222222222222:user/Bob', 'arn:aws:iam::222222222222:role/'];
const namePool = [
  'default', 'dev', 'prod', 'a.b', 'x-y_z', 'p0', 'p1', 'p2', 'p3', 'ünï', 'Prod',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__',
];

const roleArnArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...validRoles) },
  { weight: 1, arbitrary: fc.constant(missingRole) },
  { weight: 1, arbitrary: fc.constantFrom(...invalidRoles) },
);
const keyArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<KeyChoice>('u0', 'u1') },
  { weight: 1, arbitrary: fc.constantFrom<KeyChoice>('unknown', 'wrongSecret', 'partial') },
);
const sourceArb: fc.Arbitrary<SourceSpec> = fc.oneof(
  { weight: 10, arbitrary: fc.nat(40).map((ref) => ({ kind: 'profile' as const, ref })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'self' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<CredentialSourceValue>('Environment', 'Ec2InstanceMetadata', 'EcsContainer', 'Bogus').map((value) => ({ kind: 'credential_source' as const, value })),
  },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'both' as const }, { kind: 'none' as const }) },
);

/** Random graphs: any profile may point anywhere, so cycles, self references and dead ends come often. */
const randomGraphArb: fc.Arbitrary<Graph> = fc
  .uniqueArray(fc.constantFrom(...namePool), { minLength: 1, maxLength: 8 })
  .chain((names) =>
    fc.tuple(
      fc.tuple(
        ...names.map((name) =>
          fc.record({
            name: fc.constant(name),
            file: fc.constantFrom<FileName>('config', 'config', 'credentials'),
            key: fc.option(keyArb, { freq: 2 }).map((key) => key ?? undefined),
            roleArn: fc.option(roleArnArb, { freq: 4, nil: undefined }),
            source: sourceArb,
          }),
        ),
      ),
      fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom('nope', '__proto__', 'constructor', 'Default') }),
    ),
  )
  .map(([profiles, target]) => ({ profiles, target }));

/** Linear chains of random depth from static keys, sometimes closed into a cycle. */
const chainGraphArb: fc.Arbitrary<Graph> = fc
  .record({
    depth: fc.integer({ min: 1, max: 24 }),
    key: keyArb,
    cycleBack: fc.option(fc.nat(30), { freq: 4, nil: undefined }),
    broken: fc.option(fc.nat(30), { freq: 5, nil: undefined }),
    brokenArn: fc.constantFrom(missingRole, ...invalidRoles),
  })
  .map(({ depth, key, cycleBack, broken, brokenArn }) => {
    // chain-0 holds the keys; chain-i assumes a role from chain-(i-1); the target is the last.
    const profiles: ProfileSpec[] = [{ name: 'chain-0', file: 'credentials', key, roleArn: undefined, source: { kind: 'none' } }];
    for (let index = 1; index <= depth; index++) {
      const closesCycle = cycleBack !== undefined && index === 1 + (cycleBack % depth);
      profiles.push({
        name: `chain-${index}`,
        file: 'config',
        key: undefined,
        roleArn: broken !== undefined && index === 1 + (broken % depth) ? brokenArn : validRoles[index % validRoles.length],
        // A cycle: this profile points at the target instead of its predecessor.
        source: { kind: 'profile', ref: closesCycle ? depth : index - 1 },
      });
    }
    return { profiles, target: `chain-${depth}` };
  });

const styleArb: fc.Arbitrary<Style> = fc.record({
  separator: fc.constantFrom<Style['separator']>(' = ', '=', ': ', ' =\t'),
  upperKeys: fc.boolean(),
  comments: fc.boolean(),
  blankLines: fc.boolean(),
  crlf: fc.boolean(),
  indent: fc.constantFrom<Style['indent']>('', '', ' ', '\t'),
  trailing: fc.constantFrom<Style['trailing']>('', '', ' ', '\t '),
  defaultAsProfile: fc.boolean(),
});

const junkLines = [
  '[profile __proto__]', '[__proto__]', '[profile constructor]', '[prototype]', '__proto__ = polluted', 'constructor = x', 'prototype = y',
  'toString = 1', 'hasOwnProperty = 2', '[DEFAULT]', 'role_arn = arn:aws:iam::222222222222:role/R0', '[default]', '[profile dev]',
  '[profile', 'profile dev]', '[[profile dev]]', '[]', '[ ]', '[profile]', '[profile a b]', '[profile "unclosed]', '=', ':', '= value', 'key',
  'source_profile = __proto__', 'source_profile = constructor', 'credential_source = Ec2InstanceMetadata', 'credential_process = /nonexistent/credential-process',
  'credential_process = "unclosed', 'mfa_serial = arn:aws:iam::111111111111:mfa/u0', 'mfa_serial = not a serial', 'duration_seconds = abc',
  'duration_seconds = 99999999', 'external_id = x', 'role_session_name = bad name!', 'session_tags = a', 'services = missing', 'sso_session = nowhere',
  'sso_account_id = 111111111111', 'web_identity_token_file = /nonexistent/token', 'region = \u001b[31mred', 'aws_session_token =', 'aws_access_key_id =',
  '  nested = 1', 's3 =', '\tsub = value', '\u0000', 'a\u0000b = c', 'key = \u0085', '\u2028[profile dev]', '\uFEFF[default]',
];

const hugeShapes: readonly HugeShape[] = ['x', 'value', 'section', 'profileSection', 'indented', 'comment', 'innerSpaces', 'valueInnerSpaces', 'multibyte'];

const fileArb = fc.constantFrom<FileName>('config', 'credentials');
const atArb = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('insertBytes' as const),
      file: fileArb,
      at: atArb,
      bytes: fc.array(fc.oneof(fc.constantFrom(0x00, 0xff, 0xfe, 0xc3, 0x80, 0xed, 0xa0, 0x0d, 0x1b, 0x85), fc.nat(255)), { minLength: 1, maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bom' as const), file: fileArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('hugeLine' as const), file: fileArb, at: atArb, shape: fc.constantFrom(...hugeShapes), size: fc.constantFrom(MiB, 64 * 1024) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicateLine' as const), file: fileArb, at: atArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteLine' as const), file: fileArb, at: atArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('indentLine' as const), file: fileArb, at: atArb, indent: fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u3000') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), file: fileArb, at: atArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('junkLine' as const), file: fileArb, at: atArb, line: fc.constantFrom(...junkLines) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicateSection' as const), file: fileArb, at: atArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replaceByte' as const), file: fileArb, at: atArb, byte: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'swapFiles' as const }) },
  // A secret line indented by mistake: it continues the value above it, which messages may quote.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('indentSecret' as const), file: fileArb }) },
);

const caseArb: fc.Arbitrary<FuzzCase> = fc.record({
  graph: fc.oneof({ weight: 3, arbitrary: randomGraphArb }, { weight: 1, arbitrary: chainGraphArb }),
  style: styleArb,
  // About a third unmutated: those are checked against the reference resolver.
  mutations: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 4 }) }),
});

// ---------------------------------------------------------------------------------------
// Writing the files.

interface Keys {
  readonly users: readonly UserKeys[];
  readonly unknown: { accessKeyId: string; secretAccessKey: string };
  readonly wrongSecret: string;
}

function sourceName(graph: Graph, profile: ProfileSpec): string | undefined {
  const { source } = profile;
  switch (source.kind) {
    case 'profile':
      return graph.profiles[source.ref % graph.profiles.length]?.name;
    case 'missing':
      return 'missing-profile';
    case 'self':
      return profile.name;
    default:
      return undefined;
  }
}

function keyLines(key: KeyChoice, keys: Keys): [string, string][] {
  const [u0, u1] = keys.users;
  switch (key) {
    case 'u0':
    case 'u1': {
      const user = key === 'u0' ? u0 : u1;
      return [['aws_access_key_id', user?.accessKeyId ?? ''], ['aws_secret_access_key', user?.secretAccessKey ?? '']];
    }
    case 'unknown':
      return [['aws_access_key_id', keys.unknown.accessKeyId], ['aws_secret_access_key', keys.unknown.secretAccessKey]];
    case 'wrongSecret':
      return [['aws_access_key_id', u0?.accessKeyId ?? ''], ['aws_secret_access_key', keys.wrongSecret]];
    case 'partial':
      return [['aws_access_key_id', u1?.accessKeyId ?? '']];
  }
}

function settingsOf(graph: Graph, profile: ProfileSpec, keys: Keys): [string, string][] {
  const lines: [string, string][] = [];
  if (profile.roleArn !== undefined) {
    lines.push(['role_arn', profile.roleArn]);
    const { source } = profile;
    if (source.kind === 'credential_source') lines.push(['credential_source', source.value]);
    if (source.kind === 'both') lines.push(['source_profile', profile.name], ['credential_source', 'Environment']);
    const name = sourceName(graph, profile);
    if (name !== undefined) lines.push(['source_profile', name]);
  }
  if (profile.key !== undefined) lines.push(...keyLines(profile.key, keys));
  return lines;
}

/** The two files as text, written in the given style. */
function render(graph: Graph, style: Style, keys: Keys): Record<FileName, string> {
  const files: Record<FileName, string[]> = { config: [], credentials: [] };
  for (const [index, profile] of graph.profiles.entries()) {
    const lines = files[profile.file];
    const header =
      profile.file === 'credentials' ? `[${profile.name}]` : profile.name === 'default' && !style.defaultAsProfile ? '[default]' : `[profile ${profile.name}]`;
    if (style.comments) lines.push(index % 2 === 0 ? `# profile ${index}` : `; ${profile.name}`);
    lines.push(style.indent + header + style.trailing);
    for (const [key, value] of settingsOf(graph, profile, keys)) {
      const written = style.upperKeys ? key.toUpperCase() : key;
      lines.push(`${style.indent}${written}${value === '' ? style.separator.trimEnd() : style.separator + value}${style.trailing}`);
      if (style.comments && key === 'role_arn') lines.push(`${style.indent}# a comment between keys`);
    }
    if (style.blankLines) lines.push('');
  }
  const eol = style.crlf ? '\r\n' : '\n';
  return { config: files.config.map((line) => line + eol).join(''), credentials: files.credentials.map((line) => line + eol).join('') };
}

function hugeLine(shape: HugeShape, size: number): string {
  switch (shape) {
    case 'x':
      return 'x'.repeat(size);
    case 'value':
      return `role_arn = arn:aws:iam::222222222222:role/${'R'.repeat(size)}`;
    case 'section':
      return `[${'s'.repeat(size)}]`;
    case 'profileSection':
      return `[profile ${'n'.repeat(size)}]`;
    case 'indented':
      return `${' '.repeat(size)}x = 1`;
    case 'comment':
      return `# ${'c'.repeat(size)}`;
    case 'innerSpaces':
      return `a${' '.repeat(size)}b`;
    case 'valueInnerSpaces':
      return `region = a${' '.repeat(size)}b`;
    case 'multibyte':
      return `region = ${'é'.repeat(size / 2)}`;
  }
}

function splitLines(buffer: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let index = 0; index < buffer.length; index++) {
    if (buffer[index] === 0x0a) {
      lines.push(buffer.subarray(start, index));
      start = index + 1;
    }
  }
  lines.push(buffer.subarray(start));
  return lines;
}

const newline = Buffer.from('\n');
function joinLines(lines: readonly Buffer[]): Buffer {
  return Buffer.concat(lines.flatMap((line, index) => (index === 0 ? [line] : [newline, line])));
}

function applyMutation(files: Record<FileName, Buffer>, mutation: Mutation): void {
  if (mutation.kind === 'swapFiles') {
    [files.config, files.credentials] = [files.credentials, files.config];
    return;
  }
  const buffer = files[mutation.file];
  const position = (at: number, length: number): number => Math.floor(at * (length + 1));
  switch (mutation.kind) {
    case 'insertBytes': {
      const at = position(mutation.at, buffer.length);
      files[mutation.file] = Buffer.concat([buffer.subarray(0, at), Buffer.from(mutation.bytes), buffer.subarray(at)]);
      return;
    }
    case 'bom':
      files[mutation.file] = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buffer]);
      return;
    case 'truncate':
      files[mutation.file] = buffer.subarray(0, position(mutation.at, buffer.length));
      return;
    case 'replaceByte': {
      if (buffer.length === 0) return;
      const copy = Buffer.from(buffer);
      copy[Math.min(copy.length - 1, position(mutation.at, copy.length))] = mutation.byte;
      files[mutation.file] = copy;
      return;
    }
    default:
      break;
  }
  const lines = splitLines(buffer);
  const at = Math.min(lines.length - 1, position('at' in mutation ? mutation.at : 0, lines.length - 1));
  const line = lines[at] ?? Buffer.alloc(0);
  switch (mutation.kind) {
    case 'hugeLine':
      lines.splice(at, 0, Buffer.from(hugeLine(mutation.shape, mutation.size)));
      break;
    case 'duplicateLine':
      lines.splice(at, 0, line);
      break;
    case 'deleteLine':
      lines.splice(at, 1);
      break;
    case 'indentLine':
      lines[at] = Buffer.concat([Buffer.from(mutation.indent), line]);
      break;
    case 'indentSecret': {
      const secretLine = lines.findIndex((candidate) => /^\s*aws_secret_access_key/i.test(candidate.toString('latin1')));
      if (secretLine >= 0) lines[secretLine] = Buffer.concat([Buffer.from('    '), lines[secretLine] ?? Buffer.alloc(0)]);
      break;
    }
    case 'junkLine':
      lines.splice(at, 0, Buffer.from(mutation.line));
      break;
    case 'duplicateSection': {
      // The section the line is in, header to the next header, written again at the end.
      let start = at;
      while (start > 0 && !/^\s*\[/.test(lines[start]?.toString('latin1') ?? '')) start--;
      let end = start + 1;
      while (end < lines.length && !/^\s*\[/.test(lines[end]?.toString('latin1') ?? '')) end++;
      lines.push(...lines.slice(start, end));
      break;
    }
  }
  files[mutation.file] = joinLines(lines);
}

/** Short, for failure messages: a case without its 1 MiB of payload. */
function describeCase(fuzzCase: FuzzCase, keys: Keys): string {
  const files = render(fuzzCase.graph, fuzzCase.style, keys);
  return [
    `target: ${JSON.stringify(fuzzCase.graph.target)}`,
    `mutations: ${JSON.stringify(fuzzCase.mutations)}`,
    `config before mutations:\n${files.config}`,
    `credentials before mutations:\n${files.credentials}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------
// The reference resolver: the simple subset, written from the AWS CLI's documented rules.

interface Expected {
  readonly code: number;
  /** The role ARNs the emulator must see in AssumeRole requests, in order. */
  readonly roles: readonly string[];
  /** The key the first request is signed with. */
  readonly rootKey?: string | undefined;
}

const roleArnShape = /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]{1,64}$/;

function expectedOutcome(graph: Graph, keys: Keys): Expected {
  const byName = new Map(graph.profiles.map((profile) => [profile.name, profile]));
  let current = byName.get(graph.target);
  if (current === undefined) return { code: 4, roles: [] };
  const visited = [graph.target];
  const hops: string[] = [];
  let asTarget = true;
  let root: KeyChoice | undefined;
  let throughMetadata = false;
  for (;;) {
    const isRole = current.roleArn !== undefined;
    const hasKeys = current.key !== undefined;
    if (!isRole || (!asTarget && hasKeys)) {
      // Its own credentials: static keys (a source profile's keys win over its role), or none.
      if (current.key === undefined) return { code: 5, roles: [] };
      if (current.key === 'partial') return { code: 3, roles: [] };
      root = current.key;
      break;
    }
    hops.unshift(current.roleArn ?? '');
    const { source } = current;
    if (source.kind === 'both' || source.kind === 'none') return { code: 3, roles: [] };
    if (source.kind === 'credential_source') {
      if (source.value === 'Bogus') return { code: 3, roles: [] };
      // Neither the environment keys nor the container variables are set in the fuzz runs.
      if (source.value !== 'Ec2InstanceMetadata') return { code: 5, roles: [] };
      throughMetadata = true;
      break;
    }
    const next = sourceName(graph, current) ?? '';
    const nextProfile = byName.get(next);
    if (nextProfile === undefined) return { code: 3, roles: [] };
    if (visited.includes(next)) {
      if (next === current.name && current.key !== undefined) {
        if (current.key === 'partial') return { code: 3, roles: [] };
        root = current.key;
        break;
      }
      return { code: 3, roles: [] };
    }
    visited.push(next);
    current = nextProfile;
    asTarget = false;
  }
  if (hops.some((arn) => !roleArnShape.test(arn))) return { code: 3, roles: [] };
  // The metadata endpoint points at a closed port: unavailable.
  if (throughMetadata) return { code: 7, roles: [] };
  const rootKey = root === 'unknown' ? keys.unknown.accessKeyId : root === 'u1' ? keys.users[1]?.accessKeyId : keys.users[0]?.accessKeyId;
  if (hops.length === 0) return { code: 0, roles: [], rootKey };
  if (root === 'unknown' || root === 'wrongSecret') return { code: 5, roles: hops.slice(0, 1), rootKey };
  const denied = hops.indexOf(missingRole);
  if (denied >= 0) return { code: 6, roles: hops.slice(0, denied + 1), rootKey };
  return { code: 0, roles: hops, rootKey };
}

// ---------------------------------------------------------------------------------------
// Running `run` in a worker thread.

interface WorkerReply {
  readonly id: number;
  readonly result?: { exitCode?: number; signal?: string };
  readonly rejected?: string;
  readonly stdout: string;
  readonly stderr: string;
}

type Outcome = { readonly kind: 'done'; readonly reply: WorkerReply; readonly ms: number } | { readonly kind: 'hang'; readonly ms: number } | { readonly kind: 'crash'; readonly error: string };

/** The worker's code: CommonJS (an eval'd worker), importing the compiled main.js. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.mainUrl).then(({ run }) => {
  parentPort.on('message', async (job) => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (text) => { stdout += text; return true; } }, stderr: { write: (text) => { stderr += text; return true; } } };
    try {
      const result = await run(job.argv, job.env, io, { homeDir: job.home, mfaPrompt: async () => '000000' });
      parentPort.postMessage({ id: job.id, result, stdout, stderr });
    } catch (error) {
      parentPort.postMessage({ id: job.id, rejected: String((error && error.stack) || error), stdout, stderr });
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

/** One worker running `run`, replaced when a case hangs it or it dies. */
class InProcessRunner {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;
  private pending: ((message: WorkerReply | { crash: string }) => void) | undefined;
  restarts = 0;

  private start(): Promise<void> {
    const worker = new Worker(workerSource, { eval: true, workerData: { mainUrl: new URL('../../src/main.js', import.meta.url).href }, stdout: true, stderr: true });
    this.worker = worker;
    // Nothing may reach the real stdout or stderr; run writes only to the io it is given.
    worker.stdout.resume();
    worker.stderr.resume();
    return new Promise((resolve, reject) => {
      worker.on('message', (message: WorkerReply | { ready: true }) => {
        if ('ready' in message) resolve();
        else this.pending?.(message);
      });
      worker.once('error', (error) => {
        reject(error);
        this.pending?.({ crash: String(error.stack ?? error) });
      });
      worker.once('exit', (code) => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.ready = undefined;
        }
        this.pending?.({ crash: `worker exited with ${code}` });
      });
    });
  }

  async run(argv: readonly string[], env: Record<string, string>, home: string, timeoutMs: number): Promise<Outcome> {
    this.ready ??= this.start();
    await this.ready;
    const worker = this.worker;
    if (worker === undefined) return { kind: 'crash', error: 'no worker' };
    const id = ++this.nextId;
    const started = performance.now();
    const reply = await new Promise<WorkerReply | { crash: string } | 'timeout'>((resolve) => {
      const timer = setTimeout(() => {
        resolve('timeout');
      }, timeoutMs);
      this.pending = (message) => {
        if ('crash' in message || message.id === id) {
          clearTimeout(timer);
          resolve(message);
        }
      };
      worker.postMessage({ id, argv, env, home });
    });
    this.pending = undefined;
    const ms = performance.now() - started;
    if (reply === 'timeout') {
      this.restarts++;
      this.worker = undefined;
      this.ready = undefined;
      await worker.terminate();
      return { kind: 'hang', ms };
    }
    if ('crash' in reply) return { kind: 'crash', error: reply.crash };
    return { kind: 'done', reply, ms };
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

// ---------------------------------------------------------------------------------------
// The property.

let emu: Emulator;
let keys: Keys;
let runner: InProcessRunner;
let metadataUrl: string;
const userSecrets: KnownSecret[] = [];
/** Credentials the emulator issued in the current case. */
let issued: { accessKeyId: string; secretAccessKey: string; sessionToken: string }[] = [];
const homes: TempHome[] = [];

before(async () => {
  emu = await startEmulator();
  const u0 = emu.addUser({ name: 'u0', accountId: '111111111111' });
  const u1 = emu.addUser({ name: 'u1', accountId: '111111111111' });
  for (const arn of validRoles) emu.addRole({ arn, trust: ['*'] });
  const unknown = makeSessionKeys();
  keys = { users: [u0, u1], unknown: { accessKeyId: `AKIA${unknown.accessKeyId.slice(4)}`, secretAccessKey: unknown.secretAccessKey }, wrongSecret: makeSessionKeys().secretAccessKey };
  const registry = new SecretRegistry();
  registry.addUser('u0', u0);
  registry.addUser('u1', u1);
  registry.addUser('unknown user', keys.unknown);
  registry.add('secretAccessKey', 'wrong secret of u0', keys.wrongSecret);
  userSecrets.push(...registry.all);
  emu.setCredentialFactory(() => {
    const made = makeSessionKeys();
    issued.push(made);
    return made;
  });
  metadataUrl = await closedUrl();
  runner = new InProcessRunner();
});

after(async () => {
  await runner.close();
  for (const home of homes) home.cleanup();
  await emu.close();
});

/** One home per batch of cases; the files are rewritten for each case. */
function homeFor(index: number): TempHome {
  const batch = Math.floor(index / batchSize);
  let home = homes[batch];
  if (home === undefined) {
    home = createTempHome();
    homes[batch] = home;
  }
  return home;
}

function caseEnv(home: TempHome): Record<string, string> {
  return {
    HOME: home.dir,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
    AWS_EC2_METADATA_SERVICE_ENDPOINT: metadataUrl,
  };
}

/** What every run must show, valid config or not. Returns the failures (empty: fine). */
function checkRun(outcome: Outcome, secrets: SecretRegistry): string[] {
  if (outcome.kind === 'hang') return [`hang: no answer within ${caseTimeoutMs} ms`];
  if (outcome.kind === 'crash') return [`worker crashed: ${outcome.error}`];
  const { reply } = outcome;
  const failures: string[] = [];
  if (reply.rejected !== undefined) return [`run() rejected: ${reply.rejected}`];
  const code = reply.result?.exitCode;
  if (code === undefined || !documentedExitCodes.has(code)) failures.push(`exit code ${String(code ?? reply.result?.signal)} is not a documented one`);
  if (code !== 0 && reply.stdout !== '') failures.push(`stdout not empty on exit ${String(code)}: ${JSON.stringify(reply.stdout.slice(0, 200))}`);
  if (code === 0) {
    try {
      const parsed = JSON.parse(reply.stdout) as Record<string, unknown>;
      if (typeof parsed.AccessKeyId !== 'string' || typeof parsed.SecretAccessKey !== 'string') failures.push('json output without AccessKeyId or SecretAccessKey');
    } catch {
      failures.push(`stdout on exit 0 is not complete JSON: ${JSON.stringify(reply.stdout.slice(0, 200))}`);
    }
    if (reply.stderr !== '') failures.push(`stderr on success: ${JSON.stringify(reply.stderr.slice(0, 300))}`);
  } else {
    if (!/^assume: [^\n]*\n {2}hint: [^\n]*\n$/.test(reply.stderr)) failures.push(`stderr is not one assume: line and one hint: line: ${JSON.stringify(reply.stderr.slice(0, 600))}`);
    if (/^\s+at /m.test(reply.stderr)) failures.push('stack trace on stderr');
    if (/internal error/.test(reply.stderr)) failures.push('internal error');
  }
  const hits = secrets.scan(reply.stderr, 'stderr');
  if (hits.length > 0) failures.push(describeHits(hits));
  return failures;
}

/** The reference resolver's verdict against what happened. */
function checkOracle(expected: Expected, outcome: Outcome): string[] {
  if (outcome.kind !== 'done') return [];
  const failures: string[] = [];
  const code = outcome.reply.result?.exitCode;
  if (code !== expected.code) failures.push(`exit ${String(code)}, the reference resolver expects ${expected.code}: ${outcome.reply.stderr.trim()}`);
  const assumed = emu.requests.filter((request) => request.action === 'AssumeRole');
  const roles = assumed.map((request) => request.params.RoleArn ?? '');
  if (JSON.stringify(roles) !== JSON.stringify(expected.roles)) failures.push(`roles asked for ${JSON.stringify(roles)}, expected ${JSON.stringify(expected.roles)}`);
  if (expected.roles.length > 0 && assumed[0]?.accessKeyId !== expected.rootKey) failures.push(`first AssumeRole signed with ${String(assumed[0]?.accessKeyId)}, expected ${String(expected.rootKey)}`);
  if (code === 0 && expected.code === 0) {
    const output = JSON.parse(outcome.reply.stdout) as { AccessKeyId?: string };
    const want = expected.roles.length === 0 ? expected.rootKey : issued.at(-1)?.accessKeyId;
    if (output.AccessKeyId !== want) failures.push(`exported key ${String(output.AccessKeyId)}, expected ${String(want)}`);
  }
  return failures;
}

/** Mutations that change how the file is written, never what it says. */
function preservesMeaning(fuzzCase: FuzzCase): boolean {
  return fuzzCase.mutations.length === 0;
}

let caseIndex = 0;
async function runCase(fuzzCase: FuzzCase): Promise<{ failures: string[]; mutated: boolean; hugeLine: boolean; ms: number }> {
  const index = caseIndex++;
  const home = homeFor(index);
  const text = render(fuzzCase.graph, fuzzCase.style, keys);
  const files: Record<FileName, Buffer> = { config: Buffer.from(text.config), credentials: Buffer.from(text.credentials) };
  for (const mutation of fuzzCase.mutations) applyMutation(files, mutation);
  writeFileSync(home.configFile, files.config);
  writeFileSync(home.credentialsFile, files.credentials);
  emu.reset();
  issued = [];
  const outcome = await runner.run(['--no-cache', '--format', 'json', fuzzCase.graph.target], caseEnv(home), home.dir, caseTimeoutMs);
  const secrets = new SecretRegistry();
  for (const secret of userSecrets) secrets.add(secret.kind, secret.label, secret.value);
  for (const [n, credentials] of issued.entries()) secrets.addCredentials(`issued #${n + 1}`, credentials);
  const failures = checkRun(outcome, secrets);
  if (preservesMeaning(fuzzCase)) failures.push(...checkOracle(expectedOutcome(fuzzCase.graph, keys), outcome));
  return {
    failures,
    mutated: fuzzCase.mutations.length > 0,
    hugeLine: fuzzCase.mutations.some((mutation) => mutation.kind === 'hugeLine'),
    ms: outcome.kind === 'crash' ? 0 : outcome.ms,
  };
}

/** The kind of a failure, for the survey: its first words, without values. */
function failureKind(failure: string): string {
  return failure
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 90);
}

describe('assume on hostile config and credentials files', () => {
  it(`ends every one of ${runs} generated and mutated file pairs cleanly: a documented exit code, whole output or none, one message with a hint, no secret, no hang`, async () => {
    const stats = { cases: 0, mutated: 0, hugeLines: 0, oracle: 0, slowestMs: 0 };
    const surveyed = new Map<string, { count: number; example: string }>();
    const started = performance.now();
    const details = await fc.check(
      fc.asyncProperty(caseArb, async (fuzzCase) => {
        const result = await runCase(fuzzCase);
        stats.cases++;
        if (result.mutated) stats.mutated++;
        else stats.oracle++;
        if (result.hugeLine) stats.hugeLines++;
        stats.slowestMs = Math.max(stats.slowestMs, result.ms);
        if (survey) {
          for (const failure of result.failures) {
            const kind = failureKind(failure);
            const seen = surveyed.get(kind);
            if (seen === undefined) surveyed.set(kind, { count: 1, example: `${failure}\n${describeCase(fuzzCase, keys)}` });
            else seen.count++;
          }
          return true;
        }
        assert.deepEqual(result.failures, [], `${result.failures.join('\n')}\n${describeCase(fuzzCase, keys)}`);
        return true;
      }),
      { numRuns: runs, seed, endOnFailure: process.env.ASSUME_FUZZ_SHRINK !== '1' },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `# configFuzz: ${stats.cases} cases (${stats.mutated} mutated, ${stats.hugeLines} with a huge line, ${stats.oracle} checked against the reference resolver) in ${seconds} s, slowest ${stats.slowestMs.toFixed(0)} ms, ${runner.restarts} worker restarts, seed ${seed}\n`,
    );
    if (survey) {
      for (const [kind, { count, example }] of surveyed) process.stderr.write(`\n## ${count}x ${kind}\n${example.slice(0, 3000)}\n`);
      return;
    }
    if (details.failed) {
      assert.fail(`${fc.defaultReportMessage(details) ?? 'failed'}\n(seed ${seed}; rerun with ASSUME_FUZZ_SEED=${seed} ASSUME_FUZZ_SHRINK=1 to shrink)`);
    }
    assert.ok(stats.cases >= runs, `only ${stats.cases} of ${runs} cases ran`);
  });
});

describe('bin/assume on the worst files', () => {
  let home: TempHome;
  before(() => {
    home = createTempHome();
    chmodSync(home.dir, 0o700);
  });
  after(() => {
    home.cleanup();
  });

  const base = (): string => `[profile admin]\nrole_arn = ${validRoles[0] ?? ''}\nsource_profile = base\n`;
  const baseKeys = (): string => `[base]\naws_access_key_id = ${keys.users[0]?.accessKeyId ?? ''}\naws_secret_access_key = ${keys.users[0]?.secretAccessKey ?? ''}\n`;
  const worst: { name: string; config: () => Buffer; credentials: () => Buffer; code: number }[] = [
    { name: 'a 1 MiB line of x', config: () => Buffer.from(`${base()}${'x'.repeat(MiB)}\n`), credentials: () => Buffer.from(baseKeys()), code: 3 },
    { name: 'a 1 MiB comment', config: () => Buffer.from(`# ${'c'.repeat(MiB)}\n${base()}`), credentials: () => Buffer.from(baseKeys()), code: 0 },
    { name: 'a 1 MiB value of a key assume does not read', config: () => Buffer.from(`${base()}x_note = ${'r'.repeat(MiB)}\n`), credentials: () => Buffer.from(baseKeys()), code: 0 },
    { name: 'a 1 MiB line with a run of spaces inside', config: () => Buffer.from(`${base()}a${' '.repeat(MiB)}b\n`), credentials: () => Buffer.from(baseKeys()), code: 3 },
    { name: 'NUL and invalid UTF-8 bytes', config: () => Buffer.concat([Buffer.from(base()), Buffer.from([0x00, 0xff, 0xc3, 0x0a])]), credentials: () => Buffer.from(baseKeys()), code: 3 },
    { name: 'binary noise for credentials', config: () => Buffer.from(base()), credentials: () => Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)), code: 3 },
  ];
  for (const { name, config, credentials, code } of worst) {
    it(`exits ${code} with one message and no secret, out of process, for ${name}`, async () => {
      writeFileSync(home.configFile, config());
      writeFileSync(home.credentialsFile, credentials());
      emu.reset();
      issued = [];
      const started = performance.now();
      const result = await runAssume(['--no-cache', '--format', 'json', 'admin'], { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url }, { timeoutMs: 10_000 });
      const ms = performance.now() - started;
      const secrets = new SecretRegistry();
      for (const secret of userSecrets) secrets.add(secret.kind, secret.label, secret.value);
      for (const [n, issuedKeys] of issued.entries()) secrets.addCredentials(`issued #${n + 1}`, issuedKeys);
      assert.equal(result.signal, null, `killed by ${String(result.signal)} after ${ms.toFixed(0)} ms: a hang`);
      assert.equal(result.code, code, result.stderr.slice(0, 600));
      if (code === 0) {
        assert.equal(result.stderr, '');
        assert.ok(typeof (JSON.parse(result.stdout) as { AccessKeyId?: unknown }).AccessKeyId === 'string');
      } else {
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /^assume: [^\n]*\n {2}hint: [^\n]*\n$/);
      }
      secrets.assertClean(result.stderr, 'stderr');
      assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
    });
  }
});
