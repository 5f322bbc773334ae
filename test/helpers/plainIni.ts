import type { IniDocument } from '../../src/config/parseIni.js';
import type { Setting } from '../../src/config/types.js';

/** A setting as plain data: its value, or its sub-properties as [key, value] pairs. */
export type Plain = string | [string, string][];
export type PlainDoc = [string, [string, Plain][]][];

function plainSetting(setting: Setting): Plain {
  return setting.nested === undefined ? setting.value : [...setting.nested].map(([k, s]) => [k, s.value]);
}

/** A parsed document as plain nested arrays, for deepEqual against a literal. */
export function plain(doc: IniDocument): PlainDoc {
  return doc.sections.map((section) => [
    section.name,
    [...section.settings].map(([key, setting]): [string, Plain] => [key, plainSetting(setting)]),
  ]);
}
