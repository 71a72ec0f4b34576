/**
 * Writes by query asked not to wait (`wait_for_completion=false`): a client
 * then expects a task id and fetches the outcome with `GET _tasks/<id>`.
 * Here the write is done by the time the id is given (one batch), so the
 * task is kept completed with its response, as Elasticsearch keeps a
 * finished task's result; the last 100 are kept.
 */
import type { FastifyInstance } from 'fastify';
import { CdrQueryError } from '../store.js';
import { NODE_ID } from './cluster-routes.js';
import { checkParams } from './params.js';

const KEPT_TASKS = 100;

interface CompletedTask {
  node: string;
  id: number;
  type: 'transport';
  action: string;
  description: string;
  start_time_in_millis: number;
  running_time_in_nanos: number;
  cancellable: boolean;
  cancelled: boolean;
  headers: Record<string, string>;
}

export class CompletedTasks {
  #next = 1;
  readonly #tasks = new Map<string, { task: CompletedTask; response: unknown }>();

  /** Keeps a finished write's response; its task id, `<node>:<number>`. */
  record(action: string, description: string, startedAt: number, response: unknown): string {
    const id = this.#next++;
    const key = `${NODE_ID}:${id}`;
    const task: CompletedTask = {
      node: NODE_ID,
      id,
      type: 'transport',
      action,
      description,
      start_time_in_millis: startedAt,
      running_time_in_nanos: Math.max(0, Date.now() - startedAt) * 1_000_000,
      cancellable: true,
      cancelled: false,
      headers: {},
    };
    this.#tasks.set(key, { task, response });
    if (this.#tasks.size > KEPT_TASKS) this.#tasks.delete(this.#tasks.keys().next().value!);
    return key;
  }

  get(key: string): { completed: true; task: CompletedTask; response: unknown } {
    if (!/^[^:]+:\d+$/.test(key)) throw new CdrQueryError('illegal_argument_exception', `malformed task id ${key}`);
    const kept = this.#tasks.get(key);
    if (!kept) throw new CdrQueryError('resource_not_found_exception', `task [${key}] isn't running and hasn't stored its results`, 404);
    return { completed: true, ...kept };
  }
}

export function registerTaskRoutes(app: FastifyInstance, tasks: CompletedTasks): void {
  app.get<{ Params: { task: string } }>('/_tasks/:task', async (request) => {
    checkParams(request, ['wait_for_completion', 'timeout']);
    return tasks.get(request.params.task);
  });
}
