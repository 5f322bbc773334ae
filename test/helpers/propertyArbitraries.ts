/**
 * fast-check arbitraries for what assume prints: credential values made to break a quoting
 * scheme, regions, and the shapes of a CredentialsOutput (token, expiration and region present
 * or not). Values never hold what every format refuses (a NUL, a lone surrogate); `unsafeValue`
 * makes exactly those.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { CredentialsOutput } from '../../src/credentials.js';
import { handPicked } from './adversarialValues.js';

/** The file a leaked value would create in the shell's working directory, and the command it would run. */
export const canary = 'pwned';

/** Pieces of shell, fish, PowerShell and cmd syntax that run `touch pwned` if a format ever lets them through. */
export const canaryFragments: readonly string[] = [
  `$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary}; '`, `"; touch ${canary}; "`, `; touch ${canary};`,
  `\ntouch ${canary}\n`, `(touch ${canary})`, `&& touch ${canary}`, `| touch ${canary}`, `>${canary}-redirect`,
  `$(touch\${IFS}${canary})`, `'"$(touch ${canary})"'`, `\\'; touch ${canary} #`, `'; touch ${canary}; set -gx X '`,
  `\\x27; touch ${canary}; \\x27`, `"&touch ${canary}&"`, `%COMSPEC% /c touch ${canary}`, `!touch ${canary}!`,
  `$(iex 'touch ${canary}')`, `' + (touch ${canary}) + '`, `\u2019; touch ${canary}; \u2018`, `<(touch ${canary})`,
  `\`\ntouch ${canary}\n\``, `x;touch ${canary}`, `\${x:-$(touch ${canary})}`,
];

/** Characters every format prints as they are (see isPlainValue). */
const plainCharacters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=._,:@-';
/** ASCII that means something to some shell, glob or escape. */
const syntaxCharacters = `'"\\$\`!*?[]{}()<>|&;#~%^ \t\n\r`;

function charFrom(min: number, max: number): Arbitrary<string> {
  return fc.integer({ min, max }).map((code) => String.fromCharCode(code));
}

/** Any code point above ASCII, never a surrogate: full Unicode, astral planes included. */
const nonAscii = fc
  .integer({ min: 0x80, max: 0x10ffff - 0x800 })
  .map((code) => String.fromCodePoint(code >= 0xd800 ? code + 0x800 : code));

/** One piece of a value: a character of some kind, or a fragment of known trouble. */
const valueUnit: Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Array.from(syntaxCharacters)) },
  { weight: 4, arbitrary: fc.constantFrom(...Array.from(plainCharacters)) },
  { weight: 2, arbitrary: charFrom(0x20, 0x7e) },
  // C0 controls but NUL, and DEL.
  { weight: 1, arbitrary: fc.oneof(charFrom(0x01, 0x1f), fc.constant('\x7f')) },
  { weight: 2, arbitrary: nonAscii },
  // What fish reserves (raw bytes, wildcards), line and paragraph separators, BOM,
  // noncharacters, combining marks, right-to-left override, typographic quotes.
  {
    weight: 2,
    arbitrary: fc.oneof(
      charFrom(0xf600, 0xf6ff), charFrom(0xfdd0, 0xfdef), charFrom(0x300, 0x36f), charFrom(0x2018, 0x201f),
      fc.constantFrom('\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\u202e', '\u3000', '\u{10ffff}'),
    ),
  },
  // Digits and hex letters right after an escape a formatter wrote.
  { weight: 1, arbitrary: fc.constantFrom(...Array.from('0123456789abcdefABCDEFxXuU')) },
  { weight: 1, arbitrary: fc.constantFrom(...canaryFragments) },
  { weight: 1, arbitrary: fc.constantFrom(...handPicked).map((value) => value.slice(0, 40)) },
);

const valueStrings = fc.oneof(
  { weight: 16, arbitrary: fc.string({ unit: valueUnit, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: valueUnit, minLength: 200, maxLength: 1200 }) },
);

/** Whether an environment variable can hold the value: no NUL, no lone surrogate. */
export function isEnvironmentSafe(value: string): boolean {
  return !value.includes('\0') && !/\p{Cs}/u.test(value);
}

/** A value made to break quoting: Unicode of every kind, shell syntax, control characters, long strings. Never NUL or a lone surrogate. */
export const hostileValue: Arbitrary<string> = valueStrings.filter(isEnvironmentSafe);

/** A value every format prints as it is: the realistic kind of keys, secrets and tokens. */
export const plainValue: Arbitrary<string> = fc.oneof(
  fc.constantFrom('ASIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==', ''),
  fc.string({ unit: fc.constantFrom(...Array.from(plainCharacters)), maxLength: 64 }),
  fc.stringMatching(/^ASIA[A-Z2-7]{16}$/),
);

/** Mostly plain, sometimes hostile: every hostile value costs the shells a fork, so a case holds one or two. */
export const credentialValue: Arbitrary<string> = fc.oneof({ weight: 4, arbitrary: plainValue }, { weight: 1, arbitrary: hostileValue });

/** Regions: real ones, region-shaped ones, and hostile strings (a config file can say anything). */
export const regionValue: Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1', 'eu-isoe-west-1', 'il-central-1') },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]{4,9}-\d{1,2}$/) },
  { weight: 1, arbitrary: hostileValue },
);

/** Any expiration RFC 3339 can express: years 0000 to 9999. */
export const expirationValue: Arbitrary<Date> = fc.date({
  min: new Date('0000-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

/** Every shape a formatter must handle: token, expiration and region each present or not. */
export function credentialsOutput(value: Arbitrary<string> = credentialValue, region: Arbitrary<string> = regionValue): Arbitrary<CredentialsOutput> {
  return fc
    .record({
      accessKeyId: value,
      secretAccessKey: value,
      sessionToken: fc.option(value, { nil: undefined, freq: 5 }),
      expiration: fc.option(expirationValue, { nil: undefined, freq: 5 }),
      region: fc.option(region, { nil: undefined, freq: 4 }),
    })
    .map(({ region: chosen, ...credentials }) => ({ credentials, region: chosen }));
}

/** A value no environment variable can hold: a hostile value with a NUL or a lone surrogate put in. */
export const unsafeValue: Arbitrary<string> = fc
  .tuple(hostileValue, fc.constantFrom('\0', '\ud800', '\udbff', '\udc00', '\udfff'), hostileValue)
  .map(([before, bad, after]) => `${before}${bad}${after}`);
