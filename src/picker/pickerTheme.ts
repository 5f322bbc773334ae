import type { ChalkInstance } from 'chalk';
import type search from '@inquirer/search';

/** The theme @inquirer/search takes. */
export type SearchTheme = NonNullable<Parameters<typeof search>[0]['theme']>;

/**
 * The picker's colors and keys help, all through `paint` (chalk at the run's color level),
 * so NO_COLOR, --no-color and FORCE_COLOR rule the picker as they rule every message:
 * inquirer's own defaults color with node:util's styleText, which on Node 20 ignores them.
 */
export function pickerTheme(paint: ChalkInstance): SearchTheme {
  return {
    prefix: { idle: paint.blue('?'), done: paint.green('✔') },
    spinner: { frames: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'].map((frame) => paint.yellow(frame)) },
    icon: { cursor: '❯' },
    style: {
      answer: (text: string) => paint.cyan(text),
      message: (text: string) => paint.bold(text),
      error: (text: string) => paint.red(`> ${text}`),
      defaultAnswer: (text: string) => paint.dim(`(${text})`),
      help: (text: string) => paint.dim(text),
      highlight: (text: string) => paint.cyan.bold(text),
      key: (text: string) => paint.cyan.bold(`<${text}>`),
      disabled: (text: string) => paint.dim(`- ${text}`),
      searchTerm: (text: string) => paint.cyan(text),
      description: (text: string) => paint.dim(text),
      keysHelpTip: () =>
        [
          ['type', 'to filter'],
          ['↑↓', 'to move'],
          ['⏎', 'to pick'],
          ['esc', 'to cancel'],
        ]
          .map(([key = '', action = '']) => `${paint.bold(key)} ${paint.dim(action)}`)
          .join(paint.dim(' · ')),
    },
  };
}
