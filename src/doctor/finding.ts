import type { Origin } from '../config/types.js';
import { tildePath } from '../explain/tildePath.js';

/** One problem `assume doctor` found: where, how bad, what, and how to fix it. */
export interface Finding {
  readonly origin: Origin;
  /** error: the AWS CLI or assume would refuse or misuse this; warning: it works, but is likely a mistake or a risk. */
  readonly severity: 'error' | 'warning';
  /** What is wrong, naming the profile or section; never a secret. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
  /** The profile at fault, when it is one: the resolver's findings are left out for chains through it. */
  readonly profile?: string | undefined;
}

/** A finding at a place. */
export function finding(origin: Origin, severity: Finding['severity'], message: string, hint: string, profile?: string): Finding {
  return { origin, severity, message, hint, profile };
}

/** Findings by file (in the order given: config file first), then line, then as found. */
export function sortFindings(findings: readonly Finding[], files: readonly string[]): Finding[] {
  const rank = (file: string): number => {
    const index = files.indexOf(file);
    return index === -1 ? files.length : index;
  };
  return findings
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        rank(a.item.origin.file) - rank(b.item.origin.file) ||
        (a.item.origin.file < b.item.origin.file ? -1 : a.item.origin.file > b.item.origin.file ? 1 : 0) ||
        a.item.origin.line - b.item.origin.line ||
        a.index - b.index,
    )
    .map(({ item }) => item);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The report `assume doctor` prints: one line per finding, `FILE:LINE: error|warning: message`
 * with its hint indented below, in the order given, then a summary line:
 * `2 errors, 1 warning in 14 profiles`, or `no problems found in 14 profiles` (`profileCount`
 * undefined: a file could not be parsed, and nothing else was checked). Paths under `homeDir`
 * are shown as `~/...`, in messages too. Pure.
 */
export function formatFindings(findings: readonly Finding[], profileCount: number | undefined, homeDir: string): string {
  const home = homeDir.replace(/\/+$/, '');
  const tilde = (text: string): string => (home === '' ? text : text.split(`${home}/`).join('~/'));
  const lines = findings.map(
    ({ origin, severity, message, hint }) => `${tildePath(origin.file, homeDir)}:${origin.line}: ${severity}: ${tilde(message)}\n  hint: ${tilde(hint)}\n`,
  );
  const errors = findings.filter((item) => item.severity === 'error').length;
  const warnings = findings.length - errors;
  const parts = [...(errors > 0 ? [count(errors, 'error')] : []), ...(warnings > 0 ? [count(warnings, 'warning')] : [])];
  let summary: string;
  if (profileCount === undefined) summary = `${parts.join(', ')}; nothing else was checked`;
  else if (parts.length === 0) summary = `no problems found in ${count(profileCount, 'profile')}`;
  else summary = `${parts.join(', ')} in ${count(profileCount, 'profile')}`;
  return `${lines.join('')}${summary}\n`;
}
