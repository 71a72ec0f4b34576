import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import { webitelObject } from './args.js';

/**
 * Applications of the original whose work needs a part callrouter does not
 * have yet. They are recognised by name and their arguments are checked when
 * the schema loads, so a schema written for Webitel loads and a typo is still
 * an error; at run time each is skipped with "not supported yet: needs <part>"
 * in the log and the trace, and the flow goes on, as the original went on
 * after an application that failed.
 */
const NEEDS = {
  media: 'the media engine',
  queue: 'the call-centre queue',
  dialer: 'the outbound dialer',
  callback: 'the callback queue',
  conference: 'a conference bridge',
  fax: 'fax (T.38) support',
  amd: 'answering-machine detection (the media engine)',
  eavesdrop: 'joining a live call (the media engine)',
  script: 'a FreeSWITCH script host (Lua/JavaScript files on the media server)',
  sms: 'an SMS gateway',
  geo: 'a number-location database',
  ivr: 'FreeSWITCH IVR menus (the media engine)',
  stream: 'streaming call audio to an external service',
  platform: "Webitel's platform services (contacts, cases, chats, lists, its database and message queues)",
} as const;

type Part = keyof typeof NEEDS;

const text = z.union([z.string(), z.number()]);
const strings = z.union([z.string(), z.array(z.string())]);
const flag = z.union([z.boolean(), z.string()]);
const anyObject = z.record(z.string(), z.unknown());

/** The original's argument shapes: a key they do not read warned about where a typo would be silent, open where the original passed keys through. */
const ARGS: Readonly<Record<string, [Part, z.ZodTypeAny]>> = {
  stt: ['media', anyObject],
  setAudioLevel: ['media', anyObject],
  ivr: ['ivr', z.string().min(1)],
  queue: ['queue', z.object({ name: z.string().min(1) }).passthrough()],
  joinQueue: ['queue', anyObject],
  ccPosition: ['queue', z.object({ var: z.string().min(1) }).passthrough()],
  queueStatus: ['queue', z.object({ name: z.string().min(1) }).passthrough()],
  agent: ['queue', webitelObject({ name: z.string().optional(), status: z.string().optional(), state: z.string().optional() })],
  member: ['dialer', z.object({ dialer: z.string().min(1) }).passthrough()],
  callback: ['callback', z.object({ queue: z.string().min(1) }).passthrough()],
  conference: ['conference', webitelObject({ name: z.string().min(1), profile: z.string().optional(), pin: text.optional(), flags: z.array(z.string()).optional() })],
  receiveFax: ['fax', webitelObject({ enable_t38: flag.optional(), email: strings.optional() })],
  amd: ['amd', z.record(z.string(), text)],
  eavesdrop: ['eavesdrop', webitelObject({ user: text, spy: flag.optional() })],
  script: ['script', webitelObject({ name: z.string().min(1), type: z.enum(['lua', 'js']).optional(), parameters: z.array(z.string()).optional() })],
  sendSMS: ['sms', anyObject],
  sendSms: ['sms', anyObject],
  geoLocation: ['geo', anyObject],
  // Webitel's newer flow engine (flow_manager).
  cancelQueue: ['queue', z.unknown()],
  joinAgent: ['queue', anyObject],
  setGrantee: ['queue', z.unknown()],
  getQueueMetrics: ['queue', anyObject],
  getQueueInfo: ['queue', anyObject],
  getQueueAgents: ['queue', anyObject],
  ewt: ['queue', anyObject],
  callbackQueue: ['callback', anyObject],
  memberInfo: ['dialer', anyObject],
  patchMembers: ['dialer', anyObject],
  audioStream: ['stream', anyObject],
  cv: ['platform', z.unknown()],
  list: ['platform', anyObject],
  listAdd: ['platform', anyObject],
  userInfo: ['platform', anyObject],
  classifier: ['platform', anyObject],
  sql: ['platform', anyObject],
  mq: ['platform', anyObject],
  notification: ['platform', anyObject],
  generateLink: ['platform', anyObject],
  getContact: ['platform', anyObject],
  findContact: ['platform', anyObject],
  linkContact: ['platform', anyObject],
  updateContact: ['platform', anyObject],
  addContact: ['platform', anyObject],
};

function notYetApp(name: string, part: Part, args: z.ZodTypeAny): AppSpec<unknown> {
  const needs = NEEDS[part];
  return {
    name,
    args,
    needs,
    run(ctx) {
      ctx.services.logger.warn({ uuid: ctx.call.uuid, app: name, needs }, 'application not supported yet; skipped');
      return { result: `not supported yet: needs ${needs}; skipped` };
    },
  };
}

export const NOT_YET_APPS: readonly AppSpec<unknown>[] = Object.entries(ARGS).map(([name, [part, args]]) => notYetApp(name, part, args));
