/**
 * The proxy agents stay off the hot path: dist/bundle (built by scripts/bundle.mjs) keeps
 * src/net/agents.ts and the proxy libraries out of what a cache hit loads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBundleMeta } from '../../fixtures/bundleMeta.js';

function isAgentInput(input: string): boolean {
  return input === 'src/net/agents.ts' || /(^|\/)node_modules\/(https?-proxy-agent|agent-base)\//.test(input);
}

describe('the proxy agents in the bundle', () => {
  const bundle = loadBundleMeta();

  it('are not in the static import graph of the entry chunk', () => {
    const hot = bundle.staticGraph(bundle.entry).flatMap((output) => Object.keys(bundle.metafile.outputs[output]?.inputs ?? {}).filter(isAgentInput));
    assert.deepEqual(hot, []);
  });

  it('are in a chunk of their own, with both proxy libraries', () => {
    const chunks = Object.entries(bundle.metafile.outputs).filter(([, output]) => Object.keys(output.inputs).some(isAgentInput));
    assert.equal(chunks.length, 1, chunks.map(([path]) => path).join(', '));
    const inputs = Object.keys(chunks[0]?.[1].inputs ?? {});
    assert.ok(inputs.includes('node_modules/https-proxy-agent/dist/index.js'));
    assert.ok(inputs.includes('node_modules/http-proxy-agent/dist/index.js'));
  });
});
