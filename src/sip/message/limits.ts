/**
 * Bounds on what one peer can make us hold or scan. SIP over UDP cannot
 * exceed 64 KB anyway; real messages are a few KB.
 */
export const MAX_MESSAGE_BYTES = 65536;
/** Header lines per message and, separately, values after splitting lists. */
export const MAX_HEADER_FIELDS = 256;
/** One header line after unfolding (long digest credentials are under 1 KB). */
export const MAX_LINE_LENGTH = 8192;
