/**
 * FreeSWITCH's record of a transfer on the transferred channel, whatever
 * adapter carried it out: `transfer_source`, and the same appended to
 * `transfer_history` — `<epoch>:<uuid>:bl_xfer:<number>/default/XML` for a
 * blind transfer, `<epoch>:<uuid>:att_xfer:<uuid of the party now bridged>` for an attended one.
 */
export type TransferKind = { blind: string } | { attended: string };

export function transferHistory(kind: TransferKind, uuid: string, now: Date, history: string | undefined): { transfer_source: string; transfer_history: string } {
  const what = 'blind' in kind ? `bl_xfer:${kind.blind}/default/XML` : `att_xfer:${kind.attended}`;
  const entry = `${Math.floor(now.getTime() / 1000)}:${uuid}:${what}`;
  return { transfer_source: entry, transfer_history: history ? `${history}|${entry}` : entry };
}
