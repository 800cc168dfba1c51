// The one test for credentials in a URL (`scheme://user:password@host`): a URL that would be
// written into a job script, an argv, a result or a log must not carry them.

/** The userinfo of an authority: from `//` to its last `@` before the first `/`, `?` or `#` (as URL parsing reads it). */
const URL_CREDENTIALS = /(^[a-z][a-z0-9+.-]*:)?\/\/[^/?#\s]*@/i;

/** True when the URL holds a user name or password. */
export function hasUrlCredentials(url: string): boolean {
  return URL_CREDENTIALS.test(url);
}

/** The URL with its user and password shown as `***` (for messages that must name the URL). */
export function maskUrlCredentials(url: string): string {
  return url.replace(URL_CREDENTIALS, (_m, scheme: string | undefined) => `${scheme ?? ''}//***@`);
}

/** Every URL in a free text with its credentials removed (for messages from below). */
export function scrubUrlCredentials(text: string): string {
  return text.replace(new RegExp(URL_CREDENTIALS.source, 'gi'), (_m, scheme: string | undefined) => `${scheme ?? ''}//`);
}
