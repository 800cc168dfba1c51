// Text from outside (job, model and service names, Slurm reasons, server answers) must not drive
// the terminal: an ESC starts a colour or cursor sequence, a CR overwrites the line, a newline
// forges one. Control characters are shown as escapes instead, the way JSON and `cat -v` do.

// C0 controls, DEL and the C1 controls (U+0080-U+009F; U+009B is a one-character CSI).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeOne = (c: string): string => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * `text` with every control character written as an escape (`\x1b`, `\n`, `\x9b`). With
 * `keepLines`, newlines and tabs stay (a multi-line message keeps its lines; nothing else passes).
 */
export function escapeControl(text: string, options: { keepLines?: boolean } = {}): string {
  return text.replace(CONTROL, (c) => (options.keepLines && (c === '\n' || c === '\t') ? c : escapeOne(c)));
}
