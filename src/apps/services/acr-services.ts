import { CallLimits } from './call-limits.js';
import { DomainCache } from './domain-cache.js';
import { Mailer } from './mailer.js';
import type { LastAgentResult } from '../last-agent-args.js';
import { OutcomeListeners } from './outcome-listeners.js';
import { RemoteAudio } from './remote-audio.js';
import { Speech } from './speech.js';
import { ParkingLots } from './parking-lots.js';
import { PickupGroups } from './pickup-groups.js';
import { NO_OTHER_CALLS, type Switchboard } from '../../call/switchboard.js';
import { NO_APP_SETTINGS, type DomainAppSettings } from './settings.js';
import { tonePrompts, type PromptSource } from './spoken-prompts.js';
import { MemoryVoicemailStore } from '../../voicemail/memory-store.js';
import type { VoicemailStore } from '../../voicemail/store.js';

/** Voice mailboxes and the router's own prompts; in memory and as tones unless the server gives its files. */
export interface MediaStores {
  voicemail: VoicemailStore;
  prompts: PromptSource;
  /** The media folders' root (`<media.dir>/<domain>/`), for `playback` type wav. */
  mediaDir?: string;
}

/**
 * What the applications that reach beyond the call share across calls: the
 * `cache` store, the `limit` counters, each domain's settings, the mailer,
 * speech, HTTP, parking lots, pickup groups and the other calls in progress.
 * One per router (or per trace), so counters and cache are process-wide.
 */
export class AcrServices {
  readonly cache = new DomainCache();
  readonly limits = new CallLimits();
  readonly mailer = new Mailer();
  /** `lastAgent`'s result on each call (answered, busy, no-answer, not-found, unavailable), per domain. */
  readonly lastAgentOutcomes = new OutcomeListeners<LastAgentResult>();
  /** `sendEvent`'s events, for the live event stream (webhooks are posted by the app). */
  readonly hookEvents = new OutcomeListeners<Record<string, unknown>>();
  /** `tts`: phrases spoken by espeak-ng, rendered once. */
  readonly speech = new Speech();
  /** Prompts named by URL, downloaded once. */
  readonly remoteAudio: RemoteAudio;
  readonly voicemail: VoicemailStore;
  readonly prompts: PromptSource;
  readonly mediaDir: string | undefined;
  readonly parking = new ParkingLots();
  readonly pickupGroups = new PickupGroups();
  #settings: ReadonlyMap<string, DomainAppSettings>;

  constructor(
    settings: Iterable<[domain: string, settings: DomainAppSettings]> = [],
    /** HTTP for httpRequest, httpApi and sendEvent; injectable for tests. */
    readonly fetch: typeof globalThis.fetch = globalThis.fetch,
    media: MediaStores = { voicemail: new MemoryVoicemailStore(), prompts: tonePrompts },
    /** Other calls in progress (hangup/bridge by uuid, park, pickup); a trace has none. */
    readonly switchboard: Switchboard = NO_OTHER_CALLS,
  ) {
    this.#settings = new Map(settings);
    this.remoteAudio = new RemoteAudio(fetch);
    this.voicemail = media.voicemail;
    this.prompts = media.prompts;
    this.mediaDir = media.mediaDir;
  }

  /** Another configuration's domain settings; the cache and counters carry on. */
  configure(domains: DomainsAppSettings): void {
    this.#settings = settingsOf(domains);
  }

  settings(domain: string): DomainAppSettings {
    return this.#settings.get(domain) ?? NO_APP_SETTINGS;
  }
}

/** From the configuration's domains (each with its `blackLists`, `email`, `events`). */
export function acrServicesFor(domains: DomainsAppSettings, media?: MediaStores, switchboard?: Switchboard): AcrServices {
  return new AcrServices(settingsOf(domains), globalThis.fetch, media, switchboard);
}

type DomainsAppSettings = readonly ({ name: string } & DomainAppSettings)[];

function settingsOf(domains: DomainsAppSettings): Map<string, DomainAppSettings> {
  return new Map(domains.map(({ name, blackLists, email, events }) => [name, { blackLists, email, events }]));
}

declare module '../../engine/app.js' {
  /** Applications reach these through `ctx.services.acr`; the composition root (server, trace) provides them. */
  interface Services {
    acr: AcrServices;
  }
}
