/**
 * The dialog event package (RFC 4235), what desk phones' BLF keys subscribe
 * to: an `application/dialog-info+xml` document per NOTIFY, always
 * `state="full"`, with `version` counting from 0 per subscription (§4.1).
 *
 * The router knows a user's phone state, not each of their SIP dialogs, so
 * the document carries at most one dialog standing for it: `early` while the
 * user's phone rings (the key blinks), `confirmed` while they are on a call
 * (lit). When that ends the dialog is reported once as `terminated`, then
 * the document lists none (dark); DND and not registered read as idle here
 * (presence tells those apart).
 */
import type { AccountState, PhoneStateTracker } from '../../directory/directory.js';
import { resourceUri, type EventPackage, type Resource } from './event-package.js';
import { escapeXml, XML_DECLARATION } from './xml-text.js';

export const DIALOG_INFO_NAMESPACE = 'urn:ietf:params:xml:ns:dialog-info';

/** RFC 4235 §3.7.1's states we report (`trying` and `proceeding` are a caller's, which phone state does not tell). */
export type DialogInfoState = 'early' | 'confirmed' | 'terminated';

export interface DialogInfoDialog {
  id: string;
  state: DialogInfoState;
  /** `recipient`: the resource is being called. Absent when not known. */
  direction?: 'initiator' | 'recipient';
}

export interface DialogInfoDocument {
  /** The URI of the watched user. */
  entity: string;
  version: number;
  dialogs: readonly DialogInfoDialog[];
}

export function formatDialogInfo(document: DialogInfoDocument): string {
  const lines = [XML_DECLARATION, `<dialog-info xmlns="${DIALOG_INFO_NAMESPACE}" version="${document.version}" state="full" entity="${escapeXml(document.entity)}">`];
  for (const dialog of document.dialogs) {
    const direction = dialog.direction ? ` direction="${dialog.direction}"` : '';
    lines.push(`  <dialog id="${escapeXml(dialog.id)}"${direction}>`, `    <state>${dialog.state}</state>`, '  </dialog>');
  }
  lines.push('</dialog-info>', '');
  return lines.join('\r\n');
}

const ACTIVITY: Readonly<Record<AccountState, DialogInfoState | undefined>> = {
  nonreg: undefined,
  onhook: undefined,
  dnd: undefined,
  ringing: 'early',
  isbusy: 'confirmed',
};

export function dialogPackage(phones: Pick<PhoneStateTracker, 'state' | 'onChange'>): EventPackage {
  return {
    event: 'dialog',
    contentType: 'application/dialog-info+xml',
    watchers: 'domain',
    documents: (resource) => dialogDocuments(resource, phones),
    onChange: (listener) => phones.onChange((domain, user) => listener({ domain, user })),
  };
}

/** One subscription's documents: its versions, and the dialog id of the call in progress (a new one per call). */
export function dialogDocuments(resource: Resource, phones: Pick<PhoneStateTracker, 'state'>): () => string {
  const entity = resourceUri(resource);
  let version = 0;
  let calls = 0;
  let current: string | undefined;
  return () => {
    const activity = ACTIVITY[phones.state(resource.domain, resource.user)];
    const dialogs: DialogInfoDialog[] = [];
    if (activity) {
      current ??= `${resource.user}-${++calls}`;
      dialogs.push({ id: current, state: activity, ...(activity === 'early' ? { direction: 'recipient' as const } : {}) });
    } else if (current) {
      dialogs.push({ id: current, state: 'terminated' });
      current = undefined;
    }
    return formatDialogInfo({ entity, version: version++, dialogs });
  };
}
