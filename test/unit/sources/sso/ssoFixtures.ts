/** Shared set-up of the SSO source tests: a clock, the STS emulator with the fake Identity Center, a temp HOME, plans. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach } from 'node:test';
import type { SsoSource } from '../../../../src/resolve/plan.js';
import type { SsoContext } from '../../../../src/sources/sso/ssoContext.js';
import { ssoCacheDir, tokenCacheKey } from '../../../../src/sources/sso/ssoTokenCache.js';
import { startEmulator } from '../../../emulator/emulator.js';
import type { Emulator } from '../../../emulator/emulator.js';
import { startSsoFake } from '../../../emulator/sso.js';
import type { SsoFake } from '../../../emulator/sso.js';

export const START_URL = 'https://d-1234567890.awsapps.com/start';
export const ACCOUNT = '123456789012';

/** An SSO source as resolvePlan makes it; `session: undefined` for the legacy keys in the profile. */
export function ssoSource(overrides: Partial<SsoSource> = {}): SsoSource {
  const file = (line: number, key: string) => ({ kind: 'file' as const, origin: { file: '/home/u/.aws/config', line }, profile: 'dev', key });
  return {
    kind: 'sso',
    profile: 'dev',
    session: 'corp',
    startUrl: { value: START_URL, from: file(2, 'sso_start_url') },
    ssoRegion: { value: 'eu-west-1', from: file(3, 'sso_region') },
    accountId: { value: ACCOUNT, from: file(7, 'sso_account_id') },
    roleName: { value: 'AdministratorAccess', from: file(8, 'sso_role_name') },
    ...overrides,
  };
}

/** A running world: a movable clock shared by the emulator, the fake and the code under test. */
export interface SsoWorld {
  readonly emulator: Emulator;
  readonly fake: SsoFake;
  readonly home: string;
  /** Milliseconds since the epoch; tests move it. */
  clock: number;
  now(): Date;
  /** The context fetchSsoCredentials / ssoLogin get, endpoints on the fake. */
  ctx(overrides?: Partial<SsoContext>): SsoContext;
  /** Where the token of `source` is cached in HOME, as the AWS CLI names the file. */
  tokenPath(source: SsoSource): string;
  /** A new empty HOME (the previous one is removed). */
  newHome(): void;
  close(): Promise<void>;
}

export async function startSsoWorld(): Promise<SsoWorld> {
  const homes: string[] = [];
  const state = { clock: Date.parse('2026-03-01T09:00:00Z'), home: '' };
  const now = (): Date => new Date(state.clock);
  const emulator = await startEmulator({ now });
  const fake = await startSsoFake({ emulator, now });
  fake.assign(ACCOUNT, 'AdministratorAccess');
  const newHome = (): void => {
    const dir = mkdtempSync(join(tmpdir(), 'assume-sso-'));
    homes.push(dir);
    state.home = dir;
  };
  newHome();
  return {
    emulator,
    fake,
    get home() {
      return state.home;
    },
    get clock() {
      return state.clock;
    },
    set clock(value: number) {
      state.clock = value;
    },
    now,
    newHome,
    tokenPath: (source) => join(ssoCacheDir(state.home), `${tokenCacheKey(source.startUrl.value, source.session)}.json`),
    ctx: (overrides = {}) => ({
      env: { AWS_ENDPOINT_URL_SSO: fake.url, AWS_ENDPOINT_URL_SSO_OIDC: fake.url },
      homeDir: state.home,
      now,
      timeoutMs: 2000,
      ...overrides,
    }),
    close: async () => {
      await fake.close();
      await emulator.close();
      for (const dir of homes) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The world of a test file whose tests share one: started before the first test and closed after
 * the last, each test with a new empty HOME and a fake that has forgotten its requests and faults.
 * Registers those hooks where it is called; the world answers once the first hook has run.
 */
export function useSsoWorld(): SsoWorld {
  let started: SsoWorld | undefined;
  const current = (): SsoWorld => {
    assert.ok(started, 'the SSO world is used before its before() hook ran');
    return started;
  };
  before(async () => {
    started = await startSsoWorld();
  });
  after(async () => {
    await started?.close();
  });
  beforeEach(() => {
    current().newHome();
    current().fake.reset();
  });
  // Each read and write goes to the started world, so a test file can hold it in a const.
  return new Proxy({} as SsoWorld, {
    get: (_target, key) => Reflect.get(current(), key) as unknown,
    set: (_target, key, value) => Reflect.set(current(), key, value),
  });
}
