/**
 * Where the B2BUA reports call legs while they are in progress, so that a
 * crash of the process does not lose them: each leg is written when it
 * starts and again when it rings, answers or is bridged. The B2BUA stops
 * writing a leg when it ends; the leg stays in the journal until its CDR is
 * durable (whoever writes the CDR removes it: src/server/router.ts), so a
 * crash between the two still leaves the leg to be written. What is left at
 * the next start are the legs the crash cut off (the server side turns them
 * into CDRs; see src/server/call-journal.ts).
 */
import type { LegIdentity } from './leg-timeline.js';

/** A leg as its CDR would read if it ended now, without the end. */
export type OpenLeg = LegIdentity & {
  startTime: Date;
  progressTime?: Date;
  progressMediaTime?: Date;
  answerTime?: Date;
  bridgeTime?: Date;
};

export interface LegJournal {
  /**
   * The leg changed: what is written for it is replaced by `read()`'s answer.
   * The journal calls `read` when it commits, not now, so a leg that changes
   * several times between commits (or ends before one) costs one read or none.
   */
  write(uuid: string, read: () => OpenLeg): void;
}
