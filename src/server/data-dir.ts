/** What the router keeps under its data directory (`dataDir`), by name. */

export const CDR_DATABASE_FILE = 'cdr.sqlite';
/** Registrations, authentication blocks and the journal of calls in progress. */
export const STATE_DATABASE_FILE = 'state.sqlite';
/** `recordings/<domain>/<uuid>_<name>.wav`. */
export const RECORDINGS_DIR = 'recordings';
/** `voicemail/<domain>/<user>/<id>.wav` and `.json`. */
export const VOICEMAIL_DIR = 'voicemail';
/** The router's own prompts, spoken by espeak-ng when first needed. */
export const PROMPTS_DIR = 'prompts';
