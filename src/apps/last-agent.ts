/**
 * `lastAgent`: puts a returning customer through to the agent who spoke with
 * them last — the original's `cdr` → `userData` → `if` → `bridge` in one
 * step, with the options hosted contact centres sell (look-back up to a
 * year, inbound and outbound history, answered calls only, a minimum talk
 * time, several agents in order, strict binding with a wait). The customer's
 * number is compared as a number (E.164 with the domain's country), from the
 * CDR store's customer index. On any miss the flow goes on: the schema's next
 * steps are the overflow.
 */
import type { BridgeRequest } from '../call/call.js';
import type { HangupCause } from '../call/hangup-cause.js';
import type { LastAgentsAnswer } from '../cdr/store.js';
import type { AccountState } from '../directory/directory.js';
import { e164Number } from '../directory/phone-number.js';
import type { AppContext, AppOutcome, AppSpec } from '../engine/app.js';
import { carryOutBridge } from './bridge.js';
import { expandParameters } from './bridge-endpoint.js';
import { lastAgentArguments, type LastAgentArgs, type LastAgentResult } from './last-agent-args.js';
import { waitUntilAvailable } from './last-agent-wait.js';

/** Of several agents' outcomes, the one the result reports: the furthest the call got. */
const RANK: Readonly<Record<LastAgentResult, number>> = { 'not-found': 0, unavailable: 1, busy: 2, 'no-answer': 3, answered: 4 };
/** How many considered CDRs the trace lists one by one. */
const LISTED_CDRS = 10;

/** A phone in a call or ringing will be free again; one not registered or on DND will not by waiting. */
const WILL_BE_FREE: ReadonlySet<AccountState> = new Set(['isbusy', 'ringing']);

interface Attempt {
  agent: string;
  result: LastAgentResult;
  outcome?: AppOutcome;
}

export const lastAgentApp: AppSpec<LastAgentArgs> = {
  name: 'lastAgent',
  args: lastAgentArguments,
  searchesCdrs: true,
  async run(ctx, args) {
    const customer = customerOf(ctx);
    if (customer === undefined) return finish(ctx, args, { agent: '', result: 'not-found' });

    const answer = await lookUp(ctx, args, customer);
    if (answer === undefined || answer.agents.length === 0) return finish(ctx, args, { agent: '', result: 'not-found' });

    const waitUntil = ctx.clock.now().getTime() + args.waitSeconds * 1000;
    let reported: Attempt = { agent: answer.agents[0], result: 'unavailable' };
    for (const agent of answer.agents) {
      const attempt = await tryAgent(ctx, args, agent, waitUntil);
      if (RANK[attempt.result] > RANK[reported.result]) reported = attempt;
      if (attempt.result === 'answered' || attempt.outcome?.next === 'end' || ctx.call.state === 'ended') return finish(ctx, args, attempt);
    }
    return finish(ctx, args, reported);
  },
};

/** The caller's number in E.164 with the domain's country, or undefined (anonymous, a SIP URI, an extension). */
function customerOf(ctx: AppContext): string | undefined {
  const caller = ctx.call.getVariable('caller_id_number') ?? '';
  const country = ctx.services.directory.domain(ctx.domainName)?.country;
  const customer = e164Number(caller, country);
  if (customer === undefined) ctx.log(`caller ID ${JSON.stringify(caller)} is not a phone number${country ? ` of ${country}` : ' (the domain has no country)'}: no lookup`);
  else ctx.log(`caller ${caller} is customer ${customer}`);
  return customer;
}

async function lookUp(ctx: AppContext, args: LastAgentArgs, customer: string): Promise<LastAgentsAnswer | undefined> {
  const until = ctx.clock.now();
  const since = new Date(until.getTime() - args.window.ms);
  let answer: LastAgentsAnswer;
  try {
    answer = await ctx.services.cdr.lastAgents(
      {
        customer,
        domain: ctx.domainName,
        directions: args.directions,
        since,
        until,
        answeredOnly: args.answeredOnly,
        minTalkSeconds: args.minTalkSeconds,
        agents: args.agents,
      },
      { signal: ctx.call.signal },
    );
  } catch (error) {
    // The store is late or down: the customer goes the usual way rather than waiting.
    if (ctx.call.state !== 'ended') ctx.log(`CDR lookup failed (${(error as Error).message}): treated as not found`);
    return undefined;
  }
  const counted = args.answeredOnly || args.minTalkSeconds > 0 ? ` (${args.answeredOnly ? 'answered' : 'any'}, talk ≥ ${args.minTalkSeconds} s)` : '';
  ctx.log(`${answer.considered.length} CDR(s) of ${args.directions.join('/')} calls since ${since.toISOString()} (${args.window.text}) considered${counted}${answer.truncated ? ', more not read' : ''}`);
  for (const cdr of answer.considered.slice(0, LISTED_CDRS)) {
    const what = `${cdr.start} ${cdr.direction} agent ${cdr.agent}, ${cdr.answered ? `talk ${cdr.talkSeconds} s` : 'not answered'}`;
    ctx.log(`  CDR ${cdr.id}: ${what}: ${cdr.skipped ? `skipped, ${cdr.skipped}` : 'counted'}`);
  }
  if (answer.considered.length > LISTED_CDRS) ctx.log(`  … and ${answer.considered.length - LISTED_CDRS} more`);
  ctx.log(answer.agents.length === 0 ? 'no agent found' : `agent(s) in order: ${answer.agents.join(', ')}`);
  return answer;
}

