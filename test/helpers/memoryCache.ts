import type { CacheEntry } from '../../src/cache/cacheEntry.js';
import type { CredentialCache } from '../../src/cache/createFileCache.js';
import type { Shortcut } from '../../src/cache/shortcut.js';

/** An in-memory CredentialCache with a real (in-process) lock per key, for unit tests. */
export function createMemoryCache(): CredentialCache & { readonly entries: Map<string, CacheEntry> } {
  const entries = new Map<string, CacheEntry>();
  const locks = new Map<string, Promise<unknown>>();
  const shortcuts = new Map<string, Shortcut>();
  return {
    dir: '/memory',
    entries,
    read: (key) => Promise.resolve(entries.get(key)),
    write: (key, entry) => {
      entries.set(key, entry);
      return Promise.resolve();
    },
    list: () => Promise.resolve([...entries].map(([key, entry]) => ({ key, entry }))),
    remove: (key) => {
      entries.delete(key);
      return Promise.resolve();
    },
    readShortcut: (key) => Promise.resolve(shortcuts.get(key)),
    writeShortcut: (key, shortcut) => {
      shortcuts.set(key, shortcut);
      return Promise.resolve();
    },
    withLock: <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      const previous = locks.get(key) ?? Promise.resolve();
      const next = previous.then(fn, fn);
      locks.set(key, next.catch(() => undefined));
      return next;
    },
  };
}
