import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { createTempHome } from './tempHome.js';
import type { TempHome } from './tempHome.js';

/** The two roles of the cache-hit tests (fast path, resolution shortcut): both trust alice. */
export const ADMIN = 'arn:aws:iam::222222222222:role/Admin';
export const OTHER = 'arn:aws:iam::222222222222:role/Other';

/** An emulator with alice and the two roles, and an empty throwaway HOME. */
export interface AdminWorld {
  readonly emu: Emulator;
  readonly user: UserKeys;
  readonly home: TempHome;
}

export async function startAdminWorld(): Promise<AdminWorld> {
  const emu = await startEmulator();
  const user = emu.addUser({ name: 'alice' });
  emu.addRole({ arn: ADMIN, trust: [user.arn] });
  emu.addRole({ arn: OTHER, trust: [user.arn] });
  return { emu, user, home: createTempHome() };
}

export async function stopAdminWorld(world: AdminWorld): Promise<void> {
  await world.emu.close();
  world.home.cleanup();
}

/** `[profile base]` with alice's keys, and `[profile admin]` assuming `roleArn` from it, in eu-west-1. */
export function adminConfig(user: UserKeys, roleArn: string): string {
  return `[profile base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n\n[profile admin]\nrole_arn = ${roleArn}\nsource_profile = base\nregion = eu-west-1\n`;
}
