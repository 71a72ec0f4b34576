import { z } from 'zod';
import { isValidTimeZone } from './time-zone-offset.js';

/**
 * Pieces the layers' settings schemas share (each layer's own is its
 * `settings.ts`; `config/schema.ts` composes them into the one file).
 */

/** Channel variables set on every call of a domain, user or route. */
export const variablesSetting = z.record(z.string(), z.string()).default({});

/** A routing schema: inline ACR array, the name of one of the domain's `schemas`, or a path relative to the configuration file. */
export const schemaRefSetting = z.union([z.string().min(1), z.array(z.unknown())]);

export const timeZoneSetting = z.string().refine(isValidTimeZone, { message: 'expected an IANA time zone such as Europe/Kyiv' });

/** An address and port to listen on: loopback unless configured, so nothing is reachable from other machines by accident. */
export const listenSetting = (port: number) =>
  z
    .object({
      address: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(port),
    })
    .strict()
    .default({});

/** A refinement that names each item whose `key` repeats an earlier one's. */
export function uniqueBy<K extends string>(key: K, what: string) {
  return (items: readonly Record<K, string>[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item[key])) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, key], message: `duplicate ${what} "${item[key]}"` });
      }
      seen.add(item[key]);
    });
  };
}
