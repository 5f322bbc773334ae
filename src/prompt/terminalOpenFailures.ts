/** Why the terminal could not be opened, in words, for the common system error codes (the MFA prompt and the picker). */
export const terminalOpenFailures: Readonly<Record<string, string>> = {
  ENXIO: 'no controlling terminal',
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTTY: 'not a terminal',
  EISDIR: 'a directory',
};
