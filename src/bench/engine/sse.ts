// Incremental Server-Sent Events parser for streaming completions. Survives any chunk boundary:
// inside a UTF-8 character (streaming TextDecoder), inside a field, between \r and \n.
// Hot path: lines are found with indexOf on a per-chunk string, never byte by byte.

export interface SseParser {
  /** Feed the next bytes of the response body. */
  push(chunk: Uint8Array): void;
  /** The body ended: flush the decoder and deliver a last event even without its blank line. */
  end(): void;
}

/** A parser that calls onEvent with each event's data (multi-line data joined with \n). */
export function createSseParser(onEvent: (data: string) => void): SseParser {
  // The default TextDecoder also drops a leading byte order mark, as the SSE spec asks.
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let data: string[] = [];
  // The previous piece ended with \r: a \n at the start of the next one belongs to the same line end.
  let afterCr = false;

  const dispatch = (): void => {
    if (data.length === 0) return;
    const payload = data.length === 1 ? (data[0] as string) : data.join('\n');
    data = [];
    onEvent(payload);
  };

  const processLine = (line: string): void => {
    if (line === '') return dispatch();
    const colon = line.indexOf(':');
    if (colon === 0) return; // comment (keep-alive)
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== 'data') return; // event:, id:, retry: do not matter for completions
    if (colon < 0) return void data.push('');
    const start = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    data.push(line.slice(start));
  };

  const feed = (text: string): void => {
    if (text === '') return;
    const s = buffer === '' ? text : buffer + text;
    let pos = 0;
    if (afterCr) {
      afterCr = false;
      if (s.charCodeAt(0) === 10) pos = 1;
    }
    let cr = s.indexOf('\r', pos);
    let lf = s.indexOf('\n', pos);
    while (cr >= 0 || lf >= 0) {
      const eol = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      processLine(s.slice(pos, eol));
      pos = eol + 1;
      if (eol === cr) {
        if (pos === s.length) afterCr = true;
        else if (s.charCodeAt(pos) === 10) pos++;
        cr = s.indexOf('\r', pos);
      }
      if (lf < pos) lf = s.indexOf('\n', pos);
    }
    buffer = pos === 0 ? s : s.slice(pos);
  };

  return {
    push(chunk) {
      feed(decoder.decode(chunk, { stream: true }));
    },
    end() {
      feed(decoder.decode());
      if (buffer !== '') {
        processLine(buffer);
        buffer = '';
      }
      dispatch();
    },
  };
}
