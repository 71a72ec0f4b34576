/** The console shell: sign in with a token, then the phones board, calls, schema editor with its trace panel, and CDR search, over one live event stream. */
import { Api, ApiFailure } from './api.js';
import { CallsTable } from './calls.js';
import { CdrSearch } from './cdrs.js';
import { ConfigPage } from './config.js';
import { clear, h } from './dom.js';
import { PhonesBoard } from './phones.js';
import { TracePanel } from './trace.js';

const TOKEN_KEY = 'callrouter.token';
const root = document.getElementById('app')!;

function signIn(message = ''): void {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'current-password', placeholder: 'crt_…', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, message);
  clear(
    root,
    h(
      'main',
      { class: 'signin' },
      h(
        'form',
        {
          onsubmit: async (event: Event) => {
            event.preventDefault();
            const api = new Api(input.value.trim());
            try {
              await api.request('GET', '/phones');
              sessionStorage.setItem(TOKEN_KEY, api.token);
              void open(api);
            } catch (failure) {
              error.textContent = failure instanceof ApiFailure && failure.status === 401 ? 'Unknown or revoked token.' : (failure as Error).message;
            }
          },
        },
        h('h1', {}, 'callrouter'),
        h('label', { for: 'token' }, 'API token'),
        input,
        h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
        error,
        h('p', { class: 'muted' }, 'Make one with: callrouter token create --role viewer --name <you>'),
      ),
    ),
  );
  input.focus();
}

async function open(api: Api): Promise<void> {
  const phones = new PhonesBoard(api);
  const calls = new CallsTable(api);
  const trace = new TracePanel(api);
  const cdrs = new CdrSearch(api);
  const config = new ConfigPage(api);
  const views = { phones: phones.element, calls: calls.element, schema: trace.element, cdrs: cdrs.element, config: config.element };
  const stop = new AbortController();
  const live = h('span', { class: 'live', 'data-live': 'false' }, 'offline');
  const callCount = h('span', { class: 'count' }, '0');
  const main = h('main', {});
  const tabs = h('nav', {});
  const show = (name: keyof typeof views) => {
    for (const button of tabs.querySelectorAll('button')) button.setAttribute('aria-current', String(button.dataset.view === name));
    clear(main, views[name]);
    if (name === 'cdrs') void cdrs.search();
    // Users may have been added or removed on the configuration page.
    if (name === 'phones') void phones.load();
    if (name === 'config') void config.load();
  };
  for (const [name, label] of [['phones', 'Phones'], ['calls', 'Calls'], ['schema', 'Schema'], ['cdrs', 'CDRs'], ['config', 'Configuration']] as const) {
    tabs.append(h('button', { 'data-view': name, onclick: () => show(name) }, label, name === 'calls' ? callCount : ''));
  }
  const signOut = () => {
    stop.abort();
    sessionStorage.removeItem(TOKEN_KEY);
    signIn();
  };
  clear(root, h('header', { class: 'top' }, h('strong', { class: 'brand' }, 'callrouter'), tabs, live, h('button', { class: 'link', onclick: signOut }, 'Sign out')), main);
  show('phones');
  void api.stream(
    (type, data) => {
      void phones.onEvent(type, data);
      calls.onEvent(type, data);
      callCount.textContent = String(calls.count);
    },
    (isLive) => {
      live.dataset.live = String(isLive);
      live.textContent = isLive ? 'live' : 'offline';
      // Whatever happened while the stream was down is read again.
      if (isLive) void Promise.all([phones.load(), calls.load()]).then(() => (callCount.textContent = String(calls.count)));
    },
    stop.signal,
  );
}

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  const api = new Api(saved);
  api.request('GET', '/phones').then(
    () => open(api),
    () => signIn('Sign in again: the saved token is no longer accepted.'),
  );
} else {
  signIn();
}
