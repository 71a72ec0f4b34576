import type { AppSpec } from '../apps/app.js';
import { breakApp } from '../apps/break.js';
import { cdrApp } from '../apps/cdr.js';
import { gotoApp } from '../apps/goto.js';
import { ifApp } from '../apps/if.js';
import { switchApp } from '../apps/switch.js';

/** Every application a schema may use, by name. Adding an app = adding its file and a line here. */
const APPS: readonly AppSpec<any>[] = [breakApp, cdrApp, gotoApp, ifApp, switchApp];

const byName = new Map<string, AppSpec<unknown>>(APPS.map((app) => [app.name, app]));

/** Applications of the original that come in later waves: rejected at load, never silently ignored. */
export const UNSUPPORTED_APPS: ReadonlySet<string> = new Set([
  'playback', 'ivr', 'ringback', 'recordSession', 'park', 'queue', 'voicemail', 'conference', 'echo',
  'sipRedirect', 'pickup', 'eavesdrop', 'receiveFax', 'amd', 'tts', 'stt', 'inBandDTMF', 'flushDTMF',
  'setSounds', 'schedule', 'limit', 'blackList', 'findUser', 'httpRequest', 'geoLocation',
]);

export function findApp(name: string): AppSpec<unknown> | undefined {
  return byName.get(name);
}

export function appNames(): string[] {
  return [...byName.keys()];
}

/** The closest known application name, if one is close enough to be a typo. */
export function suggestApp(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of [...byName.keys(), ...UNSUPPORTED_APPS]) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
