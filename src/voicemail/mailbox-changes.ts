/**
 * Who is told when a mailbox changes — a message left, heard or deleted —
 * so phones subscribed for message waiting (MWI) get the new counts.
 */
export type MailboxListener = (domain: string, user: string) => void;

export class MailboxChanges {
  readonly #listeners = new Set<MailboxListener>();

  listen(listener: MailboxListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  report(domain: string, user: string): void {
    for (const listener of this.#listeners) listener(domain, user);
  }
}
