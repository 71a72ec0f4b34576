/**
 * The schema editor: CodeMirror with JSON highlighting and live validation.
 * Syntax errors come from the JSON parser; schema errors from
 * POST /api/v1/schemas/validate, each underlined at its JSON path (the
 * value, or the key of the nearest object that exists when the value is
 * missing).
 */
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorView, basicSetup } from 'codemirror';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import { parseJsonPath } from '../src/json-path.js';
import { ApiFailure, type Api, type ApiIssue, type SchemaIssue } from './api.js';

const VALIDATE_DELAY_MS = 400;

export class SchemaEditor {
  readonly view: EditorView;
  /** Told after each validation: the schema's errors (none when it is valid; syntax errors count as one), and what loads but is skipped at run time. */
  onValidated: (errors: SchemaIssue[], warnings?: SchemaIssue[]) => void = () => {};

  constructor(
    private readonly api: Api,
    parent: HTMLElement,
    text: string,
  ) {
    this.view = new EditorView({
      doc: text,
      parent,
      extensions: [basicSetup, json(), lintGutter(), linter((view) => this.#diagnostics(view), { delay: VALIDATE_DELAY_MS }), EditorView.lineWrapping],
    });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  set text(value: string) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value } });
  }

  async #diagnostics(view: EditorView): Promise<Diagnostic[]> {
    const syntax = jsonParseLinter()(view);
    if (syntax.length > 0) {
      this.onValidated(syntax.map((diagnostic) => ({ path: 'JSON', segments: [], message: diagnostic.message })));
      return syntax;
    }
    const text = view.state.doc.toString();
    let errors: SchemaIssue[] = [];
    let warnings: SchemaIssue[] = [];
    try {
      const valid = await this.api.request<{ warnings?: ApiIssue[] }>('POST', '/schemas/validate', { schema: JSON.parse(text) });
      warnings = (valid.warnings ?? []).map((warning) => schemaIssue(warning.path, warning.message));
    } catch (error) {
      if (!(error instanceof ApiFailure) || error.status !== 400 || error.issues.length === 0) {
        // The router could not be asked (offline): nothing is underlined rather than something wrongly.
        this.onValidated([{ path: 'validate', segments: [], message: (error as Error).message }]);
        return [];
      }
      errors = error.issues.map((issue) => schemaIssue(issue.path, issue.message));
    }
    this.onValidated(errors, warnings);
    const tree = parseTree(text);
    const marks = (issues: SchemaIssue[], severity: 'error' | 'warning'): Diagnostic[] =>
      issues.map((issue) => ({ ...rangeOf(tree, issue.segments), severity, message: `${issue.path}: ${issue.message}`, source: 'callrouter validate' }));
    return [...marks(errors, 'error'), ...marks(warnings, 'warning')];
  }
}

/** Where an error at `segments` is shown: the deepest node on the path that exists. */
function rangeOf(root: Node | undefined, segments: readonly (string | number)[]): { from: number; to: number } {
  if (!root) return { from: 0, to: 0 };
  let node = root;
  let complete = true;
  for (const segment of segments) {
    const child = findNodeAtLocation(node, [segment]);
    if (!child) {
      complete = false;
      break;
    }
    node = child;
  }
  // A missing value, or a whole object or array, is marked at its key (its opening bracket at the top).
  const container = node.type === 'object' || node.type === 'array';
  if (!complete || container) {
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if (key) return { from: key.offset, to: key.offset + key.length };
    return { from: node.offset, to: node.offset + 1 };
  }
  return { from: node.offset, to: node.offset + node.length };
}

/** An issue of the request (`$.body.schema[0].bridge`) as one of the schema (`$[0].bridge`), with its segments. */
function schemaIssue(requestPath: string, message: string): SchemaIssue {
  const inSchema = requestPath.startsWith(SCHEMA_PATH) ? requestPath.slice(SCHEMA_PATH.length) : '';
  let segments: (string | number)[] = [];
  try {
    segments = parseJsonPath(inSchema);
  } catch {
    // A path no editor can place marks the whole schema.
  }
  return { path: `$${inSchema}`, segments, message };
}

const SCHEMA_PATH = '$.body.schema';
