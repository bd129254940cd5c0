// The productivity check of a compiled grammar: run once after every node exists (while compiling, a
// recursive node may still be pending, so this cannot be decided node by node).

import { GrammarError } from './errors.js';
import type { Alternative, Grammar } from './grammar.js';

/** A recursive schema must let every value finish (a tree whose children are required forever has no
 * finite instance). Nodes that cannot produce a finite value are removed; a required use of one is a
 * contradiction. */
export function removeUnproductive(g: Grammar): void {
  const productive = new Uint8Array(g.nodes.length);
  const altProductive = (alt: Alternative): boolean => {
    switch (alt.kind) {
      case 'literal': case 'string': case 'number': return true;
      case 'array': {
        const a = g.arrays[alt.spec];
        for (let i = 0; i < a.minItems; i++) {
          const n = i < a.prefix.length ? a.prefix[i] : a.rest;
          if (n < 0 || !productive[n]) return false;
        }
        if (a.containsMin > 0 && ![...a.matchPrefix, a.matchRest].some((n) => n >= 0 && productive[n])) return false;
        return true;
      }
      case 'object': {
        const o = g.objects[alt.spec];
        return o.props.every((p) => !p.required || productive[p.node]) &&
          (o.minProperties <= o.props.filter((p) => productive[p.node]).length || o.extraKey !== null);
      }
    }
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of g.nodes) {
      if (!productive[n.id] && n.alts.some(altProductive)) { productive[n.id] = 1; changed = true; }
    }
  }
  if (!productive[g.root]) throw new GrammarError('$ref', '', 'contradictory constraints: the recursion never ends (no finite document satisfies the schema)');
  for (const n of g.nodes) n.alts = n.alts.filter(altProductive);
}
