/**
 * The longest a call may last, from its INVITE to its end, whatever its
 * legs do: the last resort against calls that nothing else would end (a
 * peer that refreshes its session forever, a stuck schema). Ended with
 * ALLOTTED_TIMEOUT, as FreeSWITCH ends a call whose time limit ran out.
 */
import type { Call } from '../../call/call.js';
import type { Clock } from '../../clock.js';

export function limitCallDuration(
  call: Pick<Call, 'hangup'> & { signal: AbortSignal; uuid: string },
  maxMs: number,
  clock: Pick<Clock, 'setTimer'>,
  log: (uuid: string) => void,
): void {
  if (call.signal.aborted) return;
  const cancel = clock.setTimer(maxMs, () => {
    log(call.uuid);
    void call.hangup('ALLOTTED_TIMEOUT');
  });
  call.signal.addEventListener('abort', cancel, { once: true });
}
