import { answerApp } from '../apps/answer.js';
import type { AppSpec } from '../apps/app.js';
import { closestName } from './closest-name.js';
import { breakApp } from '../apps/break.js';
import { bridgeApp } from '../apps/bridge.js';
import { calendarApp } from '../apps/calendar.js';
import { cdrApp } from '../apps/cdr.js';
import { existsApp } from '../apps/exists.js';
import { exportVarsApp } from '../apps/export-vars.js';
import { gotoApp } from '../apps/goto.js';
import { hangupApp } from '../apps/hangup.js';
import { ifApp } from '../apps/if.js';
import { logApp } from '../apps/log.js';
import { mathApp } from '../apps/math.js';
import { setVarApp } from '../apps/set-var.js';
import { sleepApp } from '../apps/sleep.js';
import { stringApp } from '../apps/string.js';
import { switchApp } from '../apps/switch.js';
import { unSetApp } from '../apps/un-set.js';
import { userDataApp } from '../apps/user-data.js';

/** Every application a schema may use, by name. Adding an app = adding its file and a line here. */
const APPS: readonly AppSpec<any>[] = [
  answerApp, breakApp, bridgeApp, calendarApp, cdrApp, existsApp, exportVarsApp, gotoApp, hangupApp, ifApp,
  logApp, mathApp, setVarApp, sleepApp, stringApp, switchApp, unSetApp, userDataApp,
];

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
  return closestName(name, [...byName.keys(), ...UNSUPPORTED_APPS]);
}
