import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { formatProxyUrl, matchesNoProxy, resolveProxy } from '../../../src/net/resolveProxy.js';

describe('matchesNoProxy', () => {
  // [NO_PROXY, target URL, goes direct]
  const cases: readonly (readonly [string | undefined, string, boolean])[] = [
    [undefined, 'https://sts.eu-west-1.amazonaws.com', false],
    ['', 'https://sts.eu-west-1.amazonaws.com', false],
    ['*', 'https://sts.eu-west-1.amazonaws.com', true],
    [' * ', 'http://127.0.0.1:8080', true],
    ['example.com,*', 'https://sts.amazonaws.com', true],
    // A name matches itself and every host under it, on a label boundary only.
    ['amazonaws.com', 'https://amazonaws.com', true],
    ['amazonaws.com', 'https://sts.eu-west-1.amazonaws.com', true],
    ['.amazonaws.com', 'https://sts.eu-west-1.amazonaws.com', true],
    ['.amazonaws.com', 'https://amazonaws.com', true],
    ['*.amazonaws.com', 'https://sts.amazonaws.com', true],
    ['amazonaws.com', 'https://notamazonaws.com', false],
    ['sts.amazonaws.com', 'https://amazonaws.com', false],
    ['amazonaws.com', 'https://sts.amazonaws.com.cn', false],
    // Case, spaces and empty entries.
    ['  Example.COM , ,internal ', 'https://API.example.com', true],
    ['a.example, b.example', 'https://b.example', true],
    [',,', 'https://b.example', false],
    // A port in the entry: that port only; the scheme's default when the URL names none.
    ['127.0.0.1:4566', 'http://127.0.0.1:4566', true],
    ['127.0.0.1:4566', 'http://127.0.0.1:4567', false],
    ['sts.amazonaws.com:443', 'https://sts.amazonaws.com', true],
    ['sts.amazonaws.com:443', 'http://sts.amazonaws.com', false],
    ['localhost:80', 'http://localhost', true],
    // IP addresses: exact, and CIDR ranges (curl 7.86, requests).
    ['127.0.0.1', 'https://127.0.0.1:8443', true],
    ['127.0.0.1', 'https://127.0.0.2', false],
    ['10.0.0.0/8', 'http://10.20.30.40:9000', true],
    ['10.0.0.0/8', 'http://11.0.0.1', false],
    ['192.168.1.0/24', 'http://192.168.1.255', true],
    ['192.168.1.0/24', 'http://192.168.2.1', false],
    ['0.0.0.0/0', 'http://203.0.113.9', true],
    ['10.0.0.0/8', 'https://ten.example.com', false],
    // IPv6, with or without brackets, and ranges.
    ['::1', 'http://[::1]:8080', true],
    ['[::1]', 'http://[::1]:8080', true],
    ['[::1]:8080', 'http://[::1]:8080', true],
    ['[::1]:8080', 'http://[::1]:8081', false],
    ['fd00::/8', 'http://[fd12:3456::1]', true],
    ['fd00::/8', 'http://[fe80::1]', false],
    ['0:0:0:0:0:0:0:1', 'http://[::1]', true],
    // An IP entry does not match a name, nor a name an IP (no DNS lookups).
    ['127.0.0.1', 'http://localhost', false],
    ['localhost', 'http://127.0.0.1', false],
    // Loopback is not special: it goes through the proxy unless listed, as in botocore and curl.
    ['example.com', 'http://127.0.0.1:4566', false],
    ['example.com', 'http://localhost:4566', false],
    ['localhost', 'http://localhost:4566', true],
    // A bare dot or a malformed range matches nothing.
    ['.', 'https://sts.amazonaws.com', false],
    ['10.0.0.0/33', 'http://10.0.0.1', false],
    ['10.0.0.0/x', 'http://10.0.0.1', false],
  ];
  for (const [noProxy, target, direct] of cases) {
    it(`${direct ? 'sends' : 'does not send'} ${target} direct for NO_PROXY=${JSON.stringify(noProxy)}`, () => {
      assert.equal(matchesNoProxy(new URL(target), noProxy), direct);
    });
  }
});

describe('resolveProxy', () => {
  const sts = new URL('https://sts.eu-west-1.amazonaws.com/');
  const local = new URL('http://127.0.0.1:4566/');

  it('takes HTTPS_PROXY for an https:// target and HTTP_PROXY for an http:// one', () => {
    const network = { httpsProxy: 'http://secure.proxy:3128', httpProxy: 'http://plain.proxy:8080' };
    assert.deepEqual(
      [resolveProxy(sts, network), resolveProxy(local, network)].map((choice) => [choice?.url.href, choice?.variable, choice?.display]),
      [
        ['http://secure.proxy:3128/', 'HTTPS_PROXY', 'http://secure.proxy:3128'],
        ['http://plain.proxy:8080/', 'HTTP_PROXY', 'http://plain.proxy:8080'],
      ],
    );
  });

  it('uses no proxy when the variable for the scheme is not set, HTTP_PROXY never serving https://', () => {
    assert.equal(resolveProxy(sts, { httpProxy: 'http://plain.proxy:8080' }), undefined);
    assert.equal(resolveProxy(local, { httpsProxy: 'http://secure.proxy:3128' }), undefined);
    assert.equal(resolveProxy(sts, undefined), undefined);
    assert.equal(resolveProxy(sts, { httpsProxy: '  ' }), undefined);
  });

  it('goes direct to a host NO_PROXY matches', () => {
    assert.equal(resolveProxy(sts, { httpsProxy: 'http://proxy:3128', noProxy: '.amazonaws.com' }), undefined);
    assert.ok(resolveProxy(sts, { httpsProxy: 'http://proxy:3128', noProxy: '.example.com' }));
  });

  it('takes a proxy without a scheme as http://, as botocore does', () => {
    assert.equal(resolveProxy(sts, { httpsProxy: 'proxy.corp:3128' })?.url.href, 'http://proxy.corp:3128/');
  });

  it('keeps the credentials of the proxy URL for the proxy, and hides them from messages', () => {
    const choice = resolveProxy(sts, { httpsProxy: 'http://alice:s%40cret@proxy.corp:3128' });
    assert.ok(choice);
    assert.equal(choice.url.username, 'alice');
    assert.equal(choice.url.password, 's%40cret');
    assert.equal(choice.display, 'http://****@proxy.corp:3128');
  });

  it('refuses a proxy URL it cannot use with CONFIG_INVALID, naming the variable and not the password', () => {
    for (const value of ['socks5://bob:hunter22@127.0.0.1:1080', 'http://bob:hunter22@', 'ftp://proxy:21']) {
      assert.throws(
        () => resolveProxy(sts, { httpsProxy: value }),
        (error: unknown) => {
          assert.ok(isAssumeError(error));
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(error.message, /^HTTPS_PROXY is not a proxy URL assume can use: /);
          assert.ok(!error.message.includes('hunter22'), error.message);
          return true;
        },
      );
    }
  });
});

describe('formatProxyUrl', () => {
  it('hides a user and a password, and keeps the rest', () => {
    assert.equal(formatProxyUrl(new URL('http://alice:pw@proxy:3128')), 'http://****@proxy:3128');
    assert.equal(formatProxyUrl(new URL('https://alice@proxy')), 'https://****@proxy');
    assert.equal(formatProxyUrl(new URL('http://proxy:3128/')), 'http://proxy:3128');
  });
});
