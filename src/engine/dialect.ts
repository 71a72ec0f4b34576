/**
 * Which of Webitel's two schema languages a schema is written in: the ACR of
 * Webitel 3.x (`setVar`, `goto "local:…"`, parameters as `["k=v"]`) or the
 * flow_manager of its current product (`set`, `export`, `softSleep`, `while`,
 * `goto "<tag>"`, endpoints `{ extension, idle }`, parameters as objects).
 * Both load; this only tells the user what was recognised and why.
 */
export type Dialect = 'acr' | 'flow_manager' | 'mixed' | 'common';

export interface DialectReport {
  dialect: Dialect;
  /** A few of the constructs that decided it, as `[3].setVar`. */
  evidence: string[];
}

const FLOW_MANAGER_APPS = new Set(['set', 'export', 'softSleep', 'while', 'trigger', 'ringReady', 'preAnswer', 'joinQueue', 'scheduleHangup', 'setAll', 'setNoLocal', 'flushDtmf', 'say', 'updateCid', 'markIVR', 'cancelQueue', 'joinAgent', 'audioStream']);
const ACR_APPS = new Set(['setVar', 'exportVars', 'recordSession', 'queue', 'ccPosition', 'sendSMS', 'blackList', 'geoLocation', 'setArray', 'setProfileVar', 'member', 'agent', 'script']);

const MAX_EVIDENCE = 4;

export function detectDialect(schema: unknown): DialectReport {
  const acr: string[] = [];
  const flow: string[] = [];
  visit(schema, '', (path, app, args) => {
    if (FLOW_MANAGER_APPS.has(app)) flow.push(`${path}.${app}`);
    if (ACR_APPS.has(app)) acr.push(`${path}.${app}`);
    if (app === 'goto' && typeof args === 'string') (/^(local|default|public):/.test(args) ? acr : flow).push(`${path}.goto`);
    if (app === 'if' && isObject(args) && 'sysExpression' in args) acr.push(`${path}.if.sysExpression`);
    if ((app === 'playback' || app === 'tts') && isObject(args)) flow.push(...flowManagerPromptForms(`${path}.${app}`, args));
    if (app === 'bridge' && isObject(args)) {
      if (isObject(args.parameters)) flow.push(`${path}.bridge.parameters`);
      if (Array.isArray(args.parameters)) acr.push(`${path}.bridge.parameters`);
      if (Array.isArray(args.endpoints)) {
        args.endpoints.forEach((endpoint, index) => {
          if (isObject(endpoint) && ('extension' in endpoint || 'idle' in endpoint || isObject(endpoint.gateway))) flow.push(`${path}.bridge.endpoints[${index}]`);
          if (isObject(endpoint) && (endpoint.type === 'sipGateway' || endpoint.type === 'sipUri')) acr.push(`${path}.bridge.endpoints[${index}]`);
        });
      }
    }
  });
  const dialect: Dialect = acr.length > 0 && flow.length > 0 ? 'mixed' : acr.length > 0 ? 'acr' : flow.length > 0 ? 'flow_manager' : 'common';
  return { dialect, evidence: [...acr, ...flow].slice(0, MAX_EVIDENCE) };
}

export function describeDialect({ dialect, evidence }: DialectReport): string {
  const name = {
    acr: 'Webitel ACR (3.x callflow)',
    flow_manager: "Webitel flow_manager (Webitel's current product)",
    mixed: 'both Webitel dialects mixed',
    common: 'common to both Webitel dialects',
  }[dialect];
  return evidence.length > 0 ? `${name}; from ${evidence.join(', ')}` : name;
}

/** flow_manager's prompt arguments: getDigits' digitTimeout or terminators, media files by id or MIME type, tts files. */
function flowManagerPromptForms(path: string, args: Record<string, unknown>): string[] {
  const forms: string[] = [];
  if (isObject(args.getDigits) && ('digitTimeout' in args.getDigits || 'terminators' in args.getDigits)) forms.push(`${path}.getDigits`);
  if (Array.isArray(args.files)) {
    args.files.forEach((file, index) => {
      if (isObject(file) && ('id' in file || file.type === 'tts' || (typeof file.type === 'string' && file.type.includes('/')))) forms.push(`${path}.files[${index}]`);
    });
  }
  return forms;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `onApp` for every application object, nested branches included. */
function visit(value: unknown, path: string, onApp: (path: string, app: string, args: unknown) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const at = `${path}[${index}]`;
      if (!isObject(item)) return;
      for (const [key, args] of Object.entries(item)) {
        if (key === 'tag' || key === 'break' || key === 'async') continue;
        onApp(at, key, args);
        visit(args, `${at}.${key}`, onApp);
      }
    });
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`, onApp);
  }
}
