/** The console shell: sign in (password or token), then the phones board, calls, schema editor with its trace panel, and CDR search, over one live event stream. */
import { CallsTable } from './calls.js';
import { CdrSearch } from './cdrs.js';
import { ConfigPage } from './config.js';
import { clear, h } from './dom.js';
import { PhonesBoard } from './phones.js';
import { savedSignIn, showSignIn, type SignedIn } from './sign-in.js';
import { TracePanel } from './trace.js';

const root = document.getElementById('app')!;

async function open({ api, who, signOut }: SignedIn): Promise<void> {
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
    if (name === 'schema') void trace.library.refresh();
  };
  for (const [name, label] of [['phones', 'Phones'], ['calls', 'Calls'], ['schema', 'Schema'], ['cdrs', 'CDRs'], ['config', 'Configuration']] as const) {
    tabs.append(h('button', { 'data-view': name, onclick: () => show(name) }, label, name === 'calls' ? callCount : ''));
  }
  const leave = async () => {
    stop.abort();
    await signOut();
    showSignIn(root, open);
  };
  clear(root, h('header', { class: 'top' }, h('strong', { class: 'brand' }, 'callrouter'), tabs, live, h('span', { class: 'who muted' }, who), h('button', { class: 'link', onclick: () => void leave() }, 'Sign out')), main);
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

const saved = await savedSignIn();
if (saved === undefined || saved === 'expired') showSignIn(root, open, saved === 'expired' ? 'Sign in again: the saved token is no longer accepted.' : '');
else void open(saved);
