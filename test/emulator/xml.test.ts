import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeXml, formatErrorResponse, formatResponse } from './xml.js';

describe('escapeXml', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    [`a&b<c>d"e'f`, 'a&amp;b&lt;c&gt;d&quot;e&apos;f'],
    ['&amp; stays literal', '&amp;amp; stays literal'],
    [']]> and $(id)', ']]&gt; and $(id)'],
    ['ünïcødé 🎉\n', 'ünïcødé 🎉\n'],
  ];
  for (const [input, expected] of cases) {
    it(`escapes ${JSON.stringify(input)}`, () => {
      assert.equal(escapeXml(input), expected);
    });
  }
});

describe('formatResponse', () => {
  it('nests the result in <ActionResponse><ActionResult> with the request id, escaping values', () => {
    assert.equal(
      formatResponse('GetCallerIdentity', { Arn: 'a<b', Nested: { Account: "1'2" } }, 'req-1'),
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        '<Arn>a&lt;b</Arn><Nested><Account>1&apos;2</Account></Nested></GetCallerIdentityResult>' +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>\n',
    );
  });
});

describe('formatErrorResponse', () => {
  it("writes AWS's ErrorResponse with Type, Code, Message and RequestId", () => {
    assert.equal(
      formatErrorResponse({ type: 'Sender', code: 'AccessDenied', message: 'User: "x" & y' }, 'req-2'),
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
        '<Code>AccessDenied</Code><Message>User: &quot;x&quot; &amp; y</Message></Error>' +
        '<RequestId>req-2</RequestId></ErrorResponse>\n',
    );
  });
});
