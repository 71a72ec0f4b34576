/**
 * The built-in server's calls as applications reach them beyond their own
 * (src/call/switchboard.ts): found by uuid, and connected to each other by
 * relaying their media through the router's media engine — both calls are
 * answered with it, so neither needs to hear of the other in SIP.
 */
import type { Call } from '../../call/call.js';
import type { Switchboard } from '../../call/switchboard.js';
import type { MediaEngine } from '../../media/media-engine.js';
import { SipCall } from './sip-call.js';

type Connection = Awaited<ReturnType<Switchboard['connect']>>;

export class SipSwitchboard implements Switchboard {
  constructor(
    private readonly calls: () => Iterable<SipCall>,
    private readonly media: () => MediaEngine,
  ) {}

  find(uuid: string): Call | undefined {
    for (const call of this.calls()) if (call.uuid === uuid && call.state !== 'ended') return call;
    return undefined;
  }

  async connect(a: Call, b: Call): Promise<Connection> {
    if (!(a instanceof SipCall) || !(b instanceof SipCall)) return { connected: false, reason: 'not a call of this SIP server' };
    if (a === b) return { connected: false, reason: 'a call cannot be connected to itself' };
    const [mediaA, mediaB] = await Promise.all([a.mediaForConnection(), b.mediaForConnection()]);
    if (typeof mediaA === 'string') return { connected: false, reason: `call ${a.uuid}: ${mediaA}` };
    if (typeof mediaB === 'string') return { connected: false, reason: `call ${b.uuid}: ${mediaB}` };
    try {
      await this.media().relay(mediaA, mediaB);
    } catch (error) {
      return { connected: false, reason: `the media could not be relayed: ${(error as Error).message}` };
    }
    a.connectedTo(b.uuid);
    b.connectedTo(a.uuid);
    // As after a bridge: when one side hangs up, so does the other.
    hangUpWhenEnded(a, b);
    hangUpWhenEnded(b, a);
    return { connected: true };
  }
}

function hangUpWhenEnded(call: SipCall, other: SipCall): void {
  const end = () => void other.hangup('NORMAL_CLEARING');
  if (call.signal.aborted) end();
  else call.signal.addEventListener('abort', end, { once: true });
}
