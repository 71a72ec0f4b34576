/**
 * Routing schemas generated from the ACR schema language: arrays of
 * application objects with plausible and implausible arguments, modifiers
 * (`break`, `async`, `tag`), nested `if`/`switch` flows and `goto` targets.
 */
import * as fc from 'fast-check';
import { appRegistry } from '../../../src/apps/registry.js';

/** The applications of src/apps/registry.ts (a name missing here is still reached by the mutated shipped schemas). */
const APPS = ['answer', 'break', 'bridge', 'calendar', 'cdr', 'exists', 'exportVars', 'goto', 'hangup', 'if', 'log', 'math', 'setVar', 'sleep', 'string', 'switch', 'unSet', 'userData'];

const text = fc.oneof(
  fc.constantFrom('${caller_id_number}', '${destination_number}', 'a=b', 'all:x=${y}', 'domain:k=v', 'nolocal:q=1', 'local:start', 'default:100', '', 'USER_BUSY', '183', '${last_cid}', 'leg_timeout=15', '$${g}', '&reg0.$1'),
  fc.string({ maxLength: 10 }),
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const expressionText = fc.constantFrom("${a} == 'b'", '&wday(2-6) && &hour(9-17)', '${', '&match("/(a+)+$/", ${x})', '1 ? 2 :', "${last_cid} && ${acc_state} == 'onhook'");
const endpoint = fc.record(
  { type: fc.constantFrom('user', 'sipGateway', 'sipUri', 'device', 'sipDevice', 'bogus'), name: text, dialString: text, host: fc.constantFrom('127.0.0.1:5080', 'example.com', ''), domainName: text, parameters: fc.array(text, { maxLength: 2 }) },
  { requiredKeys: ['type'] },
);

export const schema: fc.Arbitrary<unknown> = fc.letrec<{ flow: unknown; step: unknown; args: unknown }>((tie) => ({
  flow: fc.array(tie('step'), { maxLength: 4 }),
  step: fc.tuple(
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...APPS) }, { weight: 1, arbitrary: fc.constantFrom(...appRegistry.unsupported, 'lg', 'setvar', 'IF', '') }),
    tie('args'),
    fc.record({ tag: fc.oneof(fc.constantFrom('start', 'again', 'end'), scalar), break: fc.oneof(fc.boolean(), scalar), async: fc.oneof(fc.boolean(), scalar) }, { requiredKeys: [] }),
  ).map(([name, args, modifiers]) => ({ ...(modifiers as object), [name]: args })),
  args: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(text, { maxLength: 3 }),
    fc.record({ expression: fc.oneof(expressionText, scalar), then: tie('flow'), else: tie('flow') }, { requiredKeys: [] }),
    fc.record({ variable: text, case: fc.dictionary(fc.constantFrom('1', '2', 'default', ''), tie('flow'), { maxKeys: 3 }) }, { requiredKeys: [] }),
    fc.record({ endpoints: fc.oneof(fc.array(endpoint, { maxLength: 3 }), scalar), strategy: fc.constantFrom('multiple', 'failover', 'x'), parameters: fc.array(text, { maxLength: 3 }), codecs: fc.array(text, { maxLength: 2 }) }, { requiredKeys: [] }),
    fc.record({ elastic: fc.record({ index: text, query: text, limit: fc.oneof(fc.integer({ min: -1, max: 100 }), text), sort: fc.jsonValue({ maxDepth: 2 }), filter: fc.jsonValue({ maxDepth: 3 }), columns: fc.array(text, { maxLength: 2 }) }, { requiredKeys: [] }), exportVar: fc.dictionary(text, text, { maxKeys: 2 }) }, { requiredKeys: [] }),
    fc.record({ name: text, var: fc.constantFrom('account_state', 'x'), setVar: text, extended: fc.boolean(), data: fc.dictionary(text, text, { maxKeys: 2 }), type: fc.constantFrom('all', 'nolocal', 'domain', 'x') }, { requiredKeys: [] }),
    fc.record({ fn: fc.constantFrom('reverse', 'charAt', 'replace', 'round', 'random', 'max', 'nope'), data: fc.oneof(text, fc.array(scalar, { maxLength: 3 })), setVar: text }, { requiredKeys: [] }),
    fc.dictionary(text, scalar, { maxKeys: 3 }),
  ),
})).flow;
