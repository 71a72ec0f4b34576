/**
 * The token a request presents: `Authorization: Bearer <token>` (RFC 6750),
 * or `Basic` with the token as the password (RFC 7617; the user name is
 * ignored), for clients such as FreeSWITCH's mod_json_cdr that can only
 * send user:password.
 */
export type PresentedToken = { kind: 'none' } | { kind: 'token'; secret: string } | { kind: 'malformed' };

export function presentedToken(authorization: string | undefined): PresentedToken {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'none' };
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(authorization);
  if (!match) return { kind: 'malformed' };
  const [, scheme, value] = match;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return { kind: 'token', secret: value };
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon === -1 ? { kind: 'malformed' } : { kind: 'token', secret: decoded.slice(colon + 1) };
    }
    default:
      return { kind: 'malformed' };
  }
}
