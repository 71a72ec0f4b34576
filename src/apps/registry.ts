import { AppRegistry } from '../engine/app-registry.js';
import { answerApp } from './answer.js';
import { breakApp } from './break.js';
import { bridgeApp } from './bridge.js';
import { calendarApp } from './calendar.js';
import { cdrApp } from './cdr.js';
import { existsApp } from './exists.js';
import { exportVarsApp } from './export-vars.js';
import { gotoApp } from './goto.js';
import { hangupApp } from './hangup.js';
import { ifApp } from './if.js';
import { logApp } from './log.js';
import { mathApp } from './math.js';
import { setVarApp } from './set-var.js';
import { sleepApp } from './sleep.js';
import { stringApp } from './string.js';
import { switchApp } from './switch.js';
import { unSetApp } from './un-set.js';
import { userDataApp } from './user-data.js';

/** Applications of the original that come in later waves: rejected at load, never silently ignored. */
const UNSUPPORTED_APPS: ReadonlySet<string> = new Set([
  'playback', 'ivr', 'ringback', 'recordSession', 'park', 'queue', 'voicemail', 'conference', 'echo',
  'sipRedirect', 'pickup', 'eavesdrop', 'receiveFax', 'amd', 'tts', 'stt', 'inBandDTMF', 'flushDTMF',
  'setSounds', 'schedule', 'limit', 'blackList', 'findUser', 'httpRequest', 'geoLocation',
]);

/** Every application a schema may use, by name. Adding an app = adding its file and a line here. */
export const appRegistry = new AppRegistry(
  [
    answerApp, breakApp, bridgeApp, calendarApp, cdrApp, existsApp, exportVarsApp, gotoApp, hangupApp, ifApp,
    logApp, mathApp, setVarApp, sleepApp, stringApp, switchApp, unSetApp, userDataApp,
  ],
  UNSUPPORTED_APPS,
);
