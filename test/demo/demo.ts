/**
 * `npm run demo`: shows the real `assume` at work against the local STS emulator, with a
 * throwaway HOME and ~/.aws/config. Nothing leaves 127.0.0.1; every key is made up.
 *
 * `node dist/test/demo/demo.js --whoami` is the small client the demo runs inside
 * `eval` and `--`: it prints the caller ARN for the credentials in its environment.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/emulator.js';

const assumeBin = fileURLToPath(new URL('../../../bin/assume', import.meta.url));
const self = fileURLToPath(import.meta.url);
const awsCli = '/usr/bin/aws';

async function whoami(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  // The SDK reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION and AWS_ENDPOINT_URL_STS itself.
  const client = new STSClient({});
  const identity = await client.send(new GetCallerIdentityCommand({}));
  process.stdout.write(`${identity.Arn ?? '?'}\n`);
}

/** Shows only the last four characters of anything secret-looking, as `****WXYZ`. */
function redact(text: string): string {
  return text.replace(/(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|SecretAccessKey|SessionToken)(['"=:\s]+)([^'";\s]{8,})/gi, (_m, name: string, sep: string, value: string) => `${name}${sep}****${value.slice(-4)}`);
}

/** Runs one step in bash (asynchronously: the emulator answers from this same process). */
async function step(title: string, command: string, env: Record<string, string>): Promise<void> {
  process.stdout.write(`\n\u001b[1m# ${title}\u001b[0m\n$ ${command}\n`);
  const child = spawn('bash', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  process.stdout.write(redact(output));
  if (status !== 0) throw new Error(`step failed with exit code ${String(status)}: ${command}`);
}

async function demo(): Promise<void> {
  const emu = await startEmulator();
  const home = mkdtempSync(join(tmpdir(), 'assume-demo-'));
  try {
    const user = emu.addUser({ name: 'demo', accountId: '111111111111' });
    emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
    emu.addRole({ arn: 'arn:aws:iam::333333333333:role/Deploy', trust: ['arn:aws:iam::222222222222:role/Admin'] });
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    const config = `[profile demo-user]
aws_access_key_id = ${user.accessKeyId}
aws_secret_access_key = ${user.secretAccessKey}
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = demo-user

[profile deploy]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = admin
role_session_name = demo-deploy

[profile via-process]
credential_process = ${process.execPath} ${assumeBin} --format credential-process deploy
region = eu-west-1
`;
    writeFileSync(join(home, '.aws', 'config'), config, { mode: 0o600 });
    const bin = join(home, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'assume'), `#!/bin/sh\nexec ${process.execPath} ${assumeBin} "$@"\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'whoami-aws'), `#!/bin/sh\nexec ${process.execPath} ${self} --whoami\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: home, AWS_ENDPOINT_URL_STS: emu.url, ASSUME_FEDERATION_ENDPOINT: emu.federationUrl, TERM: 'dumb' };

    process.stdout.write(`A local STS emulator listens on ${emu.url} (it checks every SigV4 signature and each role's trust).\n`);
    process.stdout.write(`A throwaway ~/.aws/config in ${home} (the secret is shown as ****):\n\n${redact(config)}`);
    await step('Turn a two-hop profile into credentials for a shell (secrets shown redacted)', 'assume deploy', env);
    await step('Set them in this shell with eval, then ask STS who we are', 'eval "$(assume deploy)"; whoami-aws', env);
    await step('Run one command with the credentials in its environment only', 'assume deploy -- whoami-aws', env);
    await step('The format the AWS CLI, SDKs and Terraform read from credential_process', 'assume --format credential-process deploy', env);
    if (existsSync(awsCli)) {
      await step(
        'The real AWS CLI, through credential_process = assume ...',
        `${awsCli} sts get-caller-identity --profile via-process --endpoint-url ${emu.url} --query Arn --output text`,
        env,
      );
    } else {
      process.stdout.write(`\n(${awsCli} is not installed: the credential_process step is skipped; apt-get install awscli to see it)\n`);
    }
    await step('A mistake gets a clear message and a non-zero exit, never a partial export', 'assume deplyo; echo "exit code $?"', env);
    await step('Every profile, with its kind, account, role, source, region and cached expiry', 'assume ls', env);
    await step('How a profile resolves, hop by hop, with the file and line of every value (no network)', 'assume explain deploy', env);
    await step('A check of the whole config', 'assume doctor', env);
    await step('Who the credentials in the environment are, and for how long', 'eval "$(assume deploy)"; assume whoami', env);
    await step('The shell function: assume sets the variables itself, and --unset clears them', 'eval "$(assume init bash)"; assume admin; assume whoami; assume --unset; echo "AWS_ACCESS_KEY_ID is now: ${AWS_ACCESS_KEY_ID:-unset}"', env);
    await step('An AWS console sign-in URL (here from the emulator\'s federation endpoint)', 'assume console deploy', env);
    await step('The credentials written into ~/.aws/credentials for tools that only read that file', 'assume deploy --write-profile deploy-tmp && cat ~/.aws/credentials', env);
    process.stdout.write(
      `\nSTS calls made: ${emu.count('AssumeRole')} AssumeRole for the two hops (every later run was served by the cache in ~/.cache/assume), ${emu.count('GetCallerIdentity')} GetCallerIdentity.\n` +
        'Also try, in your own shell: assume (the picker, at a terminal), assume completion bash, assume --help.\n',
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
    await emu.close();
  }
}

await (process.argv.includes('--whoami') ? whoami() : demo());
