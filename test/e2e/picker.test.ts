// The profile picker (`assume` with no profile at a terminal), driven in a real interactive bash
// under tmux against the STS emulator: what the terminal shows, what typing and the keys do,
// what ends up in the shell's environment and on stdout, and what STS was asked. Then the
// runs with no terminal, where there is no picker. Needs tmux and util-linux's setsid.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { issuedSecretsIn } from '../emulator/issuedSecrets.js';
import { assumeBin, runAssume } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';
import { shellPrompt, startTmuxShell } from '../helpers/tmuxShell.js';
import type { TmuxShell } from '../helpers/tmuxShell.js';

const roles = {
  default: 'arn:aws:iam::444444444444:role/Default',
  'prod-admin': 'arn:aws:iam::111111111111:role/Admin',
  'prod-ops': 'arn:aws:iam::222222222222:role/Ops',
  staging: 'arn:aws:iam::333333333333:role/Deployer',
} as const;

interface World {
  readonly emu: Emulator;
  readonly user: UserKeys;
  readonly home: TempHome;
  /** The environment of a run: HOME, a fresh credential cache, the emulator's endpoint. */
  readonly env: Record<string, string>;
}

function configText(user: UserKeys, withDefault: boolean): string {
  const rolesText = Object.entries(roles)
    .filter(([name]) => withDefault || name !== 'default')
    .map(([name, arn]) => `[${name === 'default' ? 'default' : `profile ${name}`}]\nrole_arn = ${arn}\nsource_profile = base\n`)
    .join('\n');
  return `[profile base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\nregion = eu-west-1\n\n${rolesText}`;
}

/** A fresh emulator, user, roles and HOME for one test, torn down after it. */
async function withWorld(options: { withDefault: boolean }, body: (world: World) => Promise<void>): Promise<void> {
  const emu = await startEmulator();
  const user = emu.addUser({ name: 'dev', accountId: '111111111111' });
  for (const arn of Object.values(roles)) emu.addRole({ arn, trust: [user.arn] });
  const home = createTempHome(configText(user, options.withDefault));
  const env = { HOME: home.dir, XDG_CACHE_HOME: mkdtempSync(join(home.dir, 'cache-')), AWS_ENDPOINT_URL_STS: emu.url };
  try {
    await body({ emu, user, home, env });
  } finally {
    await emu.close();
    home.cleanup();
  }
}

/** An interactive bash with `assume` (bin/assume) and node on its PATH, killed after `body`. */
async function withShell(env: Record<string, string>, body: (shell: TmuxShell) => Promise<void>): Promise<void> {
  const path = [dirname(assumeBin), dirname(process.execPath), '/usr/bin', '/bin'].join(':');
  const shell = await startTmuxShell({ ...env, PATH: path });
  try {
    await body(shell);
  } finally {
    shell.kill();
  }
}

/** The profile names in the picker's list as shown, in order, and the one under the cursor. */
function listed(screen: string): { names: string[]; cursor: string | undefined } {
  const rows = screen
    .split('\n')
    .map((line) => /^(❯| ) (\S+) +(role|static|sso|process|web-identity|credential-source|unknown)\b/.exec(line))
    .filter((match) => match !== null);
  return { names: rows.map((row) => row[2] ?? ''), cursor: rows.find((row) => row[1] === '❯')?.[2] };
}

/** True once the picker shows exactly `names`, in order. */
function showing(...names: string[]): (screen: string) => boolean {
  return (screen) => screen.includes('Pick a profile') && listed(screen).names.join(' ') === names.join(' ');
}

/** The prompt is back: the last line of the screen is the shell's prompt. */
function promptBack(screen: string): boolean {
  return screen.endsWith(shellPrompt.trimEnd());
}

const escapeChar = String.fromCharCode(0x1b);

/** A Select Graphic Rendition sequence (a color or attribute) with one of `codes` (a regex alternation). */
function sgr(codes: string): RegExp {
  return new RegExp(`${escapeChar}\\[(${codes})m`);
}

/** The AssumeRole calls the emulator answered, as role ARNs. */
function assumedRoles(emu: Emulator): string[] {
  return emu.requests.filter((request) => request.action === 'AssumeRole').map((request) => request.params.RoleArn ?? '');
}

/** The role an access key the emulator issued belongs to: arn:aws:sts::ACCT:assumed-role/ROLE. */
function roleOfKey(emu: Emulator, accessKeyId: string): string | undefined {
  return emu.sessionInfo(accessKeyId)?.arn.replace(/\/[^/]+$/, '');
}

