/** A real call's trace in a dialog, opened from the calls page or a CDR row (GET /calls/:uuid/trace). */
import { ApiFailure, type Api, type CallTrace } from './api.js';
import { clear, h } from './dom.js';
import { renderSteps } from './trace-steps.js';

export async function showCallTrace(api: Api, uuid: string): Promise<void> {
  const body = h('div', { class: 'dialog-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const dialog = h(
    'dialog',
    { class: 'call-trace', 'aria-label': 'Call trace' },
    h('header', {}, h('strong', {}, 'Why this call went where it went'), h('button', { class: 'link close', 'aria-label': 'Close', onclick: () => dialog.close() }, '✕')),
    h('code', { class: 'muted uuid' }, uuid),
    body,
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const trace = await api.request<CallTrace>('GET', `/calls/${encodeURIComponent(uuid)}/trace`);
    clear(
      body,
      h('p', { class: 'muted' }, `${new Date(trace.startedAt).toLocaleString()} · ${trace.domain || 'no domain'}${trace.inProgress ? ' · in progress' : ''}`),
      trace.events.length === 0 ? h('p', { class: 'empty' }, 'No step has finished yet.') : renderSteps(trace.events),
      trace.droppedEvents > 0 && h('p', { class: 'note' }, `${trace.droppedEvents} steps past the size cap are not kept.`),
    );
  } catch (error) {
    const missing = error instanceof ApiFailure && error.status === 404;
    clear(body, h('p', { class: missing ? 'empty' : 'error' }, missing ? 'No trace is kept for this call.' : (error as Error).message));
  }
}