/** Rings the agent when their phone is in an available state; in strict mode waits for a busy one first. */
async function tryAgent(ctx: AppContext, args: LastAgentArgs, agent: string, waitUntil: number): Promise<Attempt> {
  const phones = ctx.services.directory.phoneState;
  if (!ctx.services.directory.user(ctx.domainName, agent)) {
    ctx.log(`agent ${agent}: no such user in ${ctx.domainName}: skipped`);
    return { agent, result: 'unavailable' };
  }
  const available = (): boolean => args.states.includes(phones.state(ctx.domainName, agent));
  let state = phones.state(ctx.domainName, agent);
  if (!available()) {
    const waits = args.mode === 'strict' && WILL_BE_FREE.has(state) && waitUntil > ctx.clock.now().getTime();
    if (!waits) {
      ctx.log(`agent ${agent}: phone ${state}, not one of ${args.states.join('/')}: skipped`);
      return { agent, result: WILL_BE_FREE.has(state) ? 'busy' : 'unavailable' };
    }
    const seconds = Math.ceil((waitUntil - ctx.clock.now().getTime()) / 1000);
    const ringback = ctx.call.state === 'ringing';
    ctx.log(`agent ${agent}: phone ${state}; strict: waiting up to ${seconds} s for it to be ${args.states.join('/')}${ringback ? ', caller hears ringback' : ''}`);
    if (ringback) await ctx.call.ringReady();
    const waitedMs = await waitUntilAvailable(ctx, agent, available, waitUntil);
    state = phones.state(ctx.domainName, agent);
    if (!available()) {
      if (ctx.call.state !== 'ended') ctx.log(`agent ${agent}: still ${state} after the wait: overflow`);
      return { agent, result: WILL_BE_FREE.has(state) ? 'busy' : 'unavailable' };
    }
    ctx.log(`agent ${agent}: phone ${state} after ${Math.round(waitedMs / 1000)} s`);
  }
  ctx.log(`agent ${agent}: phone ${state}: ringing`);
  const request: BridgeRequest = {
    strategy: 'multiple',
    endpoints: [{ type: 'user', name: agent, parameters: {} }],
    parameters: expandParameters(ctx, args.ring, 'ring'),
    exportedVariables: ctx.exportedVariables(),
    codecs: [],
  };
  const bridged = await carryOutBridge(ctx, request);
  ctx.log(`agent ${agent}: ${bridged.outcome.result}`);
  return { agent, result: bridged.answered ? 'answered' : resultOfCause(bridged.cause), outcome: bridged.outcome };
}

function resultOfCause(cause: HangupCause): LastAgentResult {
  if (cause === 'USER_BUSY') return 'busy';
  if (cause === 'USER_NOT_REGISTERED' || cause === 'SUBSCRIBER_ABSENT') return 'unavailable';
  return 'no-answer';
}

/** Sets `${setVar}` (the agent the result is about) and `${setVar}_result`, counts the outcome, and ends or goes on. */
function finish(ctx: AppContext, args: LastAgentArgs, attempt: Attempt): AppOutcome {
  ctx.setVariable(args.setVar, attempt.agent);
  ctx.setVariable(`${args.setVar}_result`, attempt.result);
  ctx.services.acr.lastAgentOutcomes.report(ctx.domainName, attempt.result);
  const who = attempt.agent ? `agent ${attempt.agent}: ` : '';
  if (attempt.result === 'answered') return { result: `${who}answered; ${attempt.outcome?.result ?? ''}`.trim(), next: attempt.outcome?.next };
  if (attempt.outcome?.next === 'end') return { result: `${who}${attempt.result}; ${attempt.outcome.result}`, next: 'end' };
  return { result: `${who}${attempt.result}; flow goes on` };
}
