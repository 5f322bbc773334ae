/**
 * Finds secrets where they must never be: in stderr, in --debug output, in logs, in the
 * arguments of a process. A test registers every secret it knows (the long-term keys of the
 * emulator's users, every set of credentials the emulator issues, keys a credential_process
 * prints) and scans text for them: the whole value, or any fragment long enough to be one
 * (a message cut short still leaks). An access key id shown redacted as assume shows keys,
 * `****WXYZ` (its last four characters), is not a hit.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Emulator, IssueContext, SessionKeys, UserKeys } from '../emulator/emulator.js';

/** What a secret is, which decides how long a fragment of it counts as a leak. */
export type SecretKind = 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'other';

/** One secret a test knows, with a label that says whose it is. */
export interface KnownSecret {
  readonly kind: SecretKind;
  readonly label: string;
  readonly value: string;
}

/** One place a secret was found. */
export interface SecretHit {
  readonly where: string;
  readonly label: string;
  readonly kind: SecretKind;
  /** What was found: the whole value, or the fragment. */
  readonly found: string;
  /** The text around it, with the secret in it replaced by <SECRET>. */
  readonly context: string;
}

/**
 * The shortest fragment that counts as a leak. An access key id is 20 characters whose first
 * four (AKIA, ASIA) say only its kind and whose last four may be shown: eight in a row of it
 * is more than redaction shows. Secrets and tokens are random base64: sixteen in a row
 * cannot come from anywhere else.
 */
const fragmentLength: Record<SecretKind, number> = { accessKeyId: 8, secretAccessKey: 16, sessionToken: 16, other: 16 };

/** The set of secrets a test knows, and the scanner over them. */
export class SecretRegistry {
  private readonly secrets: KnownSecret[] = [];

  /** Registers a secret; values shorter than its fragment length are registered whole. Empty values are ignored. */
  add(kind: SecretKind, label: string, value: string | undefined): void {
    if (value === undefined || value === '') return;
    if (this.secrets.some((secret) => secret.value === value)) return;
    this.secrets.push({ kind, label, value });
  }

  /** A user's long-term keys: the access key id and the secret. */
  addUser(label: string, keys: Pick<UserKeys, 'accessKeyId' | 'secretAccessKey'>): void {
    this.add('accessKeyId', `${label} access key id`, keys.accessKeyId);
    this.add('secretAccessKey', `${label} secret access key`, keys.secretAccessKey);
  }

  /** A set of credentials: access key id, secret and session token. */
  addCredentials(label: string, keys: Partial<SessionKeys>): void {
    this.add('accessKeyId', `${label} access key id`, keys.accessKeyId);
    this.add('secretAccessKey', `${label} secret access key`, keys.secretAccessKey);
    this.add('sessionToken', `${label} session token`, keys.sessionToken);
  }

  /** Every secret registered so far. */
  get all(): readonly KnownSecret[] {
    return this.secrets;
  }

  /** How many secrets are registered: a mark for `since`. */
  get size(): number {
    return this.secrets.length;
  }

  /** A registry with the secrets registered from `mark` on, plus `keep` (e.g. the users' keys). */
  since(mark: number, keep: readonly KnownSecret[] = []): SecretRegistry {
    const registry = new SecretRegistry();
    for (const secret of [...keep, ...this.secrets.slice(mark)]) registry.add(secret.kind, secret.label, secret.value);
    return registry;
  }

  /** Every secret, or fragment of one, found in `text`; `where` names the text in the hits. */
  scan(text: string, where: string): SecretHit[] {
    const hits: SecretHit[] = [];
    if (text === '') return hits;
    for (const secret of this.secrets) {
      const found = findFragment(text, secret);
      if (found === undefined) continue;
      const at = text.indexOf(found);
      const context = text
        .slice(Math.max(0, at - 60), at + found.length + 60)
        .split(found)
        .join('<SECRET>');
      hits.push({ where, label: secret.label, kind: secret.kind, found, context });
    }
    return hits;
  }

  /** Throws an AssertionError-like Error listing every hit in `text`. */
  assertClean(text: string, where: string): void {
    const hits = this.scan(text, where);
    if (hits.length > 0) throw new Error(describeHits(hits));
  }
}

/** The whole secret if `text` holds it, else its first fragment of the leak length `text` holds. */
function findFragment(text: string, secret: KnownSecret): string | undefined {
  const { value } = secret;
  const length = fragmentLength[secret.kind];
  if (value.length <= length) return text.includes(value) ? value : undefined;
  if (text.includes(value)) return value;
  for (let start = 0; start + length <= value.length; start++) {
    const fragment = value.slice(start, start + length);
    if (text.includes(fragment)) return fragment;
  }
  return undefined;
}

/** Hits as lines for an assertion message. */
export function describeHits(hits: readonly SecretHit[]): string {
  return hits
    .map((hit) => `secret in ${hit.where}: ${hit.label} (${hit.found.length === 0 ? 'empty' : `${hit.found.length} chars`}): ...${JSON.stringify(hit.context)}...`)
    .join('\n');
}

/** An access key id as assume must show it anywhere but in the credentials output: `****WXYZ`. */
export function redactedKeyId(accessKeyId: string): string {
  return `****${accessKeyId.slice(-4)}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let index = 0; index < length; index++) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/** Keys shaped as AWS issues them: ASIA + 16, a 40-character secret, a long token. */
export function makeSessionKeys(): SessionKeys {
  return {
    accessKeyId: `ASIA${randomFrom(ALPHANUMERIC, 16)}`,
    secretAccessKey: randomFrom(BASE64, 40),
    sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(300).toString('base64')}`,
  };
}

/**
 * Makes the emulator issue credentials the registry knows: every AssumeRole,
 * AssumeRoleWithWebIdentity and GetSessionToken from now on is registered before it is
 * answered. `onIssue` sees each one too (a test may count them). Returns a function that
 * puts the emulator back to its own random values.
 */
export function trackIssuedCredentials(emu: Emulator, registry: SecretRegistry, onIssue?: (context: IssueContext, keys: SessionKeys) => void): () => void {
  let count = 0;
  emu.setCredentialFactory((context) => {
    const keys = makeSessionKeys();
    count += 1;
    registry.addCredentials(`issued #${count} (${context.action}${context.roleArn === undefined ? '' : ` ${context.roleArn}`})`, keys);
    onIssue?.(context, keys);
    return keys;
  });
  return () => {
    emu.setCredentialFactory(undefined);
  };
}

/** Registers the users of an emulator test as they are created: `registry.addUser` after `emu.addUser`. */
export function addKnownUser(emu: Emulator, registry: SecretRegistry, spec: Parameters<Emulator['addUser']>[0]): UserKeys {
  const keys = emu.addUser(spec);
  registry.addUser(`user ${spec.name}`, keys);
  return keys;
}
