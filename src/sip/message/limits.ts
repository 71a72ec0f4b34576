/**
 * Bounds on what one peer can make us hold or scan. SIP over UDP cannot
 * exceed 64 KB anyway; real messages are a few KB.
 */
export const MAX_MESSAGE_BYTES = 65536;
/** Header lines per message and, separately, values after splitting lists. */
export const MAX_HEADER_FIELDS = 256;
/**
 * The Request-Line or Status-Line. Header lines have no bound of their own
 * beyond the message's: a valid request may carry an 8 KB header over UDP
 * (issue 14), and the parser is linear in the message size anyway.
 */
export const MAX_START_LINE_LENGTH = 8192;
