import { z } from 'zod';
import { listenSetting } from '../settings.js';

/**
 * The HTTP port: where it listens, and HTTPS when a certificate is given
 * (PEM files, relative to the configuration file's folder) — the console's
 * sign-in and tokens then travel encrypted, and its cookies are `Secure`.
 */
export const httpSettings = listenSetting(8080)
  .removeDefault()
  .extend({
    tls: z
      .object({ cert: z.string().min(1, 'expected the certificate file (PEM)'), key: z.string().min(1, 'expected the private key file (PEM)') })
      .strict()
      .optional(),
  })
  .strict()
  .default({});

export type HttpSettings = z.infer<typeof httpSettings>;
