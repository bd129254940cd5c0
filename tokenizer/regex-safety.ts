// Regular expressions from tokenizer.json (Split pre-tokenizers, Replace normalizers) run on JavaScript's
// backtracking engine, and a tokenizer file is untrusted input: `(a+)+b` takes minutes on 40 characters.
// A pattern is refused when a group that repeats (*, + or {n,}) holds something that can match in more
// than one way per repetition (a quantifier or an alternation): the shape of every catastrophic pattern.
// The pre-tokenizer patterns real models use (GPT-2, Llama 3, Qwen2, SmolLM, ...) have none.

/** A description of the first nested repetition in `pattern`, or undefined when there is none. */
export function nestedRepetition(pattern: string): string | undefined {
  // Per open group: whether its body (nested groups included) holds a quantifier or an alternation.
  const stack: { start: number; ambiguous: boolean }[] = [];
  let i = 0;
  const markAmbiguous = () => { for (const g of stack) g.ambiguous = true; };
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      // \p{...} / \u{...} carry braces that are not quantifiers.
      const close = /[pPu]/.test(pattern[i + 1] ?? '') && pattern[i + 2] === '{' ? pattern.indexOf('}', i) : -1;
      i = close >= 0 ? close + 1 : i + 2;
      continue;
    }
    if (c === '[') {
      i = skipClass(pattern, i);
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, ambiguous: false });
      i++;
      // Group syntax, not quantifiers: (?: (?= (?! (?<= (?<! (?<name> (?i:
      if (pattern[i] === '?') {
        const m = /^\?(<[=!]|<[^>]*>|[a-zA-Z-]*:|[=!])/.exec(pattern.slice(i));
        i += m ? m[0].length : 1;
      }
      continue;
    }
    if (c === '|') {
      markAmbiguous();
      i++;
      continue;
    }
    if (c === ')') {
      const group = stack.pop();
      i++;
      const q = quantifierAt(pattern, i);
      if (group && q) {
        if (q.repeats && group.ambiguous) {
          return `the group ${pattern.slice(group.start, i)} repeats (${pattern.slice(i, i + q.length)}) and its body can match in more than one way`;
        }
        markAmbiguous();
        i += q.length;
      } else if (group?.ambiguous) {
        markAmbiguous();
      }
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      markAmbiguous();
      i += q.length;
      continue;
    }
    i++;
  }
  return undefined;
}

function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The quantifier starting at `i` (with a lazy/possessive suffix), and whether it can repeat unboundedly. */
function quantifierAt(pattern: string, i: number): { length: number; repeats: boolean } | undefined {
  const c = pattern[i];
  let length: number, repeats: boolean;
  if (c === '*' || c === '+') {
    length = 1;
    repeats = true;
  } else if (c === '?') {
    length = 1;
    repeats = false;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!m) return undefined;
    length = m[0].length;
    repeats = m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1);
  } else {
    return undefined;
  }
  if (pattern[i + length] === '?' || pattern[i + length] === '+') length++;
  return { length, repeats };
}

/** Every regex pattern ({"Regex": "..."}) anywhere in a tokenizer.json component tree, with its path. */
export function regexPatterns(node: unknown, path: string, out: { path: string; pattern: string }[] = []): { path: string; pattern: string }[] {
  if (!node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    node.forEach((child, i) => regexPatterns(child, `${path}[${i}]`, out));
    return out;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'Regex' && typeof value === 'string') out.push({ path: `${path}.Regex`, pattern: value });
    else regexPatterns(value, `${path}.${key}`, out);
  }
  return out;
}
