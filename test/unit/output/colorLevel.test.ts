import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorLevel } from '../../../src/output/colorLevel.js';

describe('colorLevel: colors on stderr', () => {
  it('colors a terminal, not a pipe or a dumb terminal', () => {
    assert.equal(colorLevel({}, false, true), 1);
    assert.equal(colorLevel({}, false, false), 0);
    assert.equal(colorLevel({ TERM: 'dumb' }, false, true), 0);
  });

  it('turns colors off with --no-color or NO_COLOR (any value but empty), even when forced', () => {
    assert.equal(colorLevel({}, true, true), 0);
    assert.equal(colorLevel({ FORCE_COLOR: '1' }, true, true), 0);
    assert.equal(colorLevel({ NO_COLOR: '1' }, false, true), 0);
    assert.equal(colorLevel({ NO_COLOR: 'yes', FORCE_COLOR: '3' }, false, true), 0);
    assert.equal(colorLevel({ NO_COLOR: '' }, false, true), 1);
  });

  it('forces colors with FORCE_COLOR, as chalk reads it, also into a pipe', () => {
    assert.deepEqual(['', '1', 'true', '2', '3', '0', 'false'].map((value) => colorLevel({ FORCE_COLOR: value }, false, false)), [1, 1, 1, 2, 3, 0, 0]);
    assert.equal(colorLevel({ FORCE_COLOR: '0' }, false, true), 0);
  });
});
