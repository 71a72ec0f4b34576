import { z } from 'zod';
import { Template } from '../engine/template.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { numberOrTemplate, scalarTemplate, template, variableName, webitelObject } from './args.js';
import { compileResponsePath, readResponsePath, type ResponsePath } from './response-path.js';
import { parseXml, readXmlPath, xmlPathSteps } from './xml-answer.js';

export interface HttpRequestArgs {
  url: Template;
  method: string;
  headers: [string, Template][];
  /** `path` values, each replacing `${key}` in the URL. */
  path: Map<string, Template>;
  data?: unknown;
  timeout: Template;
  parser?: 'json' | 'text' | 'xml';
  /** Each variable with its path as written, compiled for JSON answers. */
  exports: [name: string, path: ResponsePath, written: string][];
  responseCode?: string;
  exportCookie?: string;
}

const DEFAULT_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 60_000;
/** Answers larger than this are cut off: a schema reads a few fields, not a download. */
const MAX_BODY_BYTES = 1024 * 1024;

export const httpRequestArgs = webitelObject({
  url: template.refine((url) => !url.isConstant || /^https?:\/\//i.test(url.text), 'expected an http:// or https:// URL'),
  method: z.string().regex(/^[A-Za-z]+$/, 'expected an HTTP method such as GET or POST').transform((method) => method.toUpperCase()).default('POST'),
  headers: z.record(z.string().min(1), scalarTemplate).default({}),
  path: z.record(z.string().min(1), scalarTemplate).default({}),
  data: z.unknown().optional(),
  timeout: numberOrTemplate.default(DEFAULT_TIMEOUT_MS),
  parser: z.enum(['json', 'text', 'xml', 'JSON', 'TEXT', 'XML']).transform((parser) => parser.toLowerCase() as 'json' | 'text' | 'xml').optional(),
  exportVariables: z
    .record(variableName, z.string())
    .default({})
    .superRefine((paths, ctx) => {
      for (const [name, path] of Object.entries(paths)) {
        const steps = path.startsWith('/') ? xmlPathSteps(path) : undefined;
        if (typeof steps === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: steps });
      }
    }),
  responseCode: variableName.optional(),
  exportCookie: variableName.optional(),
  insecureSkipVerify: z.union([z.boolean(), z.string()]).optional(),
  renegotiation: z.unknown().optional(),
}, { unsupported: { cacheCookie: "flow_manager's cookie kept from an earlier request instead of sending this one; the request is sent" } })
  .transform(
    (args): HttpRequestArgs => ({
      url: args.url,
      method: args.method,
      headers: Object.entries(args.headers),
      path: new Map(Object.entries(args.path)),
      data: args.data,
      timeout: args.timeout,
      parser: args.parser,
      exports: Object.entries(args.exportVariables).map(([name, path]): [string, ResponsePath, string] => [name, compileResponsePath(path), path]),
      responseCode: args.responseCode,
      exportCookie: args.exportCookie,
    }),
  );

/** The URL with `path` values and variables substituted, every substituted value URL-encoded. */
function urlOf(ctx: AppContext, args: HttpRequestArgs): string {
  const withPath = Template.compile(args.url.text);
  const source = {
    channel: (name: string) => (args.path.has(name) ? ctx.expand(args.path.get(name)!) : ctx.variables.channel(name)),
    global: (name: string) => ctx.variables.global(name),
    capture: (reg: number, group: number) => ctx.variables.capture(reg, group),
  };
  return withPath.render(source, encodeURIComponent);
}

