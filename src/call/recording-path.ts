import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where a call's recording goes: `<recordings>/<domain>/<uuid>_<name>.wav`, each part reduced to characters safe in a file name. */
export function recordingPath(recordingsDir: string, domain: string, uuid: string, name: string): string {
  return join(recordingsDir, safePart(domain || 'no-domain'), `${safePart(uuid)}_${safePart(name || 'recordSession')}.wav`);
}

/** Where a recording goes (`given`, else the call's recording store as `recordingPath` names it), its folder made. */
export async function preparedRecordingPath(recordingsDir: string, domain: string, uuid: string, name: string, given?: string): Promise<string> {
  const path = given ?? recordingPath(recordingsDir, domain, uuid, name);
  await mkdir(dirname(path), { recursive: true });
  return path;
}

/** A file name part with only letters, digits, `_`, `.` and `-`, never `..` or a dot first. */
export function safePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
}
