/**
 * The longest a call may last, from its INVITE to its end, whatever its
 * legs do: the last resort against calls that nothing else would end (a
 * peer that refreshes its session forever, a stuck schema). Ended with
 * ALLOTTED_TIMEOUT, as FreeSWITCH ends a call whose time limit ran out.
 */
import type { Call } from '../../call/call.js';
import type { Clock } from '../../clock.js';
import type { StopSignal } from './call-ending.js';

export function limitCallDuration(
  call: Pick<Call, 'hangup'> & { uuid: string },
  ending: StopSignal,
  maxMs: number,
  clock: Pick<Clock, 'setTimer'>,
  log: (uuid: string) => void,
): void {
  if (ending.aborted) return;
  const cancel = clock.setTimer(maxMs, () => {
    log(call.uuid);
    void call.hangup('ALLOTTED_TIMEOUT');
  });
  ending.addEventListener('abort', cancel, { once: true });
}
