#!/usr/bin/env node
// Bundles the code bin/assume runs into dist/bundle/, in two esbuild builds from the same src/:
// - src/fastEntry.ts -> fast.js, what bin/assume imports: one file, with no chunk and no
//   `require`, holding only the cache and output code a cache hit runs (commander, chalk, the
//   config parser and the MFA prompt are not in it). It answers a hit for a plain command line
//   (every credential_process call) and otherwise imports entry.js, left external. One file
//   rather than chunks shared with entry.js: on a hit, each extra module costs a file read and
//   a module job, and shared chunks split the hit's code over 8 of them; the price is that a
//   miss, which loads fast.js first, also loads entry.js's own copy of that code (~45 kB).
// - src/entry.ts -> entry.js, the full command: commander, chalk and the rest of our code;
//   the AWS SDK is in chunks of their own that only the dynamic import('@aws-sdk/client-sts')
//   in src/sts/stsClient.ts loads, on a cache miss.
// dist/bundle/meta.json is esbuild's metafile of both builds: test/unit/bundle.test.ts and the
// cache-hit tests read it to tell which files hold the SDK and which ones a hit loads.
// Usage: node scripts/bundle.mjs   (npm run build runs it after tsc)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'bundle');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Chunk names carry a content hash: clear out the chunks of the previous build.
rmSync(outdir, { recursive: true, force: true });
/** What both builds share. */
const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The AWS SDK's ES module builds (its "module" field) rather than its CommonJS ones: esbuild
  // gives a dynamic import() of a CommonJS file only a `default` export, where stsClient.ts
  // takes named ones ({ STSClient }) as Node does. The ES builds are for Node too (the browser
  // variants come only through the "browser" field, unused on platform node).
  mainFields: ['module', 'main'],
  // No minification: on a cache hit, a fully minified entry (115 kB instead of 250 kB) made no
  // difference beyond noise (a few ms of ~140 ms of CPU: V8 parses function bodies lazily), and
  // unminified code keeps --debug stack traces readable, line by line. keepNames keeps the
  // function and class names V8 prints in stack frames where bundling renamed a symbol to
  // avoid a clash (errorCode2 stays errorCode).
  keepNames: true,
  // For NODE_OPTIONS=--enable-source-maps: stack frames in src/*.ts. Node reads no map otherwise.
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
};
const full = await build({
  ...common,
  entryPoints: [{ in: 'src/entry.ts', out: 'entry' }],
  splitting: true,
  // main.ts reads package.json two folders up from itself in the tsc output; here it is not.
  define: { ASSUME_PACKAGE_VERSION: JSON.stringify(version) },
  // Bundled CommonJS (today commander, and any SDK package that ships no ES build) calls
  // require() for Node builtins, and ESM output has no `require`: give every output file one.
  banner: {
    js: "import { createRequire as __assumeCreateRequire } from 'node:module';\nconst require = __assumeCreateRequire(import.meta.url);",
  },
});
const fast = await build({
  ...common,
  entryPoints: [{ in: 'src/fastEntry.ts', out: 'fast' }],
  // The full path, imported on anything but a hit: the other build's entry.js, not bundled in.
  plugins: [
    {
      name: 'full-entry-external',
      setup(plugin) {
        plugin.onResolve({ filter: /^\.\/entry\.js$/ }, (args) => (args.importer.endsWith('/src/fastEntry.ts') ? { path: './entry.js', external: true } : undefined));
      },
    },
  ],
});
const metafile = {
  inputs: { ...full.metafile.inputs, ...fast.metafile.inputs },
  outputs: { ...full.metafile.outputs, ...fast.metafile.outputs },
};
writeFileSync(join(outdir, 'meta.json'), `${JSON.stringify(metafile, null, 2)}\n`);

const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js'));
const kB = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;
const entries = outputs.filter(([, output]) => output.entryPoint === 'src/fastEntry.ts' || output.entryPoint === 'src/entry.ts');
const entryBytes = entries.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(
  `bundle: ${entries.map(([file, output]) => `${file} ${kB(output.bytes)}`).join(', ')}, ${outputs.length - entries.length} chunks ${kB(outputs.reduce((sum, [, output]) => sum + output.bytes, 0) - entryBytes)} (${relative(root, outdir)}/meta.json)`,
);
