/**
 * The bundle bin/assume runs (dist/bundle, built by scripts/bundle.mjs), checked through the
 * metafile esbuild writes next to it: what a cache hit has to load stays small (fast.js, one
 * file without commander, chalk or the MFA prompt), the full entry is one dynamic import away,
 * and the AWS SDK stays behind the dynamic import that only a cache miss takes.
 */
import assert from 'node:assert/strict';
import { isBuiltin } from 'node:module';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { isSdkInput, loadBundleMeta } from '../fixtures/bundleMeta.js';

/**
 * Bytes of JavaScript the full path loads before it runs (entry.js and the chunks it imports
 * statically): what every cache miss, and every command line the fast entry leaves to it,
 * reads and parses on top of fast.js. That is commander (126 kB), our own src/ (112 kB) and
 * chalk (16 kB), unminified: 258,220 bytes with esbuild 0.28.2, commander 14.0.3 and chalk
 * 5.6.2. (A plain cache hit loads fast.js alone: see the fast entry's tests below.) The bound
 * leaves ~30% headroom for features; past it, look at what grew (dist/bundle/meta.json, e.g.
 * in esbuild's bundle analyzer) before raising it: a new dependency on the hot path, or code
 * that belongs behind a lazy import.
 */
const maxHotPathBytes = 340_000;

describe('the bundle (dist/bundle)', () => {
  const bundle = loadBundleMeta();
  const hotPath = bundle.staticGraph(bundle.entry);

  it(`keeps what a cache hit loads (the entry chunk and its static imports) under ${maxHotPathBytes} bytes`, () => {
    const sizes = hotPath.map((output) => ({ output, bytes: bundle.metafile.outputs[output]?.bytes ?? 0 }));
    const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
    assert.ok(total <= maxHotPathBytes, `${total} bytes: ${JSON.stringify(sizes)}`);
  });

  it('keeps the AWS SDK out of the static import graph of the entry chunk', () => {
    const sdkInputs = hotPath.flatMap((output) => Object.keys(bundle.metafile.outputs[output]?.inputs ?? {}).filter(isSdkInput));
    assert.deepEqual(sdkInputs, [], `static import graph of the entry: ${hotPath.join(', ')}`);
  });

  it('loads nothing from outside the bundle on the hot path but Node builtins', () => {
    const external = hotPath.flatMap((output) => (bundle.metafile.outputs[output]?.imports ?? []).filter((edge) => edge.external === true).map((edge) => edge.path));
    assert.deepEqual(external.filter((path) => !isBuiltin(path)), []);
  });

  it('bundles the STS client in one chunk that the entry (or a chunk it loads statically) imports dynamically', () => {
    // The entry's own chunks: the code that calls STS is shared by main and the commands (whoami), so esbuild puts it in a chunk of its own.
    const dynamic = [...new Set(hotPath.flatMap((output) => (bundle.metafile.outputs[output]?.imports ?? []).filter((edge) => edge.kind === 'dynamic-import').map((edge) => edge.path)))];
    const stsChunks = dynamic.filter((output) => Object.keys(bundle.metafile.outputs[output]?.inputs ?? {}).some((input) => input.startsWith('node_modules/@aws-sdk/client-sts/')));
    assert.equal(stsChunks.length, 1, `dynamic imports of the entry: ${dynamic.join(', ')}`);
  });
});

/**
 * The Node built-ins the fast entry imports: hashing (cache and shortcut keys), the files
 * (stat, lstat, open, read), paths, the home folder, and what src/cache/acquireLock.ts imports
 * at the top (node:timers/promises) since the cache object carries its lock too.
 */
const fastBuiltins = ['node:crypto', 'node:fs', 'node:fs/promises', 'node:os', 'node:path', 'node:timers/promises'];

/** Our modules and packages a cache hit must never load: the CLI wiring, colors, the MFA prompt, processes, the config parser, the SDK. */
const notOnTheFastPath = /^(node_modules\/(commander|chalk|ini|@aws-sdk|@smithy)\/|src\/(cli|main|entry)\.ts$|src\/(prompt|mfa|config\/(loadAwsConfig|parseIni)|resolve\/resolvePlan|sts|sources|commands|util|net)\b)/;

describe('the fast entry (dist/bundle/fast.js)', () => {
  const bundle = loadBundleMeta();
  const fast = 'dist/bundle/fast.js';
  const output = bundle.metafile.outputs[fast];

  it('is what bin/assume imports', () => {
    const bin = readFileSync(new URL('../../../bin/assume', import.meta.url), 'utf8');
    assert.match(bin, /^import '\.\.\/dist\/bundle\/fast\.js';$/m);
    assert.equal(output?.entryPoint, 'src/fastEntry.ts');
  });

  it('is one file: it imports no chunk, only Node built-ins, and the full entry dynamically', () => {
    const imports = output?.imports ?? [];
    assert.deepEqual(bundle.staticGraph(fast), [fast]);
    assert.deepEqual([...new Set(imports.filter((edge) => edge.kind === 'import-statement').map((edge) => edge.path))].sort(), fastBuiltins);
    assert.deepEqual(
      imports.filter((edge) => edge.kind !== 'import-statement'),
      [{ path: './entry.js', kind: 'dynamic-import', external: true }],
    );
  });

  it('holds none of commander, chalk, the CLI wiring, the prompt, the config parser, the sources or the SDK', () => {
    const inputs = Object.keys(output?.inputs ?? {});
    assert.ok(inputs.includes('src/fast/answerFromCache.ts') && inputs.includes('src/cache/shortcut.ts'), inputs.join(', '));
    assert.deepEqual(inputs.filter((input) => notOnTheFastPath.test(input)), []);
  });

  it('needs no require(): no banner, no bundled CommonJS', () => {
    const text = readFileSync(new URL(`../../../${fast}`, import.meta.url), 'utf8');
    assert.doesNotMatch(text, /\brequire\(|createRequire|node:module/);
  });
});
