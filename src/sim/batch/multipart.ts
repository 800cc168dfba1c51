// The one multipart/form-data body the simulator reads: an OpenAI file upload (`purpose` and `file`).
// Parsed from bytes at the boundary the Content-Type names; nothing streams (uploads are bounded).

interface FormPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** The boundary of a multipart/form-data Content-Type, or undefined for anything else. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** The parts of a multipart body; a part without a name is skipped. Throws on a body without the boundary. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error('expected a multipart body with its boundary, got none');
  for (;;) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('expected the closing boundary of the multipart body, got the end');
    const part = body.subarray(start + 2, next - 2); // after CRLF, before the CRLF that precedes the delimiter
    const split = part.indexOf('\r\n\r\n');
    const head = (split < 0 ? part : part.subarray(0, split)).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) parts.push({ name, ...(filename === undefined ? {} : { filename }), data: split < 0 ? Buffer.alloc(0) : part.subarray(split + 4) });
    at = next;
  }
  return parts;
}
