import type { Directory } from '../directory/directory.js';
import { parseUserRef } from '../directory/user-ref.js';

/** Resources of the original that callrouter does not keep yet: asking about them answers false. */
export const RESOURCES_NOT_KEPT: Readonly<Record<string, string>> = {
  media: 'media files (the media engine)',
  queue: 'call-centre queues',
  dialer: 'the outbound dialer',
  callback: 'callback queues',
  callbackMember: 'callback queues',
};

/**
 * `&exists(account, 1000)`, `&exists(account,101@example.com)` and the short
 * `&exists(1000)`: is there such a user. Other resources are not kept, so false.
 */
export function resourceExists(directory: Directory, domain: string, text: string): boolean {
  const parts = text.split(',').map((part) => part.trim().replace(/^(['"])(.*)\1$/, '$2'));
  const [resource, name] = parts.length >= 2 ? [parts[0], parts[1]] : ['account', parts[0]];
  if (resource !== 'account' || name === '') return false;
  const user = parseUserRef(name, domain);
  return directory.user(user.domain, user.id) !== undefined;
}
