/**
 * Mailboxes as files: `<root>/<domain>/<user>/<id>.wav` holds a message's
 * audio and `<id>.json` who left it, when and for how long. The JSON is
 * written (atomically, by rename) only after the audio is complete, so a
 * message is either listed whole or not at all; there is no index to lose.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { access, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { safePart } from '../call/recording-path.js';
import { MailboxChanges, type MailboxListener } from './mailbox-changes.js';
import { MESSAGE_ID, newMessageId, type VoicemailMessage, type VoicemailStore } from './store.js';

const GREETING_FILE = 'greeting.wav';

export class FileVoicemailStore implements VoicemailStore {
  readonly #changes = new MailboxChanges();

  constructor(readonly root: string) {}

  onChange(listener: MailboxListener): () => void {
    return this.#changes.listen(listener);
  }

  reserve(domain: string, user: string, receivedAt: Date): { id: string; audioPath: string } {
    const id = newMessageId(receivedAt, randomUUID().replace(/-/g, ''));
    mkdirSync(this.#box(domain, user), { recursive: true });
    return { id, audioPath: this.audioPath(domain, user, id) };
  }

  async save(message: VoicemailMessage): Promise<void> {
    const file = this.#metaPath(message.domain, message.user, message.id);
    await writeFile(`${file}.tmp`, JSON.stringify(message, null, 2));
    await rename(`${file}.tmp`, file);
    this.#changes.report(message.domain, message.user);
  }

  async copy(message: VoicemailMessage, toUser: string): Promise<VoicemailMessage> {
    const { id, audioPath } = this.reserve(message.domain, toUser, new Date(message.receivedAt));
    await copyFile(this.audioPath(message.domain, message.user, message.id), audioPath);
    const copied = { ...message, id, user: toUser, heard: false };
    await this.save(copied);
    return copied;
  }

  async discard(domain: string, user: string, id: string): Promise<void> {
    if (MESSAGE_ID.test(id)) await rm(this.audioPath(domain, user, id), { force: true });
  }

  async list(domain: string, user: string): Promise<VoicemailMessage[]> {
    let names: string[];
    try {
      names = await readdir(this.#box(domain, user));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const ids = names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter((id) => MESSAGE_ID.test(id));
    const messages = await Promise.all(ids.sort().map((id) => this.get(domain, user, id)));
    return messages.filter((message): message is VoicemailMessage => message !== undefined);
  }

  async get(domain: string, user: string, id: string): Promise<VoicemailMessage | undefined> {
    if (!MESSAGE_ID.test(id)) return undefined;
    const text = await readIfThere(this.#metaPath(domain, user, id));
    return text && (JSON.parse(text.toString('utf8')) as VoicemailMessage);
  }

  audioPath(domain: string, user: string, id: string): string {
    return join(this.#box(domain, user), `${safePart(id)}.wav`);
  }

  async audio(domain: string, user: string, id: string): Promise<Uint8Array | undefined> {
    return MESSAGE_ID.test(id) ? readIfThere(this.audioPath(domain, user, id)) : undefined;
  }

  async markHeard(domain: string, user: string, id: string): Promise<void> {
    const message = await this.get(domain, user, id);
    if (message && !message.heard) await this.save({ ...message, heard: true });
  }

  async delete(domain: string, user: string, id: string): Promise<boolean> {
    if (!(await this.get(domain, user, id))) return false;
    // The listing goes first: a message half deleted is not listed with its audio gone.
    await rm(this.#metaPath(domain, user, id), { force: true });
    await rm(this.audioPath(domain, user, id), { force: true });
    this.#changes.report(domain, user);
    return true;
  }

  async greeting(domain: string, user: string): Promise<string | undefined> {
    const path = join(this.#box(domain, user), GREETING_FILE);
    return access(path).then(
      () => path,
      () => undefined,
    );
  }

  async setGreeting(domain: string, user: string, wav: Uint8Array | undefined): Promise<boolean> {
    const path = join(this.#box(domain, user), GREETING_FILE);
    if (!wav) {
      const existed = (await this.greeting(domain, user)) !== undefined;
      await rm(path, { force: true });
      return existed;
    }
    await mkdir(this.#box(domain, user), { recursive: true });
    await writeFile(`${path}.tmp`, wav);
    await rename(`${path}.tmp`, path);
    return true;
  }

  #box(domain: string, user: string): string {
    return join(this.root, safePart(domain), safePart(user));
  }

  #metaPath(domain: string, user: string, id: string): string {
    return join(this.#box(domain, user), `${safePart(id)}.json`);
  }
}

/** The file's bytes; undefined when there is no such file. */
async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
