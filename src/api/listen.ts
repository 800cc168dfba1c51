// Parse `--listen`: `127.0.0.1:8787`, `[::1]:8787`, `localhost:0` or a bare port (loopback).
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

export const DEFAULT_LISTEN = '127.0.0.1:8787';

/** Host and port of a listen address; UsageError naming the value otherwise. */
export function parseListen(value: string): { host: string; port: number } {
  const text = value.trim();
  const bad = () => new UsageError(`listen: expected HOST:PORT (e.g. 127.0.0.1:8787 or [::1]:8787), got ${JSON.stringify(value)}`);
  let host: string;
  let portText: string;
  if (/^\d+$/.test(text)) [host, portText] = ['127.0.0.1', text];
  else {
    const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d+)$/.exec(text);
    if (m === null) throw bad();
    [host, portText] = [m[1] as string, m[2] as string];
    if (text.startsWith('[') && isIP(host) !== 6) throw bad();
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port > 65535) throw bad();
  return { host, port };
}
