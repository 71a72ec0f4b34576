/**
 * What a heap snapshot holds more of than an earlier one of the same
 * process, and what holds it: `node --max-old-space-size=12000 --import tsx
 * bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [per]`
 * (bench:sip's HEAP_SNAPSHOT writes them: e.g. `last-agent-idle` and
 * `last-agent-1000-calls`; `per` divides every figure, e.g. by the calls
 * held, to read bytes per call). PATHS=n prints n owner paths (120).
 *
 * Every object is charged to its owner: up its retainer path (the shortest
 * from the roots, as DevTools shows it) to the first object of a class of
 * ours — an async function's suspended frame counts as one, named by its
 * function. Both snapshots are summed by type and constructor, by owner,
 * and by owner and the path from it, and the sums subtracted. (Object ids
 * cannot tell new objects from old: V8 gives a new object at a dead one's
 * address that one's id.)
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

type Sums = Map<string, { count: number; bytes: number }>;

/** Containers rather than owners: an object of these is charged to what holds it. */
const CONTAINERS = new Set(['Object', 'Array', 'Map', 'Set', 'WeakMap', 'Promise', 'Function', 'AbortSignal', 'AbortController', 'EventTarget', 'Error', 'Date']);
/** Retainer steps walked up looking for an owner before the object is charged to what is that far up. */
const MAX_DEPTH = 10;
/** Steps of an owner path printed (PATH_DEPTH, 5). */
const PATH_DEPTH = Number(process.env.PATH_DEPTH ?? 5);

function sums(file: string): { byKind: Sums; byOwner: Sums; byPath: Sums } {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = snapshot.snapshot;
  const nodeFields = meta.node_fields.length;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((field) => meta.node_fields.indexOf(field));
  const edgeFields = meta.edge_fields.length;
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((field) => meta.edge_fields.indexOf(field));
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snapshot;
  const count = nodes.length / nodeFields;
  const type = (node: number) => nodeTypes[nodes[node * nodeFields + typeAt]];
  const name = (node: number) => strings[nodes[node * nodeFields + nameAt]];
  const firstEdge = new Int32Array(count + 1);
  for (let node = 0; node < count; node++) firstEdge[node + 1] = firstEdge[node] + nodes[node * nodeFields + edgeCountAt] * edgeFields;
  const edgeName = (edge: number) => {
    const edgeType = edgeTypes[edges[edge + edgeTypeAt]];
    const nameOrIndex = edges[edge + edgeNameAt];
    // Indices (and a Map table's slots) would make a path per element: they are all `[]`.
    const named = edgeType === 'element' || edgeType === 'hidden' ? '' : strings[nameOrIndex];
    return /^\d*$/.test(named) ? '[]' : named;
  };
  // Breadth first from the root over strong edges: each object's parent is its retainer on a shortest path.
  const parent = new Int32Array(count).fill(-1);
  const parentEdge = new Int32Array(count).fill(-1);
  const seen = new Uint8Array(count);
  let frontier = [0];
  seen[0] = 1;
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const node of frontier) {
      for (let edge = firstEdge[node]; edge < firstEdge[node + 1]; edge += edgeFields) {
        const edgeType = edgeTypes[edges[edge + edgeTypeAt]];
        if (edgeType === 'weak' || edgeType === 'shortcut') continue;
        const to = edges[edge + toAt] / nodeFields;
        if (seen[to]) continue;
        seen[to] = 1;
        parent[to] = node;
        parentEdge[to] = edge;
        next.push(to);
      }
    }
    frontier = next;
  }
  const kind = (node: number) => {
    const nodeType = type(node);
    return nodeType === 'object' || nodeType === 'closure' || nodeType === 'hidden' || nodeType === 'native' ? `${nodeType} ${name(node).slice(0, 60)}` : nodeType;
  };
  /** An async function's frame is its generator object; its `function` edge names it. */
  const generatorName = (node: number) => {
    for (let edge = firstEdge[node]; edge < firstEdge[node + 1]; edge += edgeFields) {
      if (edgeName(edge) === 'function') return `async ${name(edges[edge + toAt] / nodeFields) || '(anonymous)'}`;
    }
    return 'Generator';
  };
  const ownerName = (node: number): string | undefined => {
    if (type(node) !== 'object') return undefined;
    const nodeName = name(node);
    if (nodeName === 'Generator') return generatorName(node);
    return /^[A-Z]/.test(nodeName) && !CONTAINERS.has(nodeName) && !nodeName.startsWith('system /') ? nodeName : undefined;
  };
  const byKind: Sums = new Map();
  const byOwner: Sums = new Map();
  const byPath: Sums = new Map();
  const add = (map: Sums, key: string, bytes: number) => {
    const entry = map.get(key);
    if (entry) {
      entry.count++;
      entry.bytes += bytes;
    } else map.set(key, { count: 1, bytes });
  };
  for (let node = 0; node < count; node++) {
    if (parent[node] < 0) continue;
    const bytes = nodes[node * nodeFields + sizeAt];
    add(byKind, kind(node), bytes);
    const path: string[] = [];
    let owner = node;
    let named = ownerName(owner);
    while (named === undefined && parent[owner] >= 0 && path.length < MAX_DEPTH) {
      path.push(edgeName(parentEdge[owner]));
      owner = parent[owner];
      named = ownerName(owner);
    }
    const ownerKey = named ?? `(${kind(owner)})`;
    add(byOwner, ownerKey, bytes);
    path.reverse();
    add(byPath, `${ownerKey} .${path.slice(0, PATH_DEPTH).join('.')}${path.length > PATH_DEPTH ? '…' : ''} → ${kind(node)}`, bytes);
  }
  return { byKind, byOwner, byPath };
}

function subtract(after: Sums, before: Sums): Sums {
  const difference: Sums = new Map();
  for (const [key, { count, bytes }] of after) {
    const earlier = before.get(key) ?? { count: 0, bytes: 0 };
    difference.set(key, { count: count - earlier.count, bytes: bytes - earlier.bytes });
  }
  for (const [key, { count, bytes }] of before) if (!after.has(key)) difference.set(key, { count: -count, bytes: -bytes });
  return difference;
}

const [beforeFile, afterFile, perArgument] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error('usage: heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [per]');
const per = Number(perArgument ?? 1);
const before = sums(beforeFile);
const after = sums(afterFile);
const print = (title: string, map: Sums, limit: number) => {
  const rows = [...map].sort((a, b) => Math.abs(b[1].bytes) - Math.abs(a[1].bytes));
  const total = rows.reduce((sum, [, { bytes }]) => sum + bytes, 0);
  console.log(`\n${title} (in all ${(total / per).toFixed(0)} B${per !== 1 ? ` per ${per}` : ''})`);
  for (const [key, { count, bytes }] of rows.slice(0, limit)) console.log(`${(bytes / per).toFixed(0).padStart(8)} B ${(count / per).toFixed(1).padStart(7)}×  ${key}`);
};
print('by type and constructor', subtract(after.byKind, before.byKind), 40);
print('by owner (the nearest object of a class of ours on the shortest retainer path)', subtract(after.byOwner, before.byOwner), 60);
print('by owner and path', subtract(after.byPath, before.byPath), Number(process.env.PATHS ?? 120));
