/** Escaping for the markup formats (JUnit XML, HTML). */

// XML 1.0 forbids most C0 controls even when escaped; a stray one would make the whole report
// unparseable, so they are dropped rather than encoded.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Safe in XML text and in single- or double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"']/g, (ch) => ENTITY[ch]!);
}

/** Safe in HTML text and attribute values (`&#39;` because `&apos;` is not HTML 4). */
export function escapeHtml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"']/g, (ch) => (ch === "'" ? '&#39;' : ENTITY[ch]!));
}
