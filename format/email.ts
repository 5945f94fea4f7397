// The words of an email a text classifier should read: its Subject and its
// body, without the transport headers (Received, Message-ID, ... say which
// server carried it, not what it says) and without markup. Handles what the
// SpamAssassin corpus holds: RFC 822 headers (continued on indented lines),
// quoted-printable bodies, HTML. A text without a header block is read as a
// body alone, so `wasmlite run` takes a pasted message as well as a raw one.

/** Whether the text opens with a header block (an mbox "From " line or "Name: value"). */
function hasHeaders(text: string): boolean {
  return /^(From |[A-Za-z][A-Za-z0-9-]*:[ \t])/.test(text);
}

/** Decodes quoted-printable: soft line breaks dropped, =XX as the byte it names. */
function decodeQuotedPrintable(body: string): string {
  return body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Markup removed: tags and comments as spaces, the common entities as their characters. */
function stripHtml(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&amp;/gi, "&")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code) % 65536));
}

/** "Subject body" of a raw message (or the text itself when it has no headers). */
export function emailText(raw: string): string {
  if (!hasHeaders(raw)) return stripHtml(raw);
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  let body = split < 0 ? "" : raw.slice(split).replace(/^\s+/, "");
  // Unfold continued header lines, then find the ones that matter.
  const headers = head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/);
  const value = (name: string) =>
    headers
      .find((h) => h.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim() ?? "";
  if (/quoted-printable/i.test(value("content-transfer-encoding")) || /=\r?\n|=3D/i.test(body))
    body = decodeQuotedPrintable(body);
  return `${value("subject")}\n${stripHtml(body)}`;
}
