/**
 * Global variables FreeSWITCH's default configuration (vars.xml) defines,
 * which Webitel schemas read as `$${us-ring}` — Webitel's own `ringback`
 * example does — and which were there on every Webitel media server: the
 * countries' ringback tones, the beep and the SIT tone. A domain variable of
 * the same name is read instead.
 */
export const FREESWITCH_GLOBALS: ReadonlyMap<string, string> = new Map([
  ['us-ring', '%(2000,4000,440,480)'],
  ['gb-ring', '%(400,200,400,450);%(400,2000,400,450)'],
  ['uk-ring', '%(400,200,400,450);%(400,2000,400,450)'],
  ['fr-ring', '%(1500,3500,440)'],
  ['rs-ring', '%(1000,4000,425)'],
  ['it-ring', '%(1000,4000,425)'],
  ['de-ring', '%(1000,4000,425)'],
  ['pt-ring', '%(1000,5000,400)'],
  ['beep', '%(1000,0,640)'],
  ['sit', '%(274,0,913.8);%(274,0,1370.6);%(380,0,1776.7)'],
]);
