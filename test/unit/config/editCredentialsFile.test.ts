import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { editCredentialsFile, writtenKeys } from '../../../src/config/editCredentialsFile.js';
import type { CredentialsSection } from '../../../src/config/editCredentialsFile.js';
import { buildAwsConfig } from '../../../src/config/loadAwsConfig.js';
import { parseIni } from '../../../src/config/parseIni.js';
import type { AwsConfig } from '../../../src/config/types.js';

const FILE = '/home/u/.aws/credentials';
const NAME = 'work.tmp';

/** Values no generated old value can contain: old values are lower-case, these all have upper-case letters. */
const full: CredentialsSection = {
  aws_access_key_id: 'ASIAWRITTENKEY00001',
  aws_secret_access_key: 'Written/Secret+Key',
  aws_session_token: 'WRITTEN-TOKEN',
  x_security_token_expires: '2030-01-02T03:04:05Z',
};

function read(text: string): AwsConfig {
  return buildAwsConfig(parseIni('', '/home/u/.aws/config'), parseIni(text, FILE), { config: '/home/u/.aws/config', credentials: FILE });
}

function values(config: AwsConfig, profile: string): Record<string, string> {
  return Object.fromEntries([...(config.profiles.get(profile)?.settings ?? [])].map(([key, setting]) => [key, setting.value]));
}

describe('editCredentialsFile', () => {
  const cases: { name: string; before: string; values?: CredentialsSection; after: string }[] = [
    {
      name: 'creates the section in an empty file',
      before: '',
      after: '[work.tmp]\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\naws_session_token = WRITTEN-TOKEN\nx_security_token_expires = 2030-01-02T03:04:05Z\n',
    },
    {
      name: 'appends the section after one blank line, in the CRLF of the file',
      before: '# mine\r\n[default]\r\naws_access_key_id = AKIAOLD\r\n',
      after:
        '# mine\r\n[default]\r\naws_access_key_id = AKIAOLD\r\n\r\n[work.tmp]\r\naws_access_key_id = ASIAWRITTENKEY00001\r\naws_secret_access_key = Written/Secret+Key\r\naws_session_token = WRITTEN-TOKEN\r\nx_security_token_expires = 2030-01-02T03:04:05Z\r\n',
    },
    {
      name: 'appends to a file without a final line break and keeps it without one',
      before: '[default]\nregion = x',
      after:
        '[default]\nregion = x\n\n[work.tmp]\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\naws_session_token = WRITTEN-TOKEN\nx_security_token_expires = 2030-01-02T03:04:05Z',
    },
    {
      name: 'adds no second blank line after one already there',
      before: '[default]\nregion = x\n\n',
      values: { ...full, x_security_token_expires: undefined },
      after: '[default]\nregion = x\n\n[work.tmp]\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\naws_session_token = WRITTEN-TOKEN\n',
    },
    {
      name: 'replaces values in place, keeping the key as spelled, its separator, the other keys and the comments',
      before: '[work.tmp]\n# why\nAWS_Access_Key_Id: OLDKEY\nregion = eu-west-1\n  ; note\naws_secret_access_key=old\naws_session_token = old\nx_security_token_expires = 2020-01-01T00:00:00Z\n[next]\na = b\n',
      after:
        '[work.tmp]\n# why\nAWS_Access_Key_Id: ASIAWRITTENKEY00001\nregion = eu-west-1\n  ; note\naws_secret_access_key=Written/Secret+Key\naws_session_token = WRITTEN-TOKEN\nx_security_token_expires = 2030-01-02T03:04:05Z\n[next]\na = b\n',
    },
    {
      name: 'removes the token and expiry the new credentials do not have, with their continuation lines',
      before: '[work.tmp]\naws_access_key_id = old\naws_session_token = old\n   more-of-it\n\n   and-more\nregion = x\nx_security_token_expires = 2020-01-01T00:00:00Z\n',
      values: { ...full, aws_session_token: undefined, x_security_token_expires: undefined },
      after: '[work.tmp]\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\n\nregion = x\n',
    },
    {
      name: 'adds missing keys after the last written key, not into another value nor the next section',
      before: '[work.tmp]\naws_access_key_id = old\nrole = x\n  aws_session_token = not-a-key\n\n# next one\n[other]\naws_session_token = theirs\n',
      after:
        '[work.tmp]\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\naws_session_token = WRITTEN-TOKEN\nx_security_token_expires = 2030-01-02T03:04:05Z\nrole = x\n  aws_session_token = not-a-key\n\n# next one\n[other]\naws_session_token = theirs\n',
    },
    {
      name: 'adds the keys after the last setting and its continuation, indented like it',
      before: '[work.tmp]\n  region = x\n     y\n# end\n',
      after:
        '[work.tmp]\n  region = x\n     y\n  aws_access_key_id = ASIAWRITTENKEY00001\n  aws_secret_access_key = Written/Secret+Key\n  aws_session_token = WRITTEN-TOKEN\n  x_security_token_expires = 2030-01-02T03:04:05Z\n# end\n',
    },
    {
      name: 'keeps a byte order mark and writes into every copy of a section written twice',
      before: '\uFEFF[work.tmp]\naws_access_key_id = a\n[x]\n[work.tmp]\nregion = r',
      values: { ...full, x_security_token_expires: undefined },
      after:
        '\uFEFF[work.tmp]\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\naws_session_token = WRITTEN-TOKEN\n[x]\n[work.tmp]\nregion = r\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\naws_session_token = WRITTEN-TOKEN',
    },
    {
      name: 'treats [profile work.tmp] and [ work.tmp] as the other profiles they are in a credentials file',
      before: '[profile work.tmp]\na = 1\n[ work.tmp]\nb = 2\n',
      values: { ...full, aws_session_token: undefined, x_security_token_expires: undefined },
      after: '[profile work.tmp]\na = 1\n[ work.tmp]\nb = 2\n\n[work.tmp]\naws_access_key_id = ASIAWRITTENKEY00001\naws_secret_access_key = Written/Secret+Key\n',
    },
  ];
  for (const { name, before, values: given, after } of cases) {
    it(name, () => {
      assert.equal(editCredentialsFile(before, NAME, given ?? full), after);
    });
  }
});

