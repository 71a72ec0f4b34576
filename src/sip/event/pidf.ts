/**
 * The presence event package (RFC 3856) for phones whose BLF keys watch
 * presence rather than dialogs: an `application/pidf+xml` document
 * (RFC 3863) with one tuple, `open` while the user has a registered phone
 * and `closed` when not, and a note saying what the phone does; while it
 * rings or talks the RPID activity `on-the-phone` (RFC 4480) says so too,
 * which is what phones read to light the key.
 */
import type { AccountState, PhoneStateTracker } from '../../directory/directory.js';
import { resourceUri, type EventPackage, type Resource } from './event-package.js';
import { escapeXml, XML_DECLARATION } from './xml-text.js';

export const PIDF_NAMESPACE = 'urn:ietf:params:xml:ns:pidf';
const DATA_MODEL_NAMESPACE = 'urn:ietf:params:xml:ns:pidf:data-model';
const RPID_NAMESPACE = 'urn:ietf:params:xml:ns:pidf:rpid';

const NOTES: Readonly<Record<AccountState, string>> = {
  nonreg: 'Offline',
  onhook: 'Available',
  ringing: 'Ringing',
  isbusy: 'On the phone',
  dnd: 'Do not disturb',
};

export function formatPidf(resource: Resource, state: AccountState): string {
  const basic = state === 'nonreg' ? 'closed' : 'open';
  const onThePhone = state === 'ringing' || state === 'isbusy';
  // Tuple and person ids are XML IDs: a letter first, no characters a user id might hold beyond these.
  const id = resource.user.replace(/[^A-Za-z0-9._-]/g, '_');
  const lines = [
    XML_DECLARATION,
    `<presence xmlns="${PIDF_NAMESPACE}" xmlns:dm="${DATA_MODEL_NAMESPACE}" xmlns:rpid="${RPID_NAMESPACE}" entity="${escapeXml(resourceUri(resource, 'pres'))}">`,
    `  <tuple id="t-${id}">`,
    `    <status><basic>${basic}</basic></status>`,
    `    <contact>${escapeXml(resourceUri(resource))}</contact>`,
    `    <note>${NOTES[state]}</note>`,
    '  </tuple>',
  ];
  if (onThePhone || state === 'dnd') {
    const activity = onThePhone ? '<rpid:on-the-phone/>' : '<rpid:busy/>';
    lines.push(`  <dm:person id="p-${id}">`, `    <rpid:activities>${activity}</rpid:activities>`, '  </dm:person>');
  }
  lines.push('</presence>', '');
  return lines.join('\r\n');
}

export function presencePackage(phones: Pick<PhoneStateTracker, 'state' | 'onChange'>): EventPackage {
  return {
    event: 'presence',
    contentType: 'application/pidf+xml',
    watchers: 'domain',
    documents: (resource) => () => formatPidf(resource, phones.state(resource.domain, resource.user)),
    onChange: (listener) => phones.onChange((domain, user) => listener({ domain, user })),
  };
}
