/**
 * Each domain's media folder, `<media.dir>/<domain>/`: the files schemas
 * play by name (`playback` with type `wav`, as Webitel's uploaded media).
 * A name without an extension is the `.wav` of that name.
 */
import { extname, resolve, sep } from 'node:path';

export class MediaNameError extends Error {
  constructor(name: string, why: string) {
    super(`media file ${JSON.stringify(name)} ${why}`);
    this.name = 'MediaNameError';
  }
}

/** The file a name means in the domain's folder; a name that would leave the folder (`../x`, `/etc/x`) throws. */
export function mediaFilePath(root: string, domain: string, name: string): string {
  const base = resolve(root);
  const folder = resolve(base, domain);
  if (!domain || !folder.startsWith(base + sep) || folder.slice(base.length + 1).includes(sep)) throw new MediaNameError(name, `has no media folder for domain ${JSON.stringify(domain)}`);
  const path = resolve(folder, extname(name) ? name : `${name}.wav`);
  if (!name || !path.startsWith(folder + sep)) throw new MediaNameError(name, "is outside the domain's media folder");
  return path;
}
