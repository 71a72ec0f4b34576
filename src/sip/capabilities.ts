/**
 * What we tell peers we do (RFC 3261 §20.5 Allow, §20.37 Supported): in
 * OPTIONS answers, 405s, and every INVITE and 2xx that sets up a dialog
 * (§13.2.1, §13.3.1.4), so phones know they may send UPDATE, INFO or REFER (transfer) to us.
 */
export const REGISTRAR_METHODS: readonly string[] = ['REGISTER', 'OPTIONS'];
/** Methods of the notifier (RFC 6665): phones subscribe to us; the NOTIFYs go from us to them. */
export const EVENT_METHODS: readonly string[] = ['SUBSCRIBE'];
/** Methods inside a call's dialog. */
export const DIALOG_METHODS: readonly string[] = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'UPDATE', 'REFER', 'PRACK'];
/** The Allow value of a dialog's INVITE and 2xx, on one line as phones expect. */
export const DIALOG_ALLOW = DIALOG_METHODS.join(', ');
/**
 * The option tags a request to us may require (§8.2.2.3), listed as Supported in our answers:
 * RFC 3262's `100rel` (our 18x are then sent reliably) and, while session timers are on,
 * RFC 4028's `timer` (a UAC may require it of its INVITE and of every refresh, §7.1, §7.4).
 * A Require of any other is refused with 420.
 */
export function supportedExtensions(sessionTimers: boolean): readonly string[] {
  return sessionTimers ? ['100rel', 'timer'] : ['100rel'];
}

/** The Supported value of our answers and OPTIONS: present even when empty, which says "no extensions" rather than nothing. */
export function supportedHeader(sessionTimers: boolean): string {
  return supportedExtensions(sessionTimers).join(', ');
}

/**
 * The Supported value of the INVITEs we send: timers, and 100rel only to a target that answered 421 requiring it.
 * Offering 100rel to all would let every phone make each ring a PRACK round trip, for nothing a B2BUA relaying early
 * media as it comes needs (a reliable 18x is PRACKed all the same, offered or not).
 */
export function offeredExtensionsHeader(sessionTimers: boolean, reliableProvisionals = false): string {
  return [...(reliableProvisionals ? ['100rel'] : []), ...(sessionTimers ? ['timer'] : [])].join(', ');
}
