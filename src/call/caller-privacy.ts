/**
 * Caller ID privacy (CLIR) as FreeSWITCH keeps it: the caller asks for it
 * (`Privacy: id`, an anonymous From: the channel variables
 * `privacy_hide_name` and `privacy_hide_number`), a schema may set them or
 * give a leg its own (`origination_privacy=hide_name:hide_number`), and each
 * new leg presents the caller accordingly. The router itself still knows the
 * number (routing, CDRs, last-agent lookups).
 */
export interface CallerPrivacy {
  hideName: boolean;
  hideNumber: boolean;
}

/** FreeSWITCH's `origination_privacy` flags; `screen` (the number was screened) changes nothing we present. */
const ORIGINATION_FLAGS = new Set(['screen', 'hide_name', 'hide_number', 'none']);

function flagsOf(value: string): string[] {
  return value
    .split(/[:+,|]/)
    .map((flag) => flag.trim().toLowerCase())
    .filter((flag) => flag !== '');
}

/** What is wrong with an `origination_privacy` value; undefined when each flag is one FreeSWITCH knows. */
export function originationPrivacyProblem(name: string, value: string): string | undefined {
  const unknown = flagsOf(value).filter((flag) => !ORIGINATION_FLAGS.has(flag));
  return unknown.length === 0 ? undefined : `${name}: expected flags among screen, hide_name, hide_number (joined by : or +); unknown ${unknown.map((flag) => JSON.stringify(flag)).join(', ')}`;
}

/** `origination_privacy=hide_name:hide_number` → both hidden; `none` or `screen` alone → neither. */
export function originationPrivacy(value: string): CallerPrivacy {
  const flags = new Set(flagsOf(value));
  return { hideName: flags.has('hide_name'), hideNumber: flags.has('hide_number') };
}
