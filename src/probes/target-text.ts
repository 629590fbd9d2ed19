/**
 * What a probe's message may say about its target: host and port, never the URL's user name or
 * password. Servers quote the user back (Postgres: `role "amas_admin" does not exist`), and those
 * messages reach /health and /api/status, which anyone who can reach the port may read.
 */
export function withoutUserName(message: string, url: string): string {
  let user = '';
  try {
    user = decodeURIComponent(new URL(url).username);
  } catch {
    return message;
  }
  return user ? message.split(user).join('<user>') : message;
}
