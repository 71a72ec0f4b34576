/**
 * Fuzz target: a routing schema's JSON text through the schema loader.
 * Findings: an exception (loading promises a result, never a throw), an
 * error without a JSON path or message, and the text and parsed-JSON entry
 * points disagreeing about the same schema.
 */
import { appRegistry } from '../../../src/apps/registry.js';
import { SchemaLoader, type LoadResult } from '../../../src/engine/compile.js';
import { expectSame, InvariantViolation, type FromBytes, type FuzzTarget } from '../../support/fuzz/target.js';

function summary(result: LoadResult) {
  return result.ok ? { ok: true, tags: [...result.schema.tags.keys()], steps: result.schema.root.steps.length } : { ok: false, errors: result.errors };
}

const loader = new SchemaLoader(appRegistry);

const target: FuzzTarget<string> = {
  check(text) {
    const fromText = loader.loadText(text);
    if (!fromText.ok) {
      if (fromText.errors.length === 0) throw new InvariantViolation('refused without an error');
      for (const error of fromText.errors) {
        if (typeof error.path !== 'string' || error.path === '' || typeof error.message !== 'string' || error.message === '') {
          throw new InvariantViolation(`error without a path or message: ${JSON.stringify(error)}`);
        }
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    expectSame(summary(loader.load(json)), summary(fromText), 'schema loaded from parsed JSON vs from text');
  },
};
export default target;

/** The guided fuzzer's bytes, as schema text. */
export const fromBytes: FromBytes<string> = (data) => data.toString('utf8');
