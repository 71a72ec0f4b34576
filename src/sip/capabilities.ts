/**
 * What we tell peers we do (RFC 3261 §20.5 Allow, §20.37 Supported): in
 * OPTIONS answers, 405s, and every INVITE and 2xx that sets up a dialog
 * (§13.2.1, §13.3.1.4), so phones know they may send UPDATE, INFO or REFER (transfer) to us.
 */
export const REGISTRAR_METHODS: readonly string[] = ['REGISTER', 'OPTIONS'];
/** Methods inside a call's dialog. */
export const DIALOG_METHODS: readonly string[] = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'UPDATE', 'REFER'];
/** The Allow value of a dialog's INVITE and 2xx, on one line as phones expect. */
export const DIALOG_ALLOW = DIALOG_METHODS.join(', ');
/**
 * The option tags we implement: RFC 4028's `timer` while session timers are on (a UAC may
 * require it of its INVITE and of every refresh, §7.1, §7.4); a Require of any other is refused
 * with 420.
 */
export function supportedExtensions(sessionTimers: boolean): readonly string[] {
  return sessionTimers ? ['timer'] : [];
}

/** The Supported value: present even when empty, which says "no extensions" rather than nothing. */
export function supportedHeader(sessionTimers: boolean): string {
  return supportedExtensions(sessionTimers).join(', ');
}
