import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveCacheDir } from '../../../src/cache/resolveCacheDir.js';

describe('resolveCacheDir', () => {
  const cases: { name: string; env: Record<string, string | undefined>; expected: string }[] = [
    { name: 'uses $XDG_CACHE_HOME/assume when XDG_CACHE_HOME is absolute', env: { XDG_CACHE_HOME: '/var/cache/me' }, expected: '/var/cache/me/assume' },
    { name: 'drops a trailing slash of XDG_CACHE_HOME', env: { XDG_CACHE_HOME: '/var/cache/me/' }, expected: '/var/cache/me/assume' },
    { name: 'falls back to ~/.cache/assume when XDG_CACHE_HOME is unset', env: {}, expected: '/home/me/.cache/assume' },
    { name: 'ignores an empty XDG_CACHE_HOME', env: { XDG_CACHE_HOME: '' }, expected: '/home/me/.cache/assume' },
    { name: 'ignores a relative XDG_CACHE_HOME, as the XDG spec says', env: { XDG_CACHE_HOME: 'cache' }, expected: '/home/me/.cache/assume' },
    { name: 'ignores a XDG_CACHE_HOME starting with ~, which is relative', env: { XDG_CACHE_HOME: '~/cache' }, expected: '/home/me/.cache/assume' },
    { name: 'ignores an undefined XDG_CACHE_HOME', env: { XDG_CACHE_HOME: undefined }, expected: '/home/me/.cache/assume' },
  ];
  for (const { name, env, expected } of cases) {
    it(name, () => {
      assert.equal(resolveCacheDir(env, '/home/me'), expected);
    });
  }

  it('never reads an inherited XDG_CACHE_HOME', () => {
    const env = Object.create({ XDG_CACHE_HOME: '/inherited' }) as Record<string, string>;
    assert.equal(resolveCacheDir(env, '/home/me'), '/home/me/.cache/assume');
  });
});