describe('the profile picker in a real terminal', { concurrency: true }, () => {
  it('with the shell function of assume init bash, a bare assume opens the picker and sets the picked role in this shell, no eval', async () => {
    await withWorld({ withDefault: false }, async ({ emu, env }) => {
      await withShell(env, async (shell) => {
        shell.run('eval "$(command assume init bash)" && type assume | head -1');
        await shell.waitFor(/^assume is a function$/m, 'the function loaded');
        shell.run('assume');
        await shell.waitFor(showing('base', 'prod-admin', 'prod-ops', 'staging'), 'the picker, drawn although the function captures stdout');
        shell.type('staging');
        await shell.waitFor(showing('staging'), 'the list filtered to staging');
        shell.press('Enter');
        const picked = await shell.waitFor(promptBack, 'the shell prompt after the pick');
        assert.deepEqual(issuedSecretsIn(picked), [], 'no key, secret or token on the terminal');
        assert.match(picked, /^staging \(333333333333\) valid until .* left$/m, 'the success line, on the terminal');
        shell.run('echo "key=$AWS_ACCESS_KEY_ID"');
        const screen = await shell.waitFor(/^key=\S+$/m, 'the variable the function set');
        const [, key = ''] = /^key=(\S+)$/m.exec(screen) ?? [];
        assert.deepEqual(assumedRoles(emu), [roles.staging], 'one AssumeRole, for the role picked');
        assert.equal(roleOfKey(emu, key), 'arn:aws:sts::333333333333:assumed-role/Deployer', 'the function set the key the emulator issued for staging');
      });
    });
  });

  it('eval "$(assume)" lists every profile, filters as you type, picks with arrows and Enter, and sets that role\'s credentials', async () => {
    await withWorld({ withDefault: true }, async ({ emu, env }) => {
      await withShell(env, async (shell) => {
        shell.run('eval "$(assume)"');
        let screen = await shell.waitFor(showing('base', 'default', 'prod-admin', 'prod-ops', 'staging'), 'the picker with every profile');
        assert.equal(listed(screen).cursor, 'default', 'the cursor starts on the default profile');
        assert.match(screen, /^❯ default {5}role {4}444444444444 {2}Default$/m, 'name, kind, account and role, aligned');
        assert.match(screen, /^ {2}prod-ops {4}role {4}222222222222 {2}Ops$/m);
        assert.match(screen, /^ {2}base {8}static$/m);
        assert.match(screen, /^arn:aws:iam::444444444444:role\/Default {2}source_profile base {2}~\/\.aws\/config:\d+$/m, 'the description of the profile under the cursor');
        assert.match(shell.screen({ colors: true }), sgr('3\\d'), 'in color: stderr is a terminal and NO_COLOR is not set');

        shell.type('PROD');
        screen = await shell.waitFor(showing('prod-admin', 'prod-ops'), 'the list filtered to the prod profiles');
        assert.match(screen, /Pick a profile PROD/);
        shell.type(' 2222');
        await shell.waitFor(showing('prod-ops'), 'the list filtered by name and account');
        for (let i = 0; i < 5; i++) shell.press('BSpace');
        screen = await shell.waitFor(showing('prod-admin', 'prod-ops'), 'the list widened again');
        assert.equal(listed(screen).cursor, 'prod-admin');
        shell.press('Down');
        await shell.waitFor((shown) => listed(shown).cursor === 'prod-ops', 'the cursor on prod-ops');
        shell.press('Enter');

        screen = await shell.waitFor(promptBack, 'the shell prompt after eval');
        assert.doesNotMatch(screen, /Pick a profile/, 'the picker is wiped when done');
        assert.match(screen, /prod-ops/, 'the success line names the profile');
        assert.deepEqual(issuedSecretsIn(screen), [], 'no key, secret or token on the terminal');

        shell.run('echo "key=$AWS_ACCESS_KEY_ID region=$AWS_REGION"');
        screen = await shell.waitFor(/^key=\S+ region=\S*$/m, 'the exported variables');
        const [, key = '', region] = /^key=(\S+) region=(\S*)$/m.exec(screen) ?? [];
        assert.deepEqual(assumedRoles(emu), [roles['prod-ops']], 'exactly one AssumeRole, for the role picked');
        assert.equal(roleOfKey(emu, key), 'arn:aws:sts::222222222222:assumed-role/Ops', 'the shell holds the key the emulator issued for prod-ops');
        assert.equal(region, 'eu-west-1');
      });
    });
  });

  it('Ctrl-C and Esc cancel: exit 130, nothing on stdout, nothing set, no STS call, the terminal as it was', async () => {
    await withWorld({ withDefault: true }, async ({ emu, env }) => {
      await withShell(env, async (shell) => {
        shell.run('before=$(stty -g)');
        await shell.waitFor(promptBack, 'the prompt');
        for (const key of ['C-c', 'Escape']) {
          shell.press('C-l');
          shell.run('out="$(assume)"; echo "status=$? out=[$out]"; eval "$out"; echo "key=[${AWS_ACCESS_KEY_ID-unset}]"; [ "$(stty -g)" = "$before" ] && echo tty=same');
          await shell.waitFor(showing('base', 'default', 'prod-admin', 'prod-ops', 'staging'), 'the picker');
          shell.type('prod');
          await shell.waitFor(showing('prod-admin', 'prod-ops'), 'the filtered list');
          shell.press(key);
          const screen = await shell.waitFor(/^tty=same$/m, `the end after ${key}`);
          assert.match(screen, /^status=130 out=\[\]$/m, `exit 130 and an empty stdout after ${key}`);
          assert.match(screen, /^key=\[unset\]$/m);
          assert.match(screen, /^assume: no profile picked: the picker was cancelled$/m);
          assert.doesNotMatch(screen, /Pick a profile/, 'the picker is wiped');
        }
        assert.deepEqual(assumedRoles(emu), []);
        assert.equal(emu.requests.length, 0, 'no call to STS at all');
      });
    });
  });

  it('assume > file leaves only the credentials in the file: the picker draws on the terminal, in no color with NO_COLOR', async () => {
    await withWorld({ withDefault: false }, async ({ emu, env, home }) => {
      await withShell({ ...env, NO_COLOR: '1' }, async (shell) => {
        const out = join(home.dir, 'out.txt');
        shell.run(`assume > ${out}; echo "status=$?"`);
        const screen = await shell.waitFor(showing('base', 'prod-admin', 'prod-ops', 'staging'), 'the picker');
        assert.equal(listed(screen).cursor, 'base', 'no default profile: the cursor starts on the first');
        assert.doesNotMatch(shell.screen({ colors: true }), sgr('3\\d|1|2'), 'no color, bold or dim with NO_COLOR');
        shell.type('stag');
        await shell.waitFor(showing('staging'), 'only staging');
        shell.press('Enter');
        await shell.waitFor(/^status=0$/m, 'the end of assume');
        const text = readFileSync(out, 'utf8');
        assert.match(text, /^unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN;\n(export AWS_[A-Z_]+='[^'\n]*';\n)+$/, `only the shell statements in the file:\n${text}`);
        assert.ok(!text.includes(escapeChar), 'no escape sequence on stdout');
        assert.doesNotMatch(text, /Pick a profile|staging/, 'no picker drawing on stdout');
        const key = /^export AWS_ACCESS_KEY_ID='([^']+)';$/m.exec(text)?.[1] ?? '';
        assert.deepEqual(assumedRoles(emu), [roles.staging]);
        assert.equal(roleOfKey(emu, key), 'arn:aws:sts::333333333333:assumed-role/Deployer');
      });
    });
  });

  it('is a usage error (exit 2) at a terminal that is not the controlling one (setsid)', async () => {
    await withWorld({ withDefault: true }, async ({ emu, env }) => {
      await withShell(env, async (shell) => {
        shell.run('setsid -w assume; echo "status=$?"');
        const screen = await shell.waitFor(/^status=\d+$/m, 'the end of assume');
        assert.match(screen, /^status=2$/m);
        assert.match(screen, /^assume: no profile given, and no terminal to pick one on \(\/dev\/tty: no controlling terminal\)$/m);
        assert.match(screen, /^ {2}hint: Name the profile: assume PROFILE, or export AWS_PROFILE=PROFILE/m);
        assert.equal(emu.requests.length, 0);
      });
    });
  });
});

