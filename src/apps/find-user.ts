import { z } from 'zod';
import type { User } from '../directory/directory.js';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, variableName, webitelObject } from './args.js';
import { compileResponsePath, readResponsePath, type ResponsePath } from './response-path.js';

interface FindUserArgs {
  filter: [string, Template][];
  columns: string[];
  exports: [string, ResponsePath][];
}

/** A user's fields as `findUser` filters and returns them: id, name, domain and the configured variables. */
function fieldsOf(user: User): Record<string, string> {
  return { ...user.variables, id: user.id, name: user.name, domain: user.domain };
}

/**
 * `findUser`: the users of the call's domain whose fields equal every
 * `filter` value (substituted), as rows of `columns`; `exportVariables` reads
 * paths of that array (`0.id` = the first match's id) into variables, "" when nothing matched.
 */
export const findUserApp: AppSpec<FindUserArgs> = {
  name: 'findUser',
  args: webitelObject({
    filter: z.record(z.string().min(1), scalarTemplate).refine((filter) => Object.keys(filter).length > 0, 'expected at least one field to match'),
    columns: z.array(z.string().min(1)).default(['id']),
    exportVariables: z.record(variableName, z.string().min(1)).default({}),
  })
    .transform(({ filter, columns, exportVariables }) => ({
      filter: Object.entries(filter),
      columns,
      exports: Object.entries(exportVariables).map(([name, path]): [string, ResponsePath] => [name, compileResponsePath(path)]),
    })),
  traceArgs: (args, ctx) => ({ filter: Object.fromEntries(args.filter.map(([field, value]) => [field, ctx.expand(value)])), columns: args.columns }),
  run(ctx, args) {
    const wanted = args.filter.map(([field, value]): [string, string] => [field, ctx.expand(value)]);
    const rows: Record<string, string>[] = [];
    for (const user of ctx.services.directory.users(ctx.domainName)) {
      const fields = fieldsOf(user);
      if (wanted.every(([field, value]) => fields[field] === value)) {
        rows.push(Object.fromEntries(args.columns.map((column) => [column, fields[column] ?? ''])));
      }
    }
    for (const [name, path] of args.exports) ctx.setVariable(name, readResponsePath(rows, path));
    return { result: `${rows.length} user(s) found` };
  },
};
