/**
 * Mailboxes held in memory, for `trace`: a simulated call leaves and checks
 * messages without writing anything; paths are where the files would be,
 * relative to the data directory.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { safePart } from '../call/recording-path.js';
import { MailboxChanges, type MailboxListener } from './mailbox-changes.js';
import { newMessageId, type VoicemailMessage, type VoicemailStore } from './store.js';

export class MemoryVoicemailStore implements VoicemailStore {
  readonly #messages = new Map<string, VoicemailMessage>();
  readonly #changes = new MailboxChanges();

  onChange(listener: MailboxListener): () => void {
    return this.#changes.listen(listener);
  }

  reserve(domain: string, user: string, receivedAt: Date): { id: string; audioPath: string } {
    const id = newMessageId(receivedAt, randomUUID().replace(/-/g, ''));
    return { id, audioPath: this.audioPath(domain, user, id) };
  }

  async save(message: VoicemailMessage): Promise<void> {
    this.#messages.set(key(message.domain, message.user, message.id), { ...message });
    this.#changes.report(message.domain, message.user);
  }

  async copy(message: VoicemailMessage, toUser: string): Promise<VoicemailMessage> {
    const copied = { ...message, id: this.reserve(message.domain, toUser, new Date(message.receivedAt)).id, user: toUser, heard: false };
    await this.save(copied);
    return copied;
  }

  async discard(): Promise<void> {}

  async list(domain: string, user: string): Promise<VoicemailMessage[]> {
    return [...this.#messages.values()].filter((message) => message.domain === domain && message.user === user).sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(domain: string, user: string, id: string): Promise<VoicemailMessage | undefined> {
    return this.#messages.get(key(domain, user, id));
  }

  audioPath(domain: string, user: string, id: string): string {
    return join('voicemail', safePart(domain), safePart(user), `${safePart(id)}.wav`);
  }

  /** A trace records no audio. */
  async audio(): Promise<Uint8Array | undefined> {
    return undefined;
  }

  async markHeard(domain: string, user: string, id: string): Promise<void> {
    const message = this.#messages.get(key(domain, user, id));
    if (!message || message.heard) return;
    message.heard = true;
    this.#changes.report(domain, user);
  }

  async delete(domain: string, user: string, id: string): Promise<boolean> {
    const deleted = this.#messages.delete(key(domain, user, id));
    if (deleted) this.#changes.report(domain, user);
    return deleted;
  }

  /** Greetings are files to play; a trace has none. */
  async greeting(): Promise<string | undefined> {
    return undefined;
  }

  async setGreeting(): Promise<boolean> {
    throw new Error('a trace keeps no greetings');
  }
}

function key(domain: string, user: string, id: string): string {
  return `${domain}\u0000${user}\u0000${id}`;
}
