/**
 * Voice mailboxes: the messages callers left for a user (audio and who,
 * when, how long), and the user's own greeting. Behind an interface, so a
 * database or object storage can take the files' place.
 */

export interface VoicemailMessage {
  /** Unique in its mailbox; sorts in the order the messages came. */
  id: string;
  domain: string;
  user: string;
  callerIdNumber: string;
  callerIdName: string;
  /** When the message was left (ISO 8601). */
  receivedAt: string;
  durationMs: number;
  /** The call the message was left on. */
  callUuid: string;
  /** The user listened to it (`voicemail` check). */
  heard: boolean;
}

export interface VoicemailStore {
  /** A new message's id and where its audio is to be recorded; the message is listed once `save` ran. */
  reserve(domain: string, user: string, receivedAt: Date): { id: string; audioPath: string };
  save(message: VoicemailMessage): Promise<void>;
  /** The message also left in another user's mailbox (`cc`), as a new unheard message there. */
  copy(message: VoicemailMessage, toUser: string): Promise<VoicemailMessage>;
  /** Drops audio reserved and recorded but not worth keeping (shorter than a message can be). */
  discard(domain: string, user: string, id: string): Promise<void>;
  /** The mailbox's messages, oldest first. */
  list(domain: string, user: string): Promise<VoicemailMessage[]>;
  get(domain: string, user: string, id: string): Promise<VoicemailMessage | undefined>;
  audioPath(domain: string, user: string, id: string): string;
  /** The message's WAV (to send it on, e.g. by e-mail); undefined when the store keeps no audio (a trace) or the message is gone. */
  audio(domain: string, user: string, id: string): Promise<Uint8Array | undefined>;
  markHeard(domain: string, user: string, id: string): Promise<void>;
  /** False when there was no such message. */
  delete(domain: string, user: string, id: string): Promise<boolean>;
  /** The user's recorded greeting (`greeting.wav` in the mailbox), when there is one. */
  greeting(domain: string, user: string): Promise<string | undefined>;
  /** Replaces the user's greeting with this WAV (checked by the caller), or removes it (undefined); false when there was none to remove. */
  setGreeting(domain: string, user: string, wav: Uint8Array | undefined): Promise<boolean>;
  /** Called after a message is saved (left or copied), heard or deleted, with the mailbox it changed; returns what stops it. */
  onChange(listener: (domain: string, user: string) => void): () => void;
}

/** How many messages a mailbox holds that its user has not heard, and has. */
export async function mailboxCounts(store: Pick<VoicemailStore, 'list'>, domain: string, user: string): Promise<{ newMessages: number; oldMessages: number }> {
  const messages = await store.list(domain, user);
  const newMessages = messages.filter((message) => !message.heard).length;
  return { newMessages, oldMessages: messages.length - newMessages };
}

/** What a message id looks like; anything else (from a URL, say) names no message. */
export const MESSAGE_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

/** `20261205T203000Z-1a2b3c4d`: the time it came, then something random. */
export function newMessageId(receivedAt: Date, random: string): string {
  return `${receivedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${random.slice(0, 8)}`;
}
