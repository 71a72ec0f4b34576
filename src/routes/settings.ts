import { z } from 'zod';
import { formatJsonPath } from '../json-path.js';
import { schemaRefSetting, uniqueBy, variablesSetting } from '../settings.js';
import { destinationPatternProblem } from './destination-pattern.js';
import { didPath, indexDids, type DomainDids } from './did-index.js';

export const publicRouteSettings = z
  .object({
    name: z.string().min(1),
    /** The dialled numbers (DIDs) this route answers, unique over all domains; forms that also match: src/routes/did.ts. */
    numbers: z.array(z.string().min(1)).min(1),
    schema: schemaRefSetting,
    variables: variablesSetting,
  })
  .strict();

export const defaultRouteSettings = z
  .object({
    name: z.string().min(1),
    /** RE2 regular expression on the destination number (src/routes/destination-pattern.ts); captures are `&reg0.$N` in the schema. */
    pattern: z
      .string()
      .min(1)
      .superRefine((pattern, ctx) => {
        const problem = destinationPatternProblem(pattern);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      }),
    schema: schemaRefSetting,
    variables: variablesSetting,
  })
  .strict();

/** A schema a domain keeps under a name; routes and users name it as their `schema`. */
export const namedSchemaSettings = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'expected a name of letters, digits or _.- (1 to 100)'),
    schema: z.array(z.unknown()),
  })
  .strict();

/** What of a domain's settings routing owns; `config/` adds the other layers' fields. */
export const routesDomainShape = {
  /** Schemas by name (what the configuration store keeps; `config export` writes them here). */
  schemas: z.array(namedSchemaSettings).default([]).superRefine(uniqueBy('name', 'schema')),
  /** Accept calls to public numbers from sources that are not known gateways. */
  allowAnonymousPublic: z.boolean().default(false),
  routes: z
    .object({
      /** How this domain's DIDs are also written by carriers, e.g. { "countryCode": "380", "trunkPrefix": "0" }. */
      nationalFormat: z
        .object({
          countryCode: z.string().regex(/^[1-9]\d{0,2}$/, 'expected a country calling code of 1 to 3 digits, such as 380'),
          trunkPrefix: z.string().regex(/^\d{1,2}$/, 'expected a trunk prefix of 1 or 2 digits, such as 0'),
        })
        .strict()
        .optional(),
      public: z.array(publicRouteSettings).default([]),
      default: z.array(defaultRouteSettings).default([]),
    })
    .strict()
    .default({}),
};

const routesDomainSettings = z.object(routesDomainShape);

/** A domain as routing reads it: its routes, and its users' own schemas (extension routes). */
export type RoutedDomain = z.infer<typeof routesDomainSettings> & {
  name: string;
  users: readonly { id: string; schema?: string | unknown[] }[];
};

/** A refinement of the whole configuration: every public number is routed by one route only. */
export function uniqueDids(config: { domains: readonly DomainDids[] }, ctx: z.RefinementCtx): void {
  for (const { place, form, other } of indexDids(config.domains).conflicts) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: didPath(place),
      message: `the number ${form} is already routed by ${formatJsonPath(didPath(other))}`,
    });
  }
}
