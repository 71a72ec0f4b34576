/**
 * Prompts on a web server: Webitel schemas name them as FreeSWITCH plays
 * them (`http://…`, `https://…`, `http_cache://http://…`, optionally after a
 * `{refresh=true}` block). Each is downloaded once into a private temporary
 * directory and played from there, as FreeSWITCH's http_cache kept them;
 * `refresh` downloads it again. Only WAV this server plays is kept.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../../media/audio/wav-file.js';
import { OncePerKey } from './once-per-key.js';

/** A prompt, not a recording to archive: larger answers are refused. */
const MAX_BYTES = 16 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 10_000;

export interface RemoteRequest {
  url: string;
  /** Download again even when a copy is kept. */
  refresh?: boolean;
}

export class RemoteAudio {
  readonly #files = new OncePerKey<string>();
  #dir: Promise<string> | undefined;

  constructor(private readonly fetchImpl: typeof globalThis.fetch) {}

  /** The path of the downloaded WAV (a failed download is tried again); rejects with why it cannot be played (HTTP status, size, not a WAV). */
  file(request: RemoteRequest): Promise<string> {
    const key = createHash('sha256').update(request.url).digest('hex');
    return this.#files.get(key, () => this.#download(key, request), request.refresh);
  }

  async #download(key: string, request: RemoteRequest): Promise<string> {
    const response = await this.fetchImpl(request.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${request.url}: HTTP ${response.status} ${response.statusText}`.trim());
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_BYTES) throw new Error(`${request.url}: ${declared} bytes, more than a prompt may have (${MAX_BYTES})`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > MAX_BYTES) throw new Error(`${request.url}: ${bytes.length} bytes, more than a prompt may have (${MAX_BYTES})`);
    decodeWav(request.url, bytes);
    this.#dir ??= mkdtemp(join(tmpdir(), 'callrouter-remote-audio-'));
    const path = join(await this.#dir, `${key}.wav`);
    try {
      await writeFile(`${path}.part`, bytes);
      await rename(`${path}.part`, path);
    } catch (error) {
      await rm(`${path}.part`, { force: true });
      throw error;
    }
    return path;
  }
}

/**
 * What a file name written for FreeSWITCH fetches from the web: a download
 * (`http(s)://`, `http_cache://`, with `{refresh=true}` before it), `stream`
 * for `shout://` (an mp3 stream), or undefined for a name that is no URL.
 */
export function remoteRequestOf(name: string, refresh = false): RemoteRequest | 'stream' | undefined {
  const block = /^\{([^}]*)\}/.exec(name.trim());
  const rest = (block ? name.trim().slice(block[0].length) : name.trim()).replace(/^http_cache:\/\//i, '');
  if (/^shout:\/\//i.test(rest)) return 'stream';
  if (!/^https?:\/\//i.test(rest)) return undefined;
  return { url: rest, refresh: refresh || /(?:^|,)\s*refresh\s*=\s*true\s*(?:,|$)/i.test(block?.[1] ?? '') };
}
