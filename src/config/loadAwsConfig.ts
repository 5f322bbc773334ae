/**
 * Reads the AWS config and credentials files and builds the merged view the AWS CLI v2
 * builds (botocore configloader.py build_profile_map, session.py full_config).
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { AssumeError } from '../errors.js';
import { shlexSplit } from '../util/shlexSplit.js';
import { parseIni } from './parseIni.js';
import type { IniDocument, IniSection } from './parseIni.js';
import type { AwsConfig, Section, Setting } from './types.js';

/**
 * Reads one file. May return the bytes (decoded here as strict UTF-8, as the AWS CLI
 * decodes them) or text already decoded. Rejects with a Node.js system error.
 */
export type ReadConfigFile = (path: string) => Promise<string | Uint8Array>;

/**
 * Reads and merges the AWS config and credentials files.
 *
 * A file that does not exist (ENOENT) reads as empty, as the AWS CLI does. Any other read
 * error is reported, where the AWS CLI would silently ignore some of them (a directory, a
 * file it cannot open): a broken file must not look like a missing profile.
 *
 * @param paths the files, usually from `resolveConfigPaths`
 * @param readFile reads a file; defaults to `fs.promises.readFile`
 * @throws AssumeError `CONFIG_READ` when a file exists but cannot be read; `CONFIG_PARSE`
 *   when a file is not valid UTF-8 or is refused by the parser (see `parseIni`)
 */
export async function loadAwsConfig(
  paths: { config: string; credentials: string },
  readFile: ReadConfigFile = fsReadFile,
): Promise<AwsConfig> {
  const [configText, credentialsText] = await Promise.all([
    readText(paths.config, 'AWS_CONFIG_FILE', readFile),
    readText(paths.credentials, 'AWS_SHARED_CREDENTIALS_FILE', readFile),
  ]);
  return buildAwsConfig(
    parseIni(configText, paths.config),
    parseIni(credentialsText, paths.credentials),
    { config: paths.config, credentials: paths.credentials },
  );
}

async function readText(path: string, variable: string, readFile: ReadConfigFile): Promise<string> {
  let content: string | Uint8Array;
  try {
    content = await readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new AssumeError('CONFIG_READ', `cannot read ${path}: ${reason}`, {
      hint: `Make ${path} a readable file, or set ${variable} to the file to use.`,
      cause: error,
    });
  }
  return typeof content === 'string' ? content : decodeUtf8(content, path);
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/**
 * Decodes as Python does under a UTF-8 locale: a byte order mark is kept as U+FEFF (the
 * parser then refuses it, as the AWS CLI does), and invalid UTF-8 anywhere, even in a
 * comment, refuses the file.
 */
function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new AssumeError('CONFIG_PARSE', `${path}:${invalidUtf8Line(bytes)}: not valid UTF-8`, {
      hint: 'Save the file as UTF-8: the AWS CLI refuses a file with bytes that are not UTF-8, even in a comment.',
      cause: error,
    });
  }
}

/** The 1-based line (ending at LF, CRLF or a lone CR) holding the first byte sequence that is not UTF-8. */
function invalidUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    if (i < bytes.length && byte !== 0x0a && byte !== 0x0d) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    line++;
    if (byte === 0x0d && bytes[i + 1] === 0x0a) i++;
    start = i + 1;
  }
  return line;
}

/** The name in `[KEYWORD NAME]` as botocore's build_profile_map reads it: shlex-split into exactly two words. */
function sectionName(header: string): string | undefined {
  const parts = shlexSplit(header);
  return parts?.length === 2 ? parts[1] : undefined;
}

function toSection(name: string, section: IniSection, file: string): Section {
  return { name, origin: { file, line: section.line }, settings: section.settings };
}

/**
 * Builds the merged view from the two parsed files, as the AWS CLI v2 does. Pure.
 *
 * Config file, in order, each section kind checked by prefix as botocore does:
 * - `[profile NAME]`: the header is shlex-split and must give exactly two words, so
 *   `[profile "a b"]` is the profile `a b`, `[profile default]` is `default`, and
 *   `[profilefoo]`, `[profile]`, `[profile a b]` and `[profile "unclosed]` are ignored.
 * - `[sso-session NAME]` and `[services NAME]` the same way (`[services]` sections are read
 *   as newer botocore reads them; the AWS CLI 2.9.19 predates them).
 * - `[default]` is the profile `default`; any other section is ignored.
 * - A name defined twice (`[default]` and `[profile default]`) takes the later section
 *   whole, in the place of the first.
 *
 * Credentials file: every `[NAME]` is the profile NAME, as written (`[profile x]` there is
 * the profile `profile x`). A profile also in the config file keeps its config settings,
 * each overridden by the credentials file's setting of the same key.
 */
export function buildAwsConfig(
  configDoc: IniDocument,
  credentialsDoc: IniDocument,
  files: { config: string; credentials: string },
): AwsConfig {
  const profiles = new Map<string, Section>();
  const ssoSessions = new Map<string, Section>();
  const services = new Map<string, Section>();

  for (const section of configDoc.sections) {
    const header = section.name;
    let target: Map<string, Section> | undefined;
    let name: string | undefined;
    if (header.startsWith('profile')) {
      target = profiles;
      name = sectionName(header);
    } else if (header.startsWith('sso-session')) {
      target = ssoSessions;
      name = sectionName(header);
    } else if (header.startsWith('services')) {
      target = services;
      name = sectionName(header);
    } else if (header === 'default') {
      target = profiles;
      name = header;
    }
    if (target !== undefined && name !== undefined) {
      target.set(name, toSection(name, section, configDoc.file));
    }
  }

  for (const section of credentialsDoc.sections) {
    const name = section.name;
    const fromConfig = profiles.get(name);
    if (fromConfig === undefined) {
      profiles.set(name, toSection(name, section, credentialsDoc.file));
      continue;
    }
    const settings = new Map<string, Setting>(fromConfig.settings);
    for (const [key, setting] of section.settings) settings.set(key, setting);
    profiles.set(name, { name, origin: fromConfig.origin, settings });
  }

  return { profiles, ssoSessions, services, files: { config: files.config, credentials: files.credentials } };
}
