import type { CallEndReason } from '../call/call-end.js';

/** What a flow did to a call, step by step: printed by `callrouter trace`, kept per call later. */
export interface StepTrace {
  type: 'step';
  /** JSON path of the application in the schema. */
  path: string;
  app: string;
  /** Arguments after substitution. */
  args: unknown;
  result?: string;
  error?: string;
  /** Channel variables the step set ("" for unset). */
  variables: Record<string, string>;
  /** What happened meanwhile: log lines, call events (ringing, answered, …). */
  notes: string[];
  /** Call time (simulated on SimCall) when the step started. */
  at: string;
  /** Call time the step took, in milliseconds. */
  tookMs: number;
}

export type FlowEndReason =
  | 'completed'
  | 'break'
  | 'ended-by-app'
  | 'call-ended'
  | 'goto-limit'
  | 'step-limit'
  | 'transfer';

export interface EndTrace {
  type: 'end';
  /** Where the flow stopped. */
  reason: FlowEndReason;
  /** Why the call ended, from the call's point of view (src/call/call-end.ts); absent while the call is up. */
  callEnd?: CallEndReason;
  at: string;
  steps: number;
  message?: string;
}

export type TraceEvent = StepTrace | EndTrace;
export type TraceSink = (event: TraceEvent) => void;
