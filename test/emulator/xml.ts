/** The XML namespace of every STS response, as AWS writes it. */
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes the five XML special characters, so any value (quotes, `$(...)`, `]]>`...) survives a round trip. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);
}

/** A tree of elements: a string is text content, an object is child elements in insertion order. */
export interface XmlElements {
  [name: string]: string | XmlElements;
}

/** Serializes `elements` as nested XML elements; every text value is escaped. */
export function formatElements(elements: XmlElements): string {
  return Object.entries(elements)
    .map(([name, value]) => `<${name}>${typeof value === 'string' ? escapeXml(value) : formatElements(value)}</${name}>`)
    .join('');
}

/** Formats a successful STS answer: `<{Action}Response><{Action}Result>...</{Action}Result><ResponseMetadata>...`. */
export function formatResponse(action: string, result: XmlElements, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_NAMESPACE}">` +
    `<${action}Result>${formatElements(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>\n`
  );
}

/** Formats AWS's Query-protocol error document. */
export function formatErrorResponse(
  error: { type: 'Sender' | 'Receiver'; code: string; message: string },
  requestId: string,
): string {
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}">` +
    `<Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId>` +
    `</ErrorResponse>\n`
  );
}
