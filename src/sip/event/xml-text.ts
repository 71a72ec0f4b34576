/** Text and attribute values in the XML documents NOTIFYs carry: user ids and domains come from configuration, not from us. */
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character]);
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
