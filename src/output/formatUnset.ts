import type { OutputFormat } from './formatOutput.js';

// PLACEHOLDER: replaced by its implementation during issue 5.
export function formatUnset(_format: OutputFormat): string {
  throw new Error('not built yet');
}
