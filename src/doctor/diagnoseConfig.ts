import { readFile } from 'node:fs/promises';
import { loadAwsConfig } from '../config/loadAwsConfig.js';
import { parseIni } from '../config/parseIni.js';
import { isAssumeError } from '../errors.js';
import { checkFileModes, statMode } from './checkFileModes.js';
import type { ModeOf } from './checkFileModes.js';
import { checkProfiles } from './checkProfiles.js';
import { checkResolvable } from './checkResolvable.js';
import { checkSections } from './checkSections.js';
import { sortFindings } from './finding.js';
import type { Finding } from './finding.js';

/** What `assume doctor` found, sorted by file (config, then credentials) and line. */
export interface Diagnosis {
  readonly findings: readonly Finding[];
  /** The profiles in both files, merged as the AWS CLI merges them; undefined when a file could not be parsed. */
  readonly profileCount: number | undefined;
}

/** What diagnoseConfig reads from the outside; tests pass fakes. */
export interface DiagnoseDeps {
  /** Reads a file; default fs.promises.readFile. */
  readonly readFile?: (path: string) => Promise<string | Uint8Array>;
  /** A file's permission bits; default fs.stat. */
  readonly modeOf?: ModeOf;
}

/**
 * Checks the config and credentials files as a whole (see checkSections, checkProfiles,
 * checkFileModes, checkResolvable). A file the parser refuses is one error finding, and
 * nothing else is checked. No network; no secret in any finding.
 *
 * @throws AssumeError CONFIG_READ when a file exists but cannot be read
 */
export async function diagnoseConfig(paths: { readonly config: string; readonly credentials: string }, homeDir: string, deps: DiagnoseDeps = {}): Promise<Diagnosis> {
  const texts = new Map<string, string>();
  const read = deps.readFile ?? readFile;
  const recording = async (path: string): Promise<string | Uint8Array> => {
    const content = await read(path);
    if (typeof content === 'string') texts.set(path, content);
    else texts.set(path, new TextDecoder('utf-8', { ignoreBOM: true }).decode(content));
    return content;
  };
  let config;
  try {
    config = await loadAwsConfig({ config: paths.config, credentials: paths.credentials }, recording);
  } catch (error) {
    const parsed = isAssumeError(error) && error.code === 'CONFIG_PARSE' ? /^(.*):(\d+): (.*)$/s.exec(error.message) : null;
    if (parsed === null || !isAssumeError(error)) throw error;
    const [, file = '', line = '0', message = ''] = parsed;
    return { findings: [{ origin: { file, line: Number(line) }, severity: 'error', message, hint: error.hint ?? 'Fix the line as the message says.' }], profileCount: undefined };
  }
  // Both files parsed already (loadAwsConfig would have refused them): parse again for the sections as written.
  const configDoc = parseIni(texts.get(paths.config) ?? '', paths.config);
  const credentialsDoc = parseIni(texts.get(paths.credentials) ?? '', paths.credentials);
  const own = [...checkSections(config, configDoc, credentialsDoc), ...checkProfiles(config)];
  const faulty = new Set(own.flatMap((item) => (item.severity === 'error' && item.profile !== undefined ? [item.profile] : [])));
  const findings = [...own, ...checkResolvable(config, faulty), ...(await checkFileModes({ config: configDoc, credentials: credentialsDoc }, homeDir, deps.modeOf ?? statMode))];
  return { findings: sortFindings(findings, [paths.config, paths.credentials]), profileCount: config.profiles.size };
}
