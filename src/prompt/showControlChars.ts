/**
 * Text from a config file or another program made safe to print on a terminal: control
 * characters (which could carry terminal escape sequences) are shown as `\uXXXX`.
 */
export function showControlChars(text: string): string {
  return text.replace(/\p{Cc}/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
