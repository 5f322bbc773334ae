// The shell function of `assume init` and the scripts of `assume completion`, in real
// interactive shells (bash, zsh, fish) under tmux, against the STS emulator: what they do is
// read on the screen (only access key ids and lengths are printed there, never a secret) and
// in the environment the shell then hands to its children (printenv). bin/ is on the PATH, so
// the function named assume must reach the program named assume without calling itself.
// `assume --unset` is also evaluated by dash, without a terminal.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatInit } from '../../src/commands/init.js';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { issuedSecretsIn } from '../emulator/issuedSecrets.js';
import { assumeBin, runAssume, runCommand } from '../helpers/runAssume.js';
import { startShellTerminal } from '../helpers/shellTerminal.js';
import type { ShellTerminal } from '../helpers/shellTerminal.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

type Shell = 'bash' | 'zsh' | 'fish';

let emu: Emulator;
let user: UserKeys;
let home: TempHome;
let version: string;

function configText(u: UserKeys): string {
  return `[profile base]
aws_access_key_id = ${u.accessKeyId}
aws_secret_access_key = ${u.secretAccessKey}

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
region = eu-west-1

[profile forbidden]
role_arn = arn:aws:iam::555555555555:role/NotTrusted
source_profile = base

[profile zz-last-profile]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
`;
}

