import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { createAgent, loadCaBundle } from '../../../src/net/agents.js';
import { loadAgent } from '../../../src/net/loadAgent.js';
import { createTlsMaterial } from '../../helpers/tlsFront.js';
import type { TlsMaterial } from '../../helpers/tlsFront.js';

let tls: TlsMaterial;
let dir: string;

before(() => {
  tls = createTlsMaterial();
  dir = mkdtempSync(join(tmpdir(), 'assume-agents-'));
});

after(() => {
  tls.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isAssumeError(error), String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('loadCaBundle', () => {
  it('reads a PEM file of certificates', async () => {
    assert.match(await loadCaBundle(tls.caFile), /^-----BEGIN CERTIFICATE-----/);
  });

  it('refuses a missing file with CONFIG_READ, naming it', async () => {
    const missing = join(dir, 'missing.pem');
    const error = await refusal(loadCaBundle(missing));
    assert.equal(error.code, 'CONFIG_READ');
    assert.equal(error.message, `cannot read the certificate bundle ${missing} named by AWS_CA_BUNDLE (ENOENT)`);
  });

  it('refuses a folder with CONFIG_READ', async () => {
    const error = await refusal(loadCaBundle(dir));
    assert.equal(error.code, 'CONFIG_READ');
    assert.equal(error.message, `cannot read the certificate bundle ${dir} named by AWS_CA_BUNDLE (EISDIR)`);
  });

  it('refuses a file with no PEM certificate, or a broken one, with CONFIG_INVALID', async () => {
    const text = join(dir, 'text.pem');
    writeFileSync(text, 'not a certificate\n');
    assert.equal((await refusal(loadCaBundle(text))).message, `the certificate bundle ${text} named by AWS_CA_BUNDLE holds no PEM certificate`);
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const error = await refusal(loadCaBundle(broken));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /holds a certificate that cannot be read/);
  });
});

describe('createAgent and loadAgent', () => {
  const sts = new URL('https://sts.eu-west-1.amazonaws.com/');

  it('gives no agent when there is neither a proxy nor a CA bundle for the target', async () => {
    assert.equal(await loadAgent(sts, undefined), undefined);
    assert.equal(await loadAgent(sts, { httpProxy: 'http://proxy:3128' }), undefined);
    assert.equal(await loadAgent(sts, { httpsProxy: 'http://proxy:3128', noProxy: 'amazonaws.com' }), undefined);
  });

  it('gives an https agent that trusts the bundle besides the system roots', async () => {
    const route = await loadAgent(sts, { caBundle: tls.caFile });
    assert.ok(route?.agent instanceof HttpsAgent);
    assert.equal(route.proxy, undefined);
    const { ca } = route.agent.options as { ca?: string[] };
    assert.ok(Array.isArray(ca) && ca.length > 1);
    assert.match(ca.at(-1) ?? '', /BEGIN CERTIFICATE/);
  });

  it('gives a proxy agent naming the proxy for an https:// and an http:// target', async () => {
    const secure = await loadAgent(sts, { httpsProxy: 'http://u:p@proxy:3128' });
    assert.ok(secure?.proxy);
    assert.equal(secure.proxy.display, 'http://****@proxy:3128');
    const plain = await createAgent(new URL('http://127.0.0.1:4566'), secure.proxy, undefined);
    assert.ok(plain);
    assert.equal(plain.proxy?.variable, 'HTTPS_PROXY');
    assert.notEqual(plain.agent.constructor, secure.agent.constructor);
  });

  it('reads the CA bundle only for TLS: not for an http:// target through an http:// proxy', async () => {
    const route = await loadAgent(new URL('http://127.0.0.1:4566'), { httpProxy: 'http://proxy:3128', caBundle: join(dir, 'missing.pem') });
    assert.equal(route?.proxy?.variable, 'HTTP_PROXY');
  });
});