// --- The property: many generated files ---------------------------------------------------

interface Rendered {
  readonly text: string;
  /** Per line: whether it is a key assume writes in a [NAME] section, or a continuation of one. */
  readonly lines: { readonly text: string; readonly eol: string; readonly written: boolean }[];
  readonly bom: boolean;
  readonly targets: number;
  readonly eol: string;
}

const oldValue = fc.stringMatching(/^[a-z0-9/+]{0,8}$/);
const keyName = fc.constantFrom(
  'aws_access_key_id',
  'AWS_ACCESS_KEY_ID',
  'aws_secret_access_key',
  'aws_session_token',
  'Aws_Session_Token',
  'x_security_token_expires',
  'aws_security_token',
  'region',
  'output',
  'note',
);
const separator = fc.constantFrom(' = ', '=', ' =', ': ', ' : ', '\t=\t');
const continuation = fc.oneof(
  oldValue.map((v) => `  ${v}x`),
  oldValue.map((v) => `    aws_session_token = look${v}`),
  oldValue.map((v) => `\tregion = ${v}`),
);
const setting = fc.record({ key: keyName, separator, value: oldValue, continuations: fc.array(continuation, { maxLength: 2 }), blankInside: fc.boolean() });
const filler = fc.oneof(fc.constantFrom('', '   ', '\t'), oldValue.map((v) => `# ${v}`), oldValue.map((v) => `  ; ${v}`));
const item = fc.oneof({ weight: 3, arbitrary: setting.map((s) => ({ kind: 'setting' as const, ...s })) }, { weight: 1, arbitrary: filler.map((text) => ({ kind: 'filler' as const, text })) });
const headerStyle = fc.constantFrom('', ' ; note', '  ', ' # c');
const section = (name: string): fc.Arbitrary<{ name: string; header: string; items: { kind: 'setting' | 'filler'; [key: string]: unknown }[] }> =>
  fc.record({ style: headerStyle, items: fc.array(item, { maxLength: 6 }) }).map(({ style, items }) => {
    // One setting per key in a section (ignoring case), as the AWS CLI requires.
    const seen = new Set<string>();
    const kept = items.filter((entry) => {
      if (entry.kind === 'filler') return true;
      const key = entry.key.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { name, header: `[${name}]${style}`, items: kept };
  });
const otherNames = fc.uniqueArray(fc.constantFrom('default', 'prod', 'profile work.tmp', ' work.tmp', 'work.tmp2', 'Work.Tmp', 'a b'), { maxLength: 4 });
const generatedFile = fc
  .record({
    bom: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    finalBreak: fc.boolean(),
    preamble: fc.array(filler, { maxLength: 2 }),
    others: otherNames.chain((names) => fc.tuple(...names.map((name) => section(name)))),
    targets: fc.array(section(NAME), { maxLength: 2 }),
    duplicateOther: fc.boolean(),
    order: fc.array(fc.nat(), { maxLength: 8 }),
  })
  .map(({ bom, eol, finalBreak, preamble, others, targets, duplicateOther, order }): Rendered => {
    const sections = [...others, ...(duplicateOther && others[0] !== undefined ? [others[0]] : [])];
    targets.forEach((target, i) => sections.splice((order[i] ?? 0) % (sections.length + 1), 0, target));
    const lines: { text: string; written: boolean }[] = preamble.map((text) => ({ text, written: false }));
    for (const { name, header, items } of sections) {
      lines.push({ text: header, written: false });
      for (const entry of items) {
        if (entry.kind === 'filler') {
          lines.push({ text: entry.text as string, written: false });
          continue;
        }
        const key = entry.key as string;
        const written = name === NAME && (writtenKeys as readonly string[]).includes(key.toLowerCase());
        const value = entry.value as string;
        const continuations = entry.continuations as string[];
        // An empty value with continuation lines is a block of sub-properties: each needs an "=".
        const lineValue = value === '' && continuations.length > 0 ? '' : value;
        lines.push({ text: `${key}${entry.separator as string}${lineValue}`, written });
        if (continuations.length > 0 && entry.blankInside === true) lines.push({ text: '', written: false });
        for (const text of continuations) lines.push({ text: lineValue === '' && !text.includes('=') ? `${text} = v` : text, written });
      }
    }
    const withEol = lines.map((line, i) => ({ ...line, eol: i === lines.length - 1 && !finalBreak ? '' : eol }));
    const text = (bom ? '\uFEFF' : '') + withEol.map((line) => line.text + line.eol).join('');
    return { text, lines: withEol, bom, targets: targets.length, eol };
  });

/** Lines joined back without those `drop` picks; a missing final line break stays missing. */
function without(lines: readonly { text: string; eol: string }[], drop: (line: { text: string; eol: string }) => boolean): string {
  const finalBreak = lines.length === 0 || lines[lines.length - 1]?.eol !== '';
  const kept = lines.filter((line) => !drop(line));
  return kept.map((line, i) => line.text + (i === kept.length - 1 && !finalBreak ? '' : line.eol)).join('');
}

function splitLines(text: string): { text: string; eol: string }[] {
  const lines: { text: string; eol: string }[] = [];
  const pattern = /\r\n|\r|\n/g;
  let start = 0;
  for (const match of text.matchAll(pattern)) {
    lines.push({ text: text.slice(start, match.index), eol: match[0] });
    start = match.index + match[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

function parses(text: string): boolean {
  try {
    parseIni(text, FILE);
    return true;
  } catch {
    return false;
  }
}

const newValues = fc.record({ token: fc.boolean(), expiry: fc.boolean() }).map(
  ({ token, expiry }): CredentialsSection => ({
    ...full,
    aws_session_token: token ? full.aws_session_token : undefined,
    x_security_token_expires: expiry ? full.x_security_token_expires : undefined,
  }),
);

describe('editCredentialsFile over generated files', () => {
  it('changes nothing but the written keys of [NAME], and the AWS CLI reads the new values and every other profile as before', () => {
    let validFiles = 0;
    let appended = 0;
    fc.assert(
      fc.property(generatedFile, newValues, (file, given) => {
        const after = editCredentialsFile(file.text, NAME, given);
        const defined = writtenKeys.map((key) => given[key]).filter((value): value is string => value !== undefined);
        const isWritten = (line: { text: string }): boolean => defined.some((value) => line.text.includes(value));
        const bom = file.bom ? '\uFEFF' : '';
        assert.equal(after.startsWith(bom), true);
        assert.equal(after.startsWith('\uFEFF\uFEFF'), false);
        const newLines = splitLines(after.slice(bom.length));
        // Line breaks: only the file's own (LF in a file that has none).
        const eol = file.lines.find((line) => line.eol !== '')?.eol ?? '\n';
        assert.deepEqual([...new Set(newLines.map((line) => line.eol).filter((found) => found !== '' && found !== eol))], []);
        assert.equal(newLines.filter(isWritten).length, defined.length * Math.max(1, file.targets));

        if (file.targets > 0) {
          assert.equal(without(newLines, isWritten), without(file.lines, (line) => file.lines.find((tagged) => tagged === line)?.written === true));
        } else {
          appended++;
          assert.ok(after.startsWith(file.text));
          const rest = without(newLines, isWritten).slice(file.text.length - bom.length);
          const header = `[${NAME}]`;
          const gap = rest.slice(0, rest.indexOf(header));
          assert.ok(['', eol, eol.repeat(2)].includes(gap), JSON.stringify(rest));
          assert.ok(rest === `${gap}${header}${eol}` || rest === `${gap}${header}`, JSON.stringify(rest));
          // One blank line before the new section, unless the file was empty.
          const beforeHeader = splitLines(after.slice(0, after.indexOf(header)));
          if (file.text.length > bom.length) assert.equal(beforeHeader[beforeHeader.length - 1]?.text.trim(), '');
        }

        // As the AWS CLI reads it (its own refusal of a BOM aside: compare the text after it).
        const oldText = file.text.slice(bom.length);
        if (!parses(oldText)) return;
        validFiles++;
        const oldConfig = read(oldText);
        const newConfig = read(after.slice(bom.length));
        assert.deepEqual([...newConfig.profiles.keys()].sort(), [...new Set([...oldConfig.profiles.keys(), NAME])].sort());
        for (const profile of oldConfig.profiles.keys()) {
          if (profile !== NAME) assert.deepEqual(values(newConfig, profile), values(oldConfig, profile));
        }
        const expected: Record<string, string> = Object.fromEntries(Object.entries(values(oldConfig, NAME)).filter(([key]) => !(writtenKeys as readonly string[]).includes(key)));
        for (const key of writtenKeys) if (given[key] !== undefined) expected[key] = given[key];
        assert.deepEqual(values(newConfig, NAME), expected);
      }),
      { numRuns: Number(process.env.ASSUME_PROPERTY_RUNS ?? 3000), seed: Number(process.env.ASSUME_PROPERTY_SEED ?? 20260501) },
    );
    // The generator must reach both kinds of file often, or the property proves little.
    assert.ok(validFiles > 300, `only ${validFiles} generated files parse`);
    assert.ok(appended > 100, `only ${appended} generated files lack the section`);
  });
});
