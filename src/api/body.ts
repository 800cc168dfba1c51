// Read a JSON request body safely: the content type must be JSON (415), a declared or streamed
// size over the limit stops at once (413, never buffering the rest), and bad JSON is a 400.
import type { IncomingMessage } from 'node:http';
import { RequestRefused } from '../errors.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** True for `application/json` and `application/<x>+json`, with or without parameters. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const type = header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** The parsed JSON body; RequestRefused 415 / 413 / 400. */
export async function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new RequestRefused(415, `expected Content-Type: application/json, got ${JSON.stringify(String(req.headers['content-type'] ?? 'none').slice(0, 100))}`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new RequestRefused(400, 'expected a JSON body, got an empty one');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RequestRefused(400, `invalid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}

// The connection is closed after a 413 so the client stops sending the rest.
const tooLarge = (limit: number) => new RequestRefused(413, `request body larger than ${limit} bytes`, { headers: { connection: 'close' } });
