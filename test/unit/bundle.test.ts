/**
 * The bundle bin/assume runs (dist/bundle, built by scripts/bundle.mjs), checked through the
 * metafile esbuild writes next to it: what a cache hit has to load stays small, and the AWS
 * SDK stays behind the dynamic import that only a cache miss takes.
 */
import assert from 'node:assert/strict';
import { isBuiltin } from 'node:module';
import { describe, it } from 'node:test';
import { isSdkInput, loadBundleMeta } from '../fixtures/bundleMeta.js';

/**
 * Bytes of JavaScript a cache hit loads: the entry chunk and the chunks it imports statically
 * (today the entry and esbuild's 2 kB of runtime helpers). That is commander (126 kB), our own
 * src/ (112 kB) and chalk (16 kB), unminified: 258,220 bytes with esbuild 0.28.2, commander
 * 14.0.3 and chalk 5.6.2. A cache hit must read and parse all of it on every
 * `credential_process` call, so it is what the startup time of a hit grows with. The bound
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

  it('bundles the STS client in a chunk that the entry chunk imports dynamically', () => {
    const dynamic = (bundle.metafile.outputs[bundle.entry]?.imports ?? []).filter((edge) => edge.kind === 'dynamic-import').map((edge) => edge.path);
    const stsChunks = dynamic.filter((output) => Object.keys(bundle.metafile.outputs[output]?.inputs ?? {}).some((input) => input.startsWith('node_modules/@aws-sdk/client-sts/')));
    assert.equal(stsChunks.length, 1, `dynamic imports of the entry: ${dynamic.join(', ')}`);
  });
});
