/** Shared set-up of the instance metadata and container source tests: the STS emulator, the metadata fake, throwaway servers. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Credentials } from '../../../src/credentials.js';
import { startEmulator } from '../../emulator/emulator.js';
import type { Emulator } from '../../emulator/emulator.js';
import { startMetadataServer } from '../../emulator/metadata.js';
import type { MetadataServer } from '../../emulator/metadata.js';
import { stsClient } from '../../emulator/test-support.js';

/** A role that trusts the role the fake hands out. */
export const NEXT_ROLE = 'arn:aws:iam::222222222222:role/deployer';
/** Generous: a loaded CI machine must not turn a normal answer into a timeout. */
export const TIMEOUT_MS = 1000;

/**
 * The STS emulator with `roleArn` (trusting nobody) and NEXT_ROLE (trusting `roleArn`), and the
 * metadata fake handing out sessions of `roleArn`.
 */
export async function startMetadataWorld(roleArn: string): Promise<{ emu: Emulator; md: MetadataServer }> {
  const emu = await startEmulator();
  emu.addRole({ arn: roleArn, trust: [] });
  emu.addRole({ arn: NEXT_ROLE, trust: [roleArn] });
  const md = await startMetadataServer({ emulator: emu, roleArn });
  return { emu, md };
}

/** Throwaway HTTP servers on 127.0.0.1 for answers the fake does not give. */
export interface StubServers {
  /** Starts one that answers with `handler`; its URL, no trailing slash. */
  start(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string>;
  /** Closes every one started, and their connections. */
  closeAll(): void;
}

export function stubServers(): StubServers {
  const servers: Server[] = [];
  return {
    async start(handler) {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    closeAll() {
      for (const server of servers.splice(0)) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}

/** Asserts that STS takes `credentials`: GetCallerIdentity names `callerArn`, and they assume NEXT_ROLE. */
export async function assertStsAccepts(emu: Emulator, credentials: Credentials, callerArn: string): Promise<void> {
  const keys = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken ?? '' };
  const identity = await stsClient(emu, keys).send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Arn, callerArn);
  const next = await stsClient(emu, keys).send(new AssumeRoleCommand({ RoleArn: NEXT_ROLE, RoleSessionName: 'hop' }));
  assert.equal(next.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/deployer/hop');
}
