import { answerApp } from '../apps/answer.js';
import type { AppSpec } from '../apps/app.js';
import { closestName } from './closest-name.js';
import { blackListApp } from '../apps/black-list.js';
import { breakApp } from '../apps/break.js';
import { bridgeApp } from '../apps/bridge.js';
import { cacheApp } from '../apps/cache.js';
import { calendarApp } from '../apps/calendar.js';
import { preAnswerApp, ringReadyApp } from '../apps/call-progress.js';
import { cdrApp } from '../apps/cdr.js';
import { existsApp } from '../apps/exists.js';
import { exportApp } from '../apps/export.js';
import { exportVarsApp } from '../apps/export-vars.js';
import { findUserApp } from '../apps/find-user.js';
import { executeApp, functionApp } from '../apps/function.js';
import { jsApp } from '../apps/js.js';
import { httpApiApp } from '../apps/http-api.js';
import { httpRequestApp } from '../apps/http-request.js';
import { triggerApp } from '../apps/trigger.js';
import { whileApp } from '../apps/while.js';
import { gotoApp } from '../apps/goto.js';
import { hangupApp } from '../apps/hangup.js';
import { ifApp } from '../apps/if.js';
import { limitApp } from '../apps/limit.js';
import { logApp } from '../apps/log.js';
import { mathApp } from '../apps/math.js';
import { NOT_YET_APPS } from '../apps/not-yet.js';
import { scheduleApp } from '../apps/schedule.js';
import { sendEmailApp } from '../apps/send-email.js';
import { sendEventApp } from '../apps/send-event.js';
import { setApp } from '../apps/set.js';
import { setArrayApp } from '../apps/set-array.js';
import { setProfileVarApp } from '../apps/set-profile-var.js';
import { setSoundsApp } from '../apps/set-sounds.js';
import { setUserApp } from '../apps/set-user.js';
import { setVarApp } from '../apps/set-var.js';
import { sleepApp } from '../apps/sleep.js';
import { stringApp } from '../apps/string.js';
import { switchApp } from '../apps/switch.js';
import { unSetApp } from '../apps/un-set.js';
import { userDataApp } from '../apps/user-data.js';

/** Every application a schema may use, by name. Adding an app = adding its file and a line here. */
const APPS: readonly AppSpec<any>[] = [
  answerApp, blackListApp, breakApp, bridgeApp, cacheApp, calendarApp, cdrApp, existsApp, exportApp, exportVarsApp,
  findUserApp, gotoApp, hangupApp, ifApp, limitApp, logApp, mathApp, preAnswerApp, ringReadyApp, scheduleApp,
  sendEmailApp, sendEventApp, setApp, setArrayApp, setProfileVarApp, setSoundsApp, setUserApp, setVarApp, sleepApp,
  { ...sleepApp, name: 'softSleep' }, stringApp, switchApp, unSetApp, userDataApp, functionApp, executeApp, jsApp,
  triggerApp, whileApp, httpRequestApp, httpApiApp,
  // Recognised and validated, skipped at run time with the part they need: src/apps/not-yet.ts.
  ...NOT_YET_APPS,
];

const byName = new Map<string, AppSpec<unknown>>(APPS.map((app) => [app.name, app]));

export function findApp(name: string): AppSpec<unknown> | undefined {
  return byName.get(name);
}

export function appNames(): string[] {
  return [...byName.keys()];
}

/** The closest known application name, if one is close enough to be a typo. */
export function suggestApp(name: string): string | undefined {
  return closestName(name, byName.keys());
}
