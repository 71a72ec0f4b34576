/**
 * The message-summary event package (RFC 3842), message waiting indication:
 * a phone subscribes to its own user's mailbox and lights its MWI lamp while
 * `Messages-Waiting: yes`. Each NOTIFY carries an
 * `application/simple-message-summary` body with the counts of voice
 * messages, new (unheard) and old (heard); the router has no urgent ones.
 */
import { resourceUri, type EventPackage, type Resource } from './event-package.js';

/** What the router's mailboxes tell the package: the counts, and when a mailbox changed. */
export interface Mailboxes {
  summary(domain: string, user: string): Promise<MailboxSummary>;
  onChange(listener: (domain: string, user: string) => void): () => void;
}

export interface MailboxSummary {
  newMessages: number;
  oldMessages: number;
}

/** §5.2: the status line, the account, then one summary line per message class; CRLF after each. */
export function formatMessageSummary(account: string, summary: MailboxSummary): string {
  return [
    `Messages-Waiting: ${summary.newMessages > 0 ? 'yes' : 'no'}`,
    `Message-Account: ${account}`,
    `Voice-Message: ${summary.newMessages}/${summary.oldMessages} (0/0)`,
    '',
  ].join('\r\n');
}

export function messageSummaryPackage(mailboxes: Mailboxes): EventPackage {
  return {
    event: 'message-summary',
    contentType: 'application/simple-message-summary',
    watchers: 'self',
    documents: (resource: Resource) => async () => formatMessageSummary(resourceUri(resource), await mailboxes.summary(resource.domain, resource.user)),
    onChange: (listener) => mailboxes.onChange((domain, user) => listener({ domain, user })),
  };
}
