import { readFile } from 'node:fs/promises';
import type { Emulator } from './emulator.js';
import type { RoleSpec, UserKeys, UserSpec } from './identity.js';

/** The identities a scenario file sets up: `{ "users": [UserSpec...], "roles": [RoleSpec...] }`. */
export interface Scenario {
  users: UserSpec[];
  roles: RoleSpec[];
}

/** A scenario user with the keys it got. */
export interface ScenarioUser extends UserKeys {
  name: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: Json | undefined, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${where} must be a string`);
  return value;
}

function requiredString(value: Json | undefined, where: string): string {
  const text = optionalString(value, where);
  if (text === undefined) throw new Error(`${where} is required`);
  return text;
}

function list(value: Json | undefined, where: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where} must be an array`);
  return value;
}

function object(value: Json | undefined, where: string): { [key: string]: Json } {
  if (!isObject(value)) throw new Error(`${where} must be an object`);
  return value;
}

function parseUser(value: Json | undefined, where: string): UserSpec {
  const user = object(value, where);
  const spec: UserSpec = { name: requiredString(user.name, `${where}.name`) };
  const accountId = optionalString(user.accountId, `${where}.accountId`);
  const accessKeyId = optionalString(user.accessKeyId, `${where}.accessKeyId`);
  const secretAccessKey = optionalString(user.secretAccessKey, `${where}.secretAccessKey`);
  if (accountId !== undefined) spec.accountId = accountId;
  if (accessKeyId !== undefined) spec.accessKeyId = accessKeyId;
  if (secretAccessKey !== undefined) spec.secretAccessKey = secretAccessKey;
  if (user.mfa !== undefined) {
    const mfa = object(user.mfa, `${where}.mfa`);
    const serial = optionalString(mfa.serial, `${where}.mfa.serial`);
    spec.mfa = { code: requiredString(mfa.code, `${where}.mfa.code`), ...(serial === undefined ? {} : { serial }) };
  }
  return spec;
}

function parseRole(value: Json | undefined, where: string): RoleSpec {
  const role = object(value, where);
  const spec: RoleSpec = {
    arn: requiredString(role.arn, `${where}.arn`),
    trust: list(role.trust, `${where}.trust`).map((entry, i) => requiredString(entry, `${where}.trust[${i}]`)),
  };
  const externalId = optionalString(role.externalId, `${where}.externalId`);
  if (externalId !== undefined) spec.externalId = externalId;
  if (role.requireMfa !== undefined) {
    if (typeof role.requireMfa !== 'boolean') throw new Error(`${where}.requireMfa must be true or false`);
    spec.requireMfa = role.requireMfa;
  }
  if (role.maxSessionDuration !== undefined) {
    if (typeof role.maxSessionDuration !== 'number') throw new Error(`${where}.maxSessionDuration must be a number`);
    spec.maxSessionDuration = role.maxSessionDuration;
  }
  return spec;
}

/** Parses scenario JSON; throws an Error naming `source` and the offending field. Pure. */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  try {
    const root = object(json, 'the scenario');
    return {
      users: list(root.users, 'users').map((user, i) => parseUser(user, `users[${i}]`)),
      roles: list(root.roles, 'roles').map((role, i) => parseRole(role, `roles[${i}]`)),
    };
  } catch (error) {
    throw new Error(`${source}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Reads and parses a scenario file. */
export async function loadScenario(path: string): Promise<Scenario> {
  return parseScenario(await readFile(path, 'utf8'), path);
}

/** Creates the scenario's users and roles in a running emulator and returns each user with its keys. */
export function applyScenario(emulator: Pick<Emulator, 'addUser' | 'addRole'>, scenario: Scenario): ScenarioUser[] {
  const users = scenario.users.map((spec) => ({ name: spec.name, ...emulator.addUser(spec) }));
  for (const role of scenario.roles) emulator.addRole(role);
  return users;
}
