/**
 * What a call does on its own media leg — prompts, digits, recordings — the
 * same for a caller's call (SipCall) and a call the router placed
 * (OriginatedCall); each call only finds its leg first.
 */
import type { DigitsRequest, MessageRecording, MessageRequest, PlayOutcome, PlayRequest, RecordingOptions } from '../../call/call.js';
import { preparedRecordingPath } from '../../call/recording-path.js';
import type { LegMedia } from './leg-media.js';

/** Where a call's recordings go: `<dir>/<domain>/<uuid>_<name>.wav`. */
export interface RecordingPlace {
  dir: string;
  domain: string;
  uuid: string;
}

/** Plays to the leg; a prompt that cannot be played (missing, not a supported WAV) fails the app, not the call. */
export async function playOn(media: LegMedia, request: PlayRequest, callEnded: AbortSignal): Promise<PlayOutcome> {
  try {
    return await media.session.play(request.items, { terminators: request.terminators });
  } catch (error) {
    if (callEnded.aborted) return { reason: 'stopped' };
    return { reason: 'failed', error: (error as Error).message };
  }
}

export function collectDigitsOn(media: LegMedia, request: DigitsRequest, callEnded: AbortSignal): Promise<string> {
  if (request.flush) media.digits.flush();
  return media.digits.collect(request, callEnded);
}

/** Starts the leg's recording; returns the file's path. */
export async function startRecordingOn(media: LegMedia, place: RecordingPlace, name: string, options?: RecordingOptions): Promise<string> {
  const path = await preparedRecordingPath(place.dir, place.domain, place.uuid, name);
  await media.session.startRecording(path, options);
  return path;
}

/** Records the leg's message (mono) at the request's path, else in the call's recordings. */
export async function recordMessageOn(media: LegMedia, place: RecordingPlace, request: MessageRequest): Promise<MessageRecording> {
  const { name, path: given, ...options } = request;
  const path = await preparedRecordingPath(place.dir, place.domain, place.uuid, name, given);
  return media.session.recordMessage(path, options);
}