/** The environment of a shell: nothing of the machine's but PATH (bin/ and node first), a fresh cache. */
function shellEnv(dir: string): Record<string, string> {
  return {
    PATH: [dirname(assumeBin), dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    HOME: home.dir,
    TERM: 'xterm',
    PS1: '$ ',
    AWS_CONFIG_FILE: home.configFile,
    AWS_SHARED_CREDENTIALS_FILE: home.credentialsFile,
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    ZDOTDIR: dir,
  };
}

const shellArgv: Readonly<Record<Shell, readonly string[]>> = {
  bash: ['bash', '--norc', '--noprofile'],
  zsh: ['zsh', '-f'],
  fish: ['fish', '--no-config'],
};

const loadInit: Readonly<Record<Shell, string>> = {
  bash: 'eval "$(assume init bash)"',
  zsh: 'eval "$(assume init zsh)"',
  fish: 'assume init fish | source',
};

const loadCompletion: Readonly<Record<Shell, string>> = {
  bash: 'source <(assume completion bash)',
  zsh: 'autoload -U compinit && compinit -u && eval "$(assume completion zsh)"',
  fish: 'assume completion fish | source',
};

/** What a probe printed: the status of the command before it and the exported AWS_* variables. */
interface Probe {
  readonly status: number;
  readonly id: string;
  readonly secretLength: number;
  readonly tokenLength: number;
  readonly region: string;
  readonly profile: string;
}

/**
 * Runs `command` in the shell, then prints on one line its status and what a child process
 * sees of the variables (printenv: exported ones only): the access key id, the lengths of the
 * secret and the token (never the values), the region and AWS_PROFILE.
 */
async function probe(term: ShellTerminal, shell: Shell, tag: string, command: string): Promise<Probe> {
  const status = shell === 'fish' ? 'set __rc $status' : '__rc=$?';
  term.run(
    `${command}; ${status}; echo "${tag} rc=[$__rc] id=[$(printenv AWS_ACCESS_KEY_ID)] secret=[$(printenv AWS_SECRET_ACCESS_KEY | wc -c)] token=[$(printenv AWS_SESSION_TOKEN | wc -c)] region=[$(printenv AWS_REGION)] profile=[$(printenv AWS_PROFILE)]"`,
  );
  const match = await term.waitFor(new RegExp(`^${tag} rc=\\[(\\d+)\\] id=\\[(.*)\\] secret=\\[ *(\\d+)\\] token=\\[ *(\\d+)\\] region=\\[(.*)\\] profile=\\[(.*)\\]$`, 'm'));
  return {
    status: Number(match[1]),
    id: match[2] ?? '',
    secretLength: Number(match[3]),
    tokenLength: Number(match[4]),
    region: match[5] ?? '',
    profile: match[6] ?? '',
  };
}

/** Starts the shell with the function of `assume init` loaded, hands it to `body`, and always kills it. */
async function withShell(shell: Shell, options: { completion?: boolean }, body: (term: ShellTerminal) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `assume-${shell}-`));
  const term = startShellTerminal(shellArgv[shell], shellEnv(dir));
  try {
    term.run(`${loadInit[shell]}; echo "init-$(echo loaded)"`);
    await term.waitFor(/^init-loaded$/m);
    if (options.completion === true) {
      term.run(`${loadCompletion[shell]}; echo "completion-$(echo loaded)"`);
      await term.waitFor(/^completion-loaded$/m);
    }
    await body(term);
    // Access key ids are printed on purpose (and are no secret); nothing else the emulator issued may show.
    const shown = issuedSecretsIn(term.screen()).filter((value) => !/^A[KS]IA[A-Z0-9]{16}$/.test(value));
    assert.deepEqual(shown, [], 'no secret the emulator issued is on the screen');
  } finally {
    term.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

before(async () => {
  emu = await startEmulator();
  user = emu.addUser({ name: 'dev', accountId: '111111111111' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  emu.addRole({ arn: 'arn:aws:iam::555555555555:role/NotTrusted', trust: ['arn:aws:iam::999999999999:root'] });
  home = createTempHome(configText(user));
  version = (await runAssume(['--version'], { HOME: home.dir })).stdout.trim();
  assert.match(version, /^\d+\.\d+\.\d+/);
});

after(async () => {
  home.cleanup();
  await emu.close();
});

for (const shell of ['bash', 'zsh', 'fish'] as const) {
  describe(`assume init ${shell}, in an interactive ${shell}`, () => {
    it('sets the variables with `assume PROFILE`, keeps them through a failing profile, and clears them with `assume --unset`', async () => {
      await withShell(shell, {}, async (term) => {
        const before = await probe(term, shell, 'fresh', shell === 'fish' ? 'set -gx AWS_PROFILE base' : 'export AWS_PROFILE=base');
        assert.deepEqual(before, { status: 0, id: '', secretLength: 0, tokenLength: 0, region: '', profile: 'base' });

        const assumed = await probe(term, shell, 'assumed', 'assume admin');
        assert.equal(assumed.status, 0);
        assert.match(assumed.id, /^ASIA/);
        assert.equal(emu.sessionInfo(assumed.id)?.arn.startsWith('arn:aws:sts::222222222222:assumed-role/Admin/'), true, 'the key is a session of the role the emulator issued');
        assert.ok(assumed.secretLength > 1 && assumed.tokenLength > 1, 'secret and token are exported');
        assert.deepEqual({ region: assumed.region, profile: assumed.profile }, { region: 'eu-west-1', profile: '' });

        const denied = await probe(term, shell, 'denied', 'assume forbidden');
        assert.deepEqual(denied, { ...assumed, status: 6 }, 'a refused role changes nothing and returns its status');
        const missing = await probe(term, shell, 'missing', 'assume no-such-profile');
        assert.deepEqual(missing, { ...assumed, status: 4 });

        await probe(term, shell, 'chosen', shell === 'fish' ? 'set -gx AWS_PROFILE dev' : 'export AWS_PROFILE=dev');
        const unset = await probe(term, shell, 'unset', 'assume --unset');
        assert.deepEqual(unset, { status: 0, id: '', secretLength: 0, tokenLength: 0, region: '', profile: 'dev' }, '--unset clears what assume set and leaves a chosen AWS_PROFILE');
      });
    });

    it('passes through --version, subcommands and PROFILE -- COMMAND (on the terminal, with its status), and leaks no variable', async () => {
      await withShell(shell, {}, async (term) => {
        const shown = await probe(term, shell, 'version', 'assume --version');
        assert.equal(shown.status, 0);
        assert.match(term.screen(), new RegExp(`^${version.replace(/\./g, '\\.')}$`, 'm'), 'the version is printed, not evaluated');

        const direct = await runAssume(['ls'], { HOME: home.dir, AWS_CONFIG_FILE: home.configFile, AWS_SHARED_CREDENTIALS_FILE: home.credentialsFile });
        const listed = await probe(term, shell, 'listed', 'assume ls');
        assert.equal(listed.status, direct.code, 'assume ls returns the status of the program');
        assert.equal(listed.id, '');

        const help = await probe(term, shell, 'help', 'assume admin --help | grep -c Examples');
        assert.equal(help.id, '', '--help assumes nothing');
        await term.waitFor(/^1$/m);

        const ran = await probe(term, shell, 'ran', "assume admin -- sh -c 'test -t 0 && test -t 1 && echo \"tty:$AWS_REGION\"; exit 7'");
        assert.equal(ran.status, 7, 'the status of the command is the status of the function');
        assert.equal(ran.id, '', 'the command got the credentials, the shell did not');
        await term.waitFor(/^tty:eu-west-1$/m);

        const leaked = shell === 'fish' ? 'set -n | string match -q "*__assume*"; and echo leaked-yes; or echo leaked-no' : 'set | grep -q "^__assume_" && echo leaked-yes || echo leaked-no';
        term.run(leaked);
        await term.waitFor(/^leaked-no$/m);
        assert.doesNotMatch(term.screen(), /^leaked-yes$/m);
      });
    });

    if (shell !== 'fish') {
      it('works in a shell with set -eu (errexit and nounset)', async () => {
        await withShell(shell, {}, async (term) => {
          term.run('set -eu; echo "strict-$(echo on)"');
          await term.waitFor(/^strict-on$/m);
          const assumed = await probe(term, shell, 'strict-assumed', 'assume admin');
          assert.equal(assumed.status, 0);
          assert.match(assumed.id, /^ASIA/);
          const unset = await probe(term, shell, 'strict-unset', 'assume --unset');
          assert.deepEqual({ status: unset.status, id: unset.id }, { status: 0, id: '' });
          const picked = await probe(term, shell, 'strict-again', 'assume -q admin');
          assert.equal(picked.status, 0);
          assert.match(picked.id, /^ASIA/);
        });
      });
    }

    it('completes commands, profiles read from the config, options and formats with Tab', async () => {
      // zsh and fish list the choices on the first Tab, bash on the second. (A second Tab in
      // zsh would start a menu that a Ctrl-C then only interrupts.)
      const list = shell === 'bash' ? ['Tab', 'Tab'] : ['Tab'];
      await withShell(shell, { completion: true }, async (term) => {
        let step = 0;
        /** Types `text`, presses `keys`, and waits for each pattern in what the screen then shows. */
        const complete = async (text: string, keys: readonly string[], ...patterns: RegExp[]): Promise<string> => {
          const marker = `step-${++step}`;
          term.run(`echo ${marker}`);
          await term.waitFor(new RegExp(`^${marker}$`, 'm'));
          term.type(text);
          term.press(...keys);
          let shown = '';
          for (const pattern of patterns) shown = (await term.waitFor(pattern, { after: marker })).input;
          term.press('C-c');
          return shown;
        };
        await complete('assume zz-', ['Tab'], /assume zz-last-profile/);
        const menu = await complete('assume ', list, /forbidden/, /zz-last-profile/, /\bbase\b/);
        assert.match(menu, /\bwhoami\b/, 'commands are offered with the profiles');
        await complete('assume --for', ['Tab'], /assume --format\s*$/m);
        await complete('assume --format ', list, /credential-process/, /powershell/, /dotenv/);
        await complete('assume -p ', list, /zz-last-profile/);
        await complete('assume init ', list, /zsh/, /powershell/);
        // (Not `fish`: fish would suggest the rest of an earlier line from its history.)
        await complete('assume completion z', ['Tab'], /assume completion zsh\s*$/m);
        await complete('assume cache cl', ['Tab'], /assume cache clear\s*$/m);
        await complete('assume explain zz', ['Tab'], /assume explain zz-last-profile\s*$/m);
      });
    });
  });
}

/**
 * Command lines, and whether the function must evaluate the binary's output (it then runs it
 * with the shell's own --format first) or run it as it is.
 */
const classified: readonly (readonly [args: string, mode: 'eval' | 'pass'])[] = [
  ['', 'eval'],
  ['prod', 'eval'],
  ['--unset', 'eval'],
  ['-q prod -r eu-west-1 --no-cache', 'eval'],
  ['--region=eu-west-1 prod', 'eval'],
  ['--session-name --help prod', 'eval'],
  ['-r -h prod', 'eval'],
  ['-rh prod', 'eval'],
  ['-p ls', 'eval'],
  ['prod ls', 'eval'],
  ['--region=-h prod', 'eval'],
  ['ls', 'pass'],
  ['ls --json', 'pass'],
  ['console prod', 'pass'],
  ['cache clear', 'pass'],
  ['__complete profiles', 'pass'],
  ['init bash', 'pass'],
  ['prod -- aws s3 ls', 'pass'],
  ['--help', 'pass'],
  ['prod -h', 'pass'],
  ['-qh', 'pass'],
  ['prod --version', 'pass'],
  ['-V', 'pass'],
  ['-f json prod', 'pass'],
  ['--format=fish prod', 'pass'],
  ['-fjson prod', 'pass'],
  ['-qf json prod', 'pass'],
  ['--list', 'pass'],
  ['--console prod', 'pass'],
  ['--write-profile tmp prod', 'pass'],
  ['--write-profile=tmp prod', 'pass'],
];

describe('the function of assume init, with a stand-in program as ASSUME_BIN', { concurrency: true }, () => {
  // The stand-in logs its arguments; asked for a shell format it prints a statement that sets
  // ASSUME_FAKE (and exits with $FAKE_STATUS, printing the statement all the same); otherwise
  // it prints "ran" and exits with 3.
  const fake = `#!/bin/sh
printf '%s|' "$@" >>"$FAKE_LOG"; echo >>"$FAKE_LOG"
case "$1 $2" in
  '--format sh') echo "export ASSUME_FAKE='evaluated';"; exit "\${FAKE_STATUS:-0}" ;;
  '--format fish') echo "set -gx ASSUME_FAKE 'evaluated';"; exit "\${FAKE_STATUS:-0}" ;;
esac
echo ran
exit 3
`;
  /** Each case, then its status and what it set, on one line of stdout; last, `prod` again, failing (FAKE_STATUS=5). */
  function cases(shell: Shell): string {
    const [status, reset, fake, fail] =
      shell === 'fish' ? ['$status', 'set -e ASSUME_FAKE', '$ASSUME_FAKE', 'set -gx FAKE_STATUS 5'] : ['$?', 'unset ASSUME_FAKE', '${ASSUME_FAKE-}', 'export FAKE_STATUS=5'];
    const run = (args: string): string => `${reset}; assume ${args}; echo "status=${status} fake=[${fake}]"`;
    return [...classified.map(([args]) => run(args)), fail, run('prod')].join('; ');
  }
  const shellArgs: Readonly<Record<Shell, (file: string) => readonly string[]>> = {
    bash: (file) => ['bash', '--norc', '--noprofile', '-c', `set -u; source '${file}'; ${cases('bash')}`],
    zsh: (file) => ['zsh', '-f', '-c', `setopt nounset globsubst shwordsplit ksharrays; source '${file}'; ${cases('zsh')}`],
    fish: (file) => ['fish', '--no-config', '-c', `source '${file}'; ${cases('fish')}`],
  };

  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    it(`in ${shell}: evaluates the output of credentials calls only, runs everything else as it is, and returns the program's status`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `assume-classify-${shell}-`));
      try {
        const bin = join(dir, 'assume-fake');
        writeFileSync(bin, fake);
        chmodSync(bin, 0o755);
        const functionFile = join(dir, 'init');
        writeFileSync(functionFile, formatInit(shell));
        const log = join(dir, 'log');
        writeFileSync(log, '');
        const [file = '', ...args] = shellArgs[shell](functionFile);
        const format = shell === 'fish' ? 'fish' : 'sh';
        const result = await runCommand(file, args, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, FAKE_LOG: log, ASSUME_BIN: bin, ASSUME_FAKE: '' });
        assert.equal(result.stderr, '');
        const calls = readFileSync(log, 'utf8').split('\n').slice(0, -1);
        const expectedCalls = [...classified.map(([args, mode]) => `${mode === 'eval' ? `--format|${format}|` : ''}${args === '' ? '' : `${args.split(' ').join('|')}|`}`), `--format|${format}|prod|`];
        assert.deepEqual(calls, expectedCalls, 'how the program was called, case by case');
        const expectedLines = [
          ...classified.map(([, mode]) => (mode === 'eval' ? 'status=0 fake=[evaluated]' : 'ran\nstatus=3 fake=[]')),
          'status=5 fake=[]', // the failing program printed a statement too: it was not evaluated
        ];
        assert.equal(result.stdout, `${expectedLines.join('\n')}\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('assume --unset, evaluated by dash', () => {
  it('clears every variable assume sets, quoted and unquoted, and leaves AWS_PROFILE', async () => {
    const script = [
      'export AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b AWS_SESSION_TOKEN=c AWS_CREDENTIAL_EXPIRATION=d AWS_REGION=e AWS_DEFAULT_REGION=f AWS_SECURITY_TOKEN=g AWS_PROFILE=dev',
      'eval "$("$ASSUME" --unset)" || exit 9',
      'env | grep ^AWS_ | sort',
      'export AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b',
      'eval $("$ASSUME" --unset) || exit 9',
      'echo "unquoted:${AWS_ACCESS_KEY_ID-gone}:${AWS_SECRET_ACCESS_KEY-gone}"',
    ].join('\n');
    const result = await runCommand('dash', ['-c', script], { PATH: [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(':'), ASSUME: assumeBin, HOME: home.dir });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'AWS_PROFILE=dev\nunquoted:gone:gone\n');
    assert.equal(result.code, 0);
  });
});
