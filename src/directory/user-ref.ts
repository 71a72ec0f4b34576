/** A user named as `101` (in the call's domain) or `101@example.com`. */
export interface UserRef {
  id: string;
  domain: string;
}

export function parseUserRef(name: string, callDomain: string): UserRef {
  const at = name.lastIndexOf('@');
  return at > 0 ? { id: name.slice(0, at), domain: name.slice(at + 1) } : { id: name, domain: callDomain };
}

export function formatUserRef(user: UserRef): string {
  return `${user.id}@${user.domain}`;
}
