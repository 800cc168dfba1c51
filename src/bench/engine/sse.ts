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
  return new Parser(onEvent);
}

class Parser implements SseParser {
  // The default TextDecoder also drops a leading byte order mark, as the SSE spec asks.
  readonly #decoder = new TextDecoder('utf-8');
  #buffer = '';
  #data: string[] = [];
  // The previous piece ended with \r: a \n at the start of the next one belongs to the same line end.
  #afterCr = false;

  constructor(private readonly onEvent: (data: string) => void) {}

  push(chunk: Uint8Array): void {
    this.#feed(this.#decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    this.#feed(this.#decoder.decode());
    if (this.#buffer !== '') {
      this.#line(this.#buffer);
      this.#buffer = '';
    }
    this.#dispatch();
  }

  #dispatch(): void {
    if (this.#data.length === 0) return;
    const payload = this.#data.length === 1 ? (this.#data[0] as string) : this.#data.join('\n');
    this.#data = [];
    this.onEvent(payload);
  }

  #line(line: string): void {
    if (line === '') return this.#dispatch();
    const colon = line.indexOf(':');
    if (colon === 0) return; // comment (keep-alive)
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== 'data') return; // event:, id:, retry: do not matter for completions
    if (colon < 0) return void this.#data.push('');
    const start = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    this.#data.push(line.slice(start));
  }

  // Split the new text (after what was buffered) into lines at \r, \n or \r\n; keep the unfinished rest.
  #feed(text: string): void {
    if (text === '') return;
    const s = this.#buffer === '' ? text : this.#buffer + text;
    let pos = 0;
    if (this.#afterCr) {
      this.#afterCr = false;
      if (s.charCodeAt(0) === 10) pos = 1;
    }
    let cr = s.indexOf('\r', pos);
    let lf = s.indexOf('\n', pos);
    while (cr >= 0 || lf >= 0) {
      const eol = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      this.#line(s.slice(pos, eol));
      pos = eol + 1;
      if (eol === cr) {
        if (pos === s.length) this.#afterCr = true;
        else if (s.charCodeAt(pos) === 10) pos++;
        cr = s.indexOf('\r', pos);
      }
      if (lf < pos) lf = s.indexOf('\n', pos);
    }
    this.#buffer = pos === 0 ? s : s.slice(pos);
  }
}
