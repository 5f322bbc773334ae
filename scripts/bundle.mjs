#!/usr/bin/env node
// Bundles src/entry.ts into dist/bundle/, the code bin/assume runs: one entry file with
// commander, chalk and our code, so a cache hit loads a handful of files instead of ~50
// modules, and the AWS SDK in chunks of their own that only the dynamic
// import('@aws-sdk/client-sts') in src/sts/stsClient.ts loads, on a cache miss.
// dist/bundle/meta.json is esbuild's metafile: test/unit/bundle.test.ts and the cache-hit test
// read it to tell which files hold the SDK.
// Usage: node scripts/bundle.mjs   (npm run build runs it after tsc)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'bundle');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Chunk names carry a content hash: clear out the chunks of the previous build.
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/entry.ts'],
  outdir,
  entryNames: '[name]',
  bundle: true,
  splitting: true,
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
  // main.ts reads package.json two folders up from itself in the tsc output; here it is not.
  define: { ASSUME_PACKAGE_VERSION: JSON.stringify(version) },
  // Bundled CommonJS (today commander, and any SDK package that ships no ES build) calls
  // require() for Node builtins, and ESM output has no `require`: give every output file one.
  banner: {
    js: "import { createRequire as __assumeCreateRequire } from 'node:module';\nconst require = __assumeCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
writeFileSync(join(outdir, 'meta.json'), `${JSON.stringify(result.metafile, null, 2)}\n`);

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const entry = outputs.find(([, output]) => output.entryPoint === 'src/entry.ts');
const kB = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;
console.log(`bundle: ${entry?.[0]} ${kB(entry?.[1].bytes ?? 0)}, ${outputs.length - 1} chunks ${kB(outputs.reduce((sum, [, output]) => sum + output.bytes, 0) - (entry?.[1].bytes ?? 0))} (${relative(root, outdir)}/meta.json)`);
