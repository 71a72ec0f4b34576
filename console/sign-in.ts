/**
 * Signing in: with the username and password of an admin account (a
 * session cookie; POST /api/v1/session) or with an API token (kept for this
 * tab only). A session or token saved earlier is tried first.
 */
import { Api, ApiFailure, type Session } from './api.js';
import { clear, h } from './dom.js';

const TOKEN_KEY = 'callrouter.token';

/** Who signed in, for the header, and how to sign out. */
export interface SignedIn {
  api: Api;
  who: string;
  signOut(): Promise<void>;
}

function withToken(token: string): SignedIn {
  return {
    api: new Api({ kind: 'token', token }),
    who: 'API token',
    signOut: async () => sessionStorage.removeItem(TOKEN_KEY),
  };
}

function withSession(session: Session): SignedIn {
  const api = new Api({ kind: 'session', csrfToken: session.csrfToken });
  return {
    api,
    who: `${session.username} (${session.domain ? `${session.role} of ${session.domain}` : session.role})`,
    signOut: async () => {
      await api.request('DELETE', '/session').catch(() => undefined);
    },
  };
}

/** A token saved in this tab, else a session cookie still valid; undefined when neither is. */
export async function savedSignIn(): Promise<SignedIn | 'expired' | undefined> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    const signedIn = withToken(token);
    try {
      await signedIn.api.request('GET', '/phones');
      return signedIn;
    } catch {
      sessionStorage.removeItem(TOKEN_KEY);
      return 'expired';
    }
  }
  try {
    return withSession(await new Api({ kind: 'session', csrfToken: '' }).request<Session>('GET', '/session'));
  } catch {
    return undefined;
  }
}

export function showSignIn(root: HTMLElement, onSignedIn: (signedIn: SignedIn) => void, message = ''): void {
  const error = h('p', { class: 'error', role: 'alert' }, message);
  const username = h('input', { id: 'username', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'password', autocomplete: 'current-password', required: true });
  const token = h('input', { type: 'password', id: 'token', autocomplete: 'off', placeholder: 'crt_…', required: true });
  const accountForm = h(
    'form',
    { class: 'account', onsubmit: (event: Event) => (event.preventDefault(), void signInWithPassword()) },
    h('label', { for: 'username' }, 'Username'),
    username,
    h('label', { for: 'password' }, 'Password'),
    password,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  const tokenForm = h(
    'form',
    { class: 'token', hidden: true, onsubmit: (event: Event) => (event.preventDefault(), void signInWithToken()) },
    h('label', { for: 'token' }, 'API token'),
    token,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    h('p', { class: 'muted' }, 'Make one with: callrouter token create --role viewer --name <you>'),
  );
  const modes = h('div', { class: 'modes', role: 'tablist' });
  const choose = (mode: 'account' | 'token') => {
    accountForm.hidden = mode !== 'account';
    tokenForm.hidden = mode !== 'token';
    for (const button of modes.querySelectorAll('button')) button.setAttribute('aria-selected', String(button.dataset.mode === mode));
    (mode === 'account' ? username : token).focus();
  };
  modes.append(
    h('button', { type: 'button', role: 'tab', 'data-mode': 'account', onclick: () => choose('account') }, 'Password'),
    h('button', { type: 'button', role: 'tab', 'data-mode': 'token', onclick: () => choose('token') }, 'API token'),
  );

  async function signInWithPassword(): Promise<void> {
    try {
      const session = await new Api({ kind: 'session', csrfToken: '' }).request<Session>('POST', '/session', { username: username.value.trim(), password: password.value });
      password.value = '';
      onSignedIn(withSession(session));
    } catch (failure) {
      const status = failure instanceof ApiFailure ? failure.status : 0;
      if (status === 401) error.textContent = 'Wrong username or password.';
      else if (status === 404) error.textContent = 'This router has no password sign-in: use an API token.';
      else error.textContent = (failure as Error).message;
    }
  }

  async function signInWithToken(): Promise<void> {
    const signedIn = withToken(token.value.trim());
    try {
      await signedIn.api.request('GET', '/phones');
      sessionStorage.setItem(TOKEN_KEY, token.value.trim());
      onSignedIn(signedIn);
    } catch (failure) {
      error.textContent = failure instanceof ApiFailure && failure.status === 401 ? 'Unknown or revoked token.' : (failure as Error).message;
    }
  }

  clear(root, h('main', { class: 'signin' }, h('div', { class: 'card' }, h('h1', {}, 'callrouter'), modes, accountForm, tokenForm, error)));
  choose('account');
}
