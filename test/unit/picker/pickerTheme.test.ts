import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { pickerTheme } from '../../../src/picker/pickerTheme.js';

/** Every string the theme can put on the terminal, each style function applied to a sample. */
function everything(level: 0 | 1): string {
  const theme = pickerTheme(new Chalk({ level }));
  const style = theme.style as Record<string, (text: string) => string>;
  const prefix = theme.prefix as Record<string, string>;
  return [
    ...Object.values(prefix),
    ...((theme.spinner?.frames ?? []) as string[]),
    ...Object.entries(style).map(([name, paint]) => (name === 'keysHelpTip' ? (paint as unknown as (keys: unknown[]) => string)([]) : paint('sample'))),
  ].join('\n');
}

describe('pickerTheme', () => {
  it('paints nothing at color level 0 (NO_COLOR, --no-color), where inquirer would color anyway', () => {
    const text = everything(0);
    assert.ok(!text.includes(String.fromCharCode(0x1b)), text);
    assert.match(text, /type to filter · ↑↓ to move · ⏎ to pick · esc to cancel/);
  });

  it('paints at color level 1', () => {
    assert.ok(everything(1).includes(`${String.fromCharCode(0x1b)}[36m`));
  });
});
