/** Shared set-up of the SSO source tests: a clock, the STS emulator with the fake Identity Center, a temp HOME, plans. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SsoSource } from '../../../../src/resolve/plan.js';
import type { SsoContext } from '../../../../src/sources/sso/ssoContext.js';
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

/** A URL on 127.0.0.1 where nothing listens (a port just freed). */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return `http://127.0.0.1:${port}`;
}
