/**
 * Pointing Debian's AWS CLI v2 (/usr/bin/aws) at the STS emulator. aws-cli 2.9 ignores
 * endpoint_url and AWS_ENDPOINT_URL_STS for its own role assumption, so it is given an STS
 * endpoint-rules file under AWS_DATA_PATH instead. Shared by the conformance test and the bench.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's AWS CLI v2; the `aws` first on PATH may be an old v1. */
export const awsCli = '/usr/bin/aws';

/** The STS endpoint-rules file that sends every STS call of the AWS CLI to the emulator, signed for the resolved region. */
export function endpointRules(url: string): string {
  const parameter = (builtIn: string, type: string, required: boolean): object => ({ builtIn, required, documentation: builtIn, type, ...(required && { default: false }) });
  const endpoint = (signingRegion: string): object => ({ url, properties: { authSchemes: [{ name: 'sigv4', signingName: 'sts', signingRegion }] }, headers: {} });
  return JSON.stringify({
    version: '1.0',
    parameters: {
      Region: parameter('AWS::Region', 'String', false),
      UseDualStack: parameter('AWS::UseDualStack', 'Boolean', true),
      UseFIPS: parameter('AWS::UseFIPS', 'Boolean', true),
      Endpoint: parameter('SDK::Endpoint', 'String', false),
      UseGlobalEndpoint: parameter('AWS::STS::UseGlobalEndpoint', 'Boolean', true),
    },
    rules: [
      // aws-global is how botocore names "no region": AWS signs those calls for us-east-1.
      { conditions: [{ fn: 'isSet', argv: [{ ref: 'Region' }] }, { fn: 'stringEquals', argv: [{ ref: 'Region' }, 'aws-global'] }], endpoint: endpoint('us-east-1'), type: 'endpoint' },
      { conditions: [{ fn: 'isSet', argv: [{ ref: 'Region' }] }], endpoint: endpoint('{Region}'), type: 'endpoint' },
      { conditions: [], endpoint: endpoint('us-east-1'), type: 'endpoint' },
    ],
  });
}

/** Writes the endpoint-rules file for `url` under `dataPath` (created as needed); pass `dataPath` as AWS_DATA_PATH. */
export function writeEndpointRules(dataPath: string, url: string): void {
  const dir = join(dataPath, 'sts', '2011-06-15');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'endpoint-rule-set-1.json'), endpointRules(url));
}
