import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSsoEndpoint } from '../../../../src/sources/sso/ssoEndpoint.js';

describe('resolveSsoEndpoint', () => {
  const cases: [string, Parameters<typeof resolveSsoEndpoint>, string][] = [
    ['the portal of the region', ['sso', 'eu-west-1', {}], 'https://portal.sso.eu-west-1.amazonaws.com'],
    ['SSO-OIDC of the region', ['ssoOidc', 'eu-west-1', {}], 'https://oidc.eu-west-1.amazonaws.com'],
    ['the China partition suffix', ['sso', 'cn-north-1', {}], 'https://portal.sso.cn-north-1.amazonaws.com.cn'],
    ['GovCloud on amazonaws.com', ['ssoOidc', 'us-gov-west-1', {}], 'https://oidc.us-gov-west-1.amazonaws.com'],
    ['AWS_ENDPOINT_URL_SSO for the portal, without a trailing slash', ['sso', 'eu-west-1', { AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9/', AWS_ENDPOINT_URL: 'http://other' }], 'http://127.0.0.1:9'],
    ['AWS_ENDPOINT_URL_SSO_OIDC for SSO-OIDC', ['ssoOidc', 'eu-west-1', { AWS_ENDPOINT_URL_SSO: 'http://portal', AWS_ENDPOINT_URL_SSO_OIDC: 'http://oidc' }], 'http://oidc'],
    ['AWS_ENDPOINT_URL when the specific one is unset or empty', ['ssoOidc', 'eu-west-1', { AWS_ENDPOINT_URL_SSO_OIDC: '', AWS_ENDPOINT_URL: 'http://all' }], 'http://all'],
    ['the default when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', ['sso', 'eu-west-1', { AWS_ENDPOINT_URL_SSO: 'http://portal', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }], 'https://portal.sso.eu-west-1.amazonaws.com'],
  ];
  for (const [what, args, expected] of cases) {
    it(`chooses ${what}`, () => {
      assert.equal(resolveSsoEndpoint(...args), expected);
    });
  }
});
