import { stat } from 'node:fs/promises';
import type { IniDocument } from '../config/parseIni.js';
import { tildePath } from '../explain/tildePath.js';
import { finding } from './finding.js';
import type { Finding } from './finding.js';
import { secretKeys } from './knownKeys.js';

/** The file's permission bits, or undefined when it does not exist (or cannot be stat'ed: reading it said why). */
export type ModeOf = (path: string) => Promise<number | undefined>;

/** fs.stat's mode (following a symlink to the file it names), or undefined for a file that is not there. */
export const statMode: ModeOf = async (path) => {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
};

/** The first line of the file that holds a secret, or undefined. */
function firstSecretLine(doc: IniDocument): number | undefined {
  const lines = doc.sections.flatMap((section) => secretKeys.flatMap((key) => {
    const setting = section.settings.get(key);
    return setting === undefined || setting.origin.file !== doc.file ? [] : [setting.origin.line];
  }));
  return lines.length === 0 ? undefined : Math.min(...lines);
}

/** A path as a shell argument: as it is when plain, else in single quotes. */
function shellWord(path: string): string {
  return /^[\w./~+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function access(mode: number, bits: { read: number; write: number }): string {
  const can = [...(mode & bits.read ? ['read'] : []), ...(mode & bits.write ? ['changed'] : [])];
  return can.join(' and ');
}

/**
 * The files' permissions: a credentials file (or a config file holding secrets) that group or
 * others may read or change, and a config file others may change (it names programs assume
 * and the AWS CLI run: credential_process). Warnings, at the first secret's line (else line 1),
 * with the chmod that fixes them.
 */
export async function checkFileModes(docs: { readonly config: IniDocument; readonly credentials: IniDocument }, homeDir: string, modeOf: ModeOf = statMode): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const [kind, doc] of [['credentials', docs.credentials], ['config', docs.config]] as const) {
    const mode = await modeOf(doc.file);
    if (mode === undefined || (mode & 0o077) === 0) continue;
    const secretLine = firstSecretLine(doc);
    const octal = mode.toString(8).padStart(3, '0');
    const chmod = `Run chmod 600 ${shellWord(tildePath(doc.file, homeDir))}.`;
    if (kind === 'credentials' || secretLine !== undefined) {
      const who = access(mode, { read: 0o044, write: 0o022 });
      if (who === '') continue; // execute bits only: nothing to read or change
      found.push(finding({ file: doc.file, line: secretLine ?? 1 }, 'warning', `the ${kind} file holds secret keys and can be ${who} by group or others (mode ${octal})`, chmod));
    } else if ((mode & 0o022) !== 0) {
      found.push(finding({ file: doc.file, line: 1 }, 'warning', `the config file can be changed by group or others (mode ${octal}): whoever changes it can make the AWS CLI and assume run any program (credential_process)`, chmod));
    }
  }
  return found;
}
