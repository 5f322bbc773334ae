import type { CredentialsOutput } from '../../src/credentials.js';

/** Typical temporary credentials with a region, as the formatter tests print them. */
export const temporary: CredentialsOutput = {
  credentials: {
    accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==',
    expiration: new Date('2026-11-28T17:36:45.678Z'),
  },
  region: 'eu-west-1',
};

/** Long-term keys: no token, no expiration, no region. */
export const staticKeys: CredentialsOutput = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
};
