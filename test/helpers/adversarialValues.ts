/**
 * Values chosen to break a quoting scheme (shell syntax, whitespace, escapes, odd Unicode),
 * and a seeded generator that mixes them with random characters of every kind. Shared by
 * the shell round-trip tests and the emulator-served value tests.
 */
const controlCharacters = Array.from({ length: 31 }, (_, index) => String.fromCharCode(index + 1)).concat('\x7f');

/** Values chosen to break a quoting scheme: shell syntax, whitespace, escapes, odd Unicode. */
export const handPicked: readonly string[] = [
  '', 'plain', 'ASIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'IQoJb3JpZ2luX2Vj+/==',
  "'", '"', "''", "'\\''", "a'b", 'a"b', `'"'"'`, "'; touch canary-quote; '", '"; touch canary-dquote; "',
  '$(touch canary-subst)', '`touch canary-backtick`', '$(touch canary-a)$(touch canary-b)', '${x:-$(touch canary-default)}',
  '${HOME}', '$HOME', '$', '$$', '$?', '$#', '$@', '$*', '$0', '$1', '$-', '$!', '${', '$((1+1))', '$[1+1]',
  '!', '!!', '!$', '!-1', '^a^b', ';', 'a;touch canary-semicolon', '&', '&&', '&& touch canary-and', '||', '|', '| touch canary-pipe',
  '>', '>canary-redirect', '> canary-redirect2', '>>canary-append', '<', '<canary-in', '2>&1', '<<EOF', '<(touch canary-procsub)',
  '#', '# comment', 'a #b', 'a#b', '-', '-n', '-e', '-E', '--', '-rf', '-x y', '--help', '+x',
  '~', '~root', '~/x', 'a=~', '=', '=ls', 'a=b', ':', '*', '?', '**', '*/*', '[a]', '[!a]', '[[:alpha:]]', '[', ']', 'a[1]',
  '{a,b}', '{1..3}', '{', '}', '{}', '@(a)', '+(a)', '!(a)', '*(a)', '?(a)', '^a', 'a|b', '(a)', '<1-9>', 'a~b',
  ' ', '  ', 'a b', 'a  b', '  lead', 'trail  ', '\t', 'a\tb', ' \t \n ', '\n', '\n\n', '\nlead', 'trail\n', 'trail\n\n',
  '\r', '\r\n', 'a\rb', '\v\f',
  '\\', '\\\\', 'a\\', '\\n', '\\t', '\\x41', '\\u0041', '\\U00000041', '\\101', '\\0', '\\000', '\\0121', '\\c', '\\e', "\\'", '\\"', '\\$x', '\\`',
  '%', '%%', '%s', '%d%n%%', '%b', 'x%', '%x', '%c%c', '%1$s', '%*d',
  'x', 'xx', 'ax', '1', '0', '00', '012', '1\n', '\n1', '\n0121',
  'é', 'naïve', 'Ünïcödé', '日本語', 'Здравствуй', 'مرحبا', '😀', '👩‍👩‍👧', 'e\u0301', '\u0301', '\u0301\u0302\u0303',
  '\u2028', '\u2029', '\u0085', '\u00a0', '\ufeff', '\u200b', '\u202e', '\u3000', '\u1680',
  '\uf600', '\uf641', '\uf6ff', '\ufdd0', '\ufdef', '\ufffd', '\ufffe', '\uffff', '\u{10ffff}', '\u{1f600}1',
  '(', ')', '(touch canary-fish)', 'a(b)c', '\\u', '\\x', '\\X', '\\X41', '\\xff', 'a;b', '&;|', 'set -e AWS_PROFILE',
  'export AWS_PROFILE=evil', "'; export AWS_PROFILE=evil; '", 'x\nexport AWS_PROFILE=evil', '; set -gx AWS_PROFILE evil',
  '\x1b[31mred\x1b[0m', '\x07bell', '\x1b]0;title\x07',
  ...controlCharacters,
  'A'.repeat(20000), `${'a b\n$(touch canary-long)\'é😀\\%s*'.repeat(500)}\n`,
];

/** mulberry32: a small seeded generator, so every run tests the same values. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values mixing fragments of the hand-picked ones with random characters of every kind. */
export function generateValues(count: number, seed: number): string[] {
  const random = createRandom(seed);
  const below = (n: number): number => Math.floor(random() * n);
  const between = (low: number, high: number): number => low + below(high - low + 1);
  const nonSurrogate = (codePoint: number): string =>
    String.fromCodePoint(codePoint >= 0xd800 && codePoint <= 0xdfff ? codePoint - 0x800 : codePoint);
  const pieces: (() => string)[] = [
    () => handPicked[below(handPicked.length)]?.slice(0, 40) ?? '',
    () => String.fromCharCode(between(0x20, 0x7e)),
    () => String.fromCharCode(between(0x20, 0x7e)),
    () => String.fromCharCode(between(0x01, 0x1f)),
    () => ' \t\n\r'.charAt(below(4)),
    () => `'"\\$\`!*?[]{}()<>|&;#~%=:,-@+^`.charAt(below(30)),
    () => String.fromCharCode(between(0x80, 0x7ff)),
    () => nonSurrogate(between(0x800, 0xffff)),
    () => String.fromCodePoint(between(0x10000, 0x10ffff)),
    () => String.fromCharCode(between(0x300, 0x36f)),
    () => String.fromCharCode(between(0xf600, 0xf6ff)),
    () => String.fromCharCode(between(0xfdd0, 0xfdef)),
    () => '\u2028\u2029\u0085\u00a0\ufeff\u200b\u202e'.charAt(below(7)),
    () => String(below(10)),
  ];
  const values: string[] = [];
  for (let index = 0; index < count; index++) {
    let value = '';
    const length = below(4) === 0 ? between(40, 300) : below(20);
    for (let piece = 0; piece < length; piece++) value += pieces[below(pieces.length)]?.() ?? '';
    values.push(value);
  }
  return values;
}

