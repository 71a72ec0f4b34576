/**
 * XML answers of `httpRequest`: parsed with fast-xml-parser into elements
 * (attributes as `@name`, text beside them as `#text`), and read by the
 * paths `exportVariables` names — the original's XPath in its common forms
 * (`/response/owner`, `/response/items/item[2]`, `/response/owner/@id`,
 * `//owner`, a trailing `/text()`), or the dotted paths JSON answers use
 * (`response.items.item.1`).
 */
import type { XMLParser } from 'fast-xml-parser';

// Imported when the first XML answer arrives: most routers never get one, and every process start would pay for it.
let xml: Promise<{ parser: XMLParser; validate: typeof import('fast-xml-parser').XMLValidator.validate }> | undefined;

function xmlParser() {
  xml ??= import('fast-xml-parser').then(({ XMLParser, XMLValidator }) => ({
    parser: new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      textNodeName: '#text',
      // Values stay text, as XPath gives them: "007" is not 7.
      parseTagValue: false,
      parseAttributeValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
    }),
    validate: (text: string) => XMLValidator.validate(text),
  }));
  return xml;
}

/** The document as elements, or why it is not XML. */
export async function parseXml(text: string): Promise<{ xml: unknown } | { invalid: string }> {
  const { parser, validate } = await xmlParser();
  const valid = validate(text);
  if (valid !== true) return { invalid: `${valid.err.msg} (line ${valid.err.line})` };
  return { xml: parser.parse(text) };
}

interface Step {
  name: string;
  /** 0-based: XPath's `[2]` or a dotted path's `.1`. */
  index?: number;
  /** `//name`: the first such element anywhere below. */
  descendant: boolean;
}

/** `/a/b[2]/@c`, `//a`, `a.b.1.@c`: the steps of a path, or why it is beyond what is read here. */
export function xmlPathSteps(path: string): Step[] | string {
  const trimmed = path.trim().replace(/\/text\(\)$/, '');
  if (!trimmed.startsWith('/')) return dottedSteps(trimmed);
  const steps: Step[] = [];
  const pattern = /(\/\/?)(@?[\w.:-]+|\*)(?:\[(\d+)\])?/y;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(trimmed)) !== null) {
    if (match[2] === '*') return `XPath wildcards are not read here: ${JSON.stringify(path)}`;
    steps.push({ name: match[2], index: match[3] === undefined ? undefined : Number(match[3]) - 1, descendant: match[1] === '//' });
    if (pattern.lastIndex === trimmed.length) return steps;
  }
  return `only XPath of the forms /a/b, /a/b[2], /a/@c and //a is read here: ${JSON.stringify(path)}`;
}

function dottedSteps(path: string): Step[] {
  const steps: Step[] = [];
  for (const segment of path.split('.')) {
    if (/^\d+$/.test(segment) && steps.length > 0) steps[steps.length - 1].index = Number(segment);
    else steps.push({ name: segment, descendant: false });
  }
  return steps;
}

/** The text at `path` in a parsed document ("" when nothing is there), as XPath's string() gives it. */
export function readXmlPath(document: unknown, steps: readonly Step[]): string {
  let node: unknown = document;
  for (const step of steps) {
    const element = Array.isArray(node) ? node[0] : node;
    const found = step.descendant ? findDescendant(element, step.name) : childOf(element, step.name);
    if (found === undefined) return '';
    node = step.index === undefined ? found : Array.isArray(found) ? found[step.index] : step.index === 0 ? found : undefined;
    if (node === undefined) return '';
  }
  return textOf(Array.isArray(node) ? node[0] : node);
}

function childOf(element: unknown, name: string): unknown {
  if (typeof element !== 'object' || element === null) return undefined;
  return Object.hasOwn(element, name) ? (element as Record<string, unknown>)[name] : undefined;
}

function findDescendant(element: unknown, name: string): unknown {
  if (typeof element !== 'object' || element === null) return undefined;
  const own = childOf(element, name);
  if (own !== undefined) return own;
  for (const child of Object.values(element)) {
    const found = findDescendant(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** An element's text and its descendants', in document order; attributes are not text. */
function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node !== 'object') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return Object.entries(node)
    .filter(([key]) => !key.startsWith('@'))
    .map(([, value]) => textOf(value))
    .join('');
}
