import { AppRegistry } from '../engine/app-registry.js';
import { answerApp } from './answer.js';
import { blackListApp } from './black-list.js';
import { breakApp } from './break.js';
import { bridgeApp } from './bridge.js';
import { cacheApp } from './cache.js';
import { calendarApp } from './calendar.js';
import { preAnswerApp, ringReadyApp } from './call-progress.js';
import { cdrApp } from './cdr.js';
import { existsApp } from './exists.js';
import { exportApp } from './export.js';
import { exportVarsApp } from './export-vars.js';
import { setAllApp, setNoLocalApp } from './export-map.js';
import { findUserApp } from './find-user.js';
import { flushDtmfApp } from './flush-dtmf.js';
import { executeApp, functionApp } from './function.js';
import { gotoApp } from './goto.js';
import { hangupApp } from './hangup.js';
import { httpApiApp } from './http-api.js';
import { httpRequestApp } from './http-request.js';
import { ifApp } from './if.js';
import { jsApp } from './js.js';
import { lastAgentApp } from './last-agent.js';
import { limitApp } from './limit.js';
import { logApp } from './log.js';
import { markIvrApp } from './mark-ivr.js';
import { mathApp } from './math.js';
import { NOT_YET_APPS } from './not-yet.js';
import { ringbackApp } from './ringback.js';
import { echoApp } from './echo.js';
import { inBandDtmfApp } from './in-band-dtmf.js';
import { sayApp } from './say.js';
import { ttsApp } from './tts.js';
import { originateApp } from './originate.js';
import { parkApp } from './park.js';
import { pickupApp } from './pickup.js';
import { playbackApp } from './playback.js';
import { recordFileApp } from './record-file.js';
import { recordSessionApp } from './record-session.js';
import { scheduleApp } from './schedule.js';
import { scheduleHangupApp } from './schedule-hangup.js';
import { sendEmailApp } from './send-email.js';
import { sendEventApp } from './send-event.js';
import { setApp } from './set.js';
import { setArrayApp } from './set-array.js';
import { setProfileVarApp } from './set-profile-var.js';
import { setSoundsApp } from './set-sounds.js';
import { setUserApp } from './set-user.js';
import { setVarApp } from './set-var.js';
import { sipRedirectApp } from './sip-redirect.js';
import { sleepApp } from './sleep.js';
import { stringApp } from './string.js';
import { switchApp } from './switch.js';
import { triggerApp } from './trigger.js';
import { unSetApp } from './un-set.js';
import { updateCidApp } from './update-cid.js';
import { userDataApp } from './user-data.js';
import { voicemailApp } from './voicemail.js';
import { whileApp } from './while.js';

/**
 * Every application a schema may use, by name. Adding an app = adding its file and a line here.
 * Applications that need a part callrouter does not have yet are recognised and validated,
 * and skipped at run time with the part they need: `./not-yet.ts`.
 */
export const appRegistry = new AppRegistry([
  answerApp, blackListApp, breakApp, bridgeApp, cacheApp, calendarApp, cdrApp, executeApp, existsApp, exportApp,
  exportVarsApp, findUserApp, functionApp, gotoApp, hangupApp, httpApiApp, httpRequestApp, ifApp, jsApp, limitApp,
  logApp, mathApp, preAnswerApp, ringReadyApp, scheduleApp, sendEmailApp, sendEventApp, setApp, setArrayApp,
  setProfileVarApp, setSoundsApp, setUserApp, setVarApp, sleepApp, { ...sleepApp, name: 'softSleep' }, stringApp,
  switchApp, triggerApp, unSetApp, userDataApp, whileApp,
  // Webitel's newer flow engine (flow_manager) names.
  setAllApp, setNoLocalApp, scheduleHangupApp, updateCidApp, markIvrApp,
  playbackApp, flushDtmfApp, { ...flushDtmfApp, name: 'flushDtmf' }, recordSessionApp,
  lastAgentApp,
  ringbackApp, echoApp, inBandDtmfApp, ttsApp, sayApp,
  recordFileApp, voicemailApp,
  sipRedirectApp, parkApp, pickupApp, originateApp,
  ...NOT_YET_APPS,
]);