describe('assume with no profile and no terminal', { concurrency: true }, () => {
  it('is a usage error (exit 2) that says how to name a profile when there is no default profile', async () => {
    await withWorld({ withDefault: false }, async ({ emu, env, home }) => {
      const result = await runAssume([], env);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(
        result.stderr,
        `assume: no profile given: neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set, and there is no "default" profile in ${home.configFile} or ${home.credentialsFile}\n` +
          '  hint: Name one: assume PROFILE, or export AWS_PROFILE=PROFILE; or run assume at a terminal to pick one from a list. Profiles: base, prod-admin, prod-ops, staging.\n',
      );
      assert.equal(emu.requests.length, 0);
    });
  });

  it('uses the default profile, as the AWS CLI does, and opens no picker', async () => {
    await withWorld({ withDefault: true }, async ({ emu, env }) => {
      const result = await runAssume([], env);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /Pick a profile/);
      const key = /^export AWS_ACCESS_KEY_ID='([^']+)';$/m.exec(result.stdout)?.[1] ?? '';
      assert.deepEqual(assumedRoles(emu), [roles.default]);
      assert.equal(roleOfKey(emu, key), 'arn:aws:sts::444444444444:assumed-role/Default');
    });
  });

  it('keeps a profile named and missing as "not found" (exit 4)', async () => {
    await withWorld({ withDefault: false }, async ({ env }) => {
      const result = await runAssume(['missing'], env);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /^assume: profile "missing" not found in /);
    });
  });
});