/** JSON data with its string values substituted in place: a value can never change the document's structure. */
function substituteJson(ctx: AppContext, value: unknown): unknown {
  if (typeof value === 'string') return ctx.expand(Template.compile(value));
  if (Array.isArray(value)) return value.map((item) => substituteJson(ctx, item));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteJson(ctx, item)]));
  return value;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function bodyOf(ctx: AppContext, data: unknown, contentType: string): string | undefined {
  if (data === undefined) return undefined;
  if (typeof data === 'string') {
    const xml = /xml/i.test(contentType);
    return ctx.expand(Template.compile(data), xml ? escapeXml : undefined);
  }
  if (/x-www-form-urlencoded/i.test(contentType) && typeof data === 'object' && data !== null) {
    const form = substituteJson(ctx, data) as Record<string, unknown>;
    return new URLSearchParams(Object.entries(form).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)])).toString();
  }
  return JSON.stringify(substituteJson(ctx, data));
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends the request; throws on a network failure or timeout (the step fails, the flow goes on). */
export async function sendHttpRequest(ctx: AppContext, args: HttpRequestArgs): Promise<HttpAnswer> {
  const headers = new Headers(args.headers.map(([name, value]): [string, string] => [name, ctx.expand(value)]));
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  const timeoutMs = Math.min(Math.max(Number(ctx.expand(args.timeout)) || DEFAULT_TIMEOUT_MS, 1), MAX_TIMEOUT_MS);
  const withBody = args.method !== 'GET' && args.method !== 'HEAD';
  const response = await ctx.services.acr.fetch(urlOf(ctx, args), {
    method: args.method,
    headers,
    body: withBody ? bodyOf(ctx, args.data, headers.get('content-type')!) : undefined,
    signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ctx.call.signal]),
  });
  if (args.responseCode) ctx.exportVariable(args.responseCode, String(response.status), 'all');
  if (args.exportCookie) ctx.exportVariable(args.exportCookie, response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join(';'), 'all');
  const text = (await response.text()).slice(0, MAX_BODY_BYTES);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

/** JSON by `parser` or content type; else the text. */
export function parseAnswer(answer: HttpAnswer, parser: HttpRequestArgs['parser']): { json: unknown } | { text: string } {
  const json = parser ? parser === 'json' : /json/i.test(answer.contentType) || /^\s*[[{]/.test(answer.text);
  if (!json) return { text: answer.text };
  try {
    return { json: JSON.parse(answer.text) };
  } catch {
    return { text: answer.text };
  }
}

/** XML by `parser` or content type (`application/xml`, `text/xml`, `…+xml`), or a body that starts with `<`. */
function isXml(answer: HttpAnswer, parser: HttpRequestArgs['parser']): boolean {
  return parser ? parser === 'xml' : /[/+]xml\b/i.test(answer.contentType) || /^\s*</.test(answer.text);
}

/** Exports the variables' paths from an XML answer; why not, when it is not XML. */
async function exportFromXml(ctx: AppContext, answer: HttpAnswer, exports: HttpRequestArgs['exports']): Promise<string | undefined> {
  const parsed = await parseXml(answer.text);
  if ('invalid' in parsed) return `the answer is not valid XML: ${parsed.invalid}`;
  for (const [name, , written] of exports) {
    const steps = xmlPathSteps(written);
    ctx.exportVariable(name, typeof steps === 'string' ? '' : readXmlPath(parsed.xml, steps), 'all');
  }
  return undefined;
}

/**
 * `httpRequest`: calls a web service and exports fields of its JSON answer
 * (`exportVariables` paths such as `data.owner` or `items.0.id`) or its XML
 * answer (XPath `/data/owner`, `//owner`, `/items/item[1]/@id`), the status
 * (`responseCode`) and cookies (`exportCookie`), exported to later legs as the original did.
 */
export const httpRequestApp: AppSpec<HttpRequestArgs> = {
  name: 'httpRequest',
  args: httpRequestArgs,
  traceArgs: (args, ctx) => ({ method: args.method, url: urlOf(ctx, args) }),
  async run(ctx, args) {
    const answer = await sendHttpRequest(ctx, args);
    const exported = `HTTP ${answer.status}${args.exports.length > 0 ? `, ${args.exports.length} variable(s) exported` : ''}`;
    if (args.exports.length > 0 && isXml(answer, args.parser)) {
      const problem = await exportFromXml(ctx, answer, args.exports);
      return { result: problem ? `HTTP ${answer.status}; ${problem}: exportVariables not read` : exported };
    }
    const parsed = parseAnswer(answer, args.parser);
    if ('json' in parsed) {
      for (const [name, path] of args.exports) ctx.exportVariable(name, readResponsePath(parsed.json, path), 'all');
      return { result: exported };
    }
    if (args.exports.length > 0) ctx.log(`the answer is neither JSON nor XML (${answer.contentType || 'no content type'}): exportVariables not read`);
    return { result: `HTTP ${answer.status}` };
  },
};
