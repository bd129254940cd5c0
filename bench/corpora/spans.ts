// Corpora that label character spans of dialogue turns: Restaurant-8k (5 booking slots), NLU++ (17 slots
// plus multi-label intents, an array-of-enum field) and SGD (45 services' own slot schemas: descriptions,
// categorical slots as enums). Gold strings are slices of the text at the labelled span.
// Held out: Restaurant-8k test.json; NLU++ folds 0-3 of 20 (a fifth; its folds are disjoint samples);
// SGD (dev split only here) whole services: SGD_HELD_OUT.
import type { ReadText } from './ner.js';
import type { Converted, Labelled, SlotSpec, SlotValue } from './types.js';

interface R8kRow { userInput: { text: string }; labels?: Array<{ slot: string; valueSpan: { startIndex?: number; endIndex: number } }> }

const R8K_SLOTS = ['first_name', 'last_name', 'date', 'time', 'people'];

export function restaurant8kFile(content: string): Labelled[] {
  return (JSON.parse(content) as R8kRow[]).map((row) => {
    const text = row.userInput.text;
    // startIndex is left out when it is 0.
    const values = (row.labels ?? []).map((l) => ({ slot: l.slot, value: text.slice(l.valueSpan.startIndex ?? 0, l.valueSpan.endIndex).trim() }))
      .filter((v) => v.value !== '');
    return { text, group: 'restaurant', values };
  });
}

export function restaurant8k(read: ReadText): Converted {
  return {
    test: restaurant8kFile(read('polyai-restaurant8k/test.json')),
    train: restaurant8kFile(read('polyai-restaurant8k/train_0.json')),
    inventory: new Map([['restaurant', R8K_SLOTS.map((slot) => ({ slot }))]]),
  };
}

interface NluRow { text: string; intents?: string[]; slots?: Record<string, { text: string; span: [number, number] }> }
interface NluOntology { intents: Record<string, { description: string; domain: string[] }>; slots: Record<string, { description: string; domain: string[] }> }

export const NLU_DOMAINS = ['banking', 'hotels'];
const NLU_TEST_FOLDS = [0, 1, 2, 3];

export function nluFold(content: string, domain: string): Labelled[] {
  return (JSON.parse(content) as NluRow[]).map((row) => {
    const values: SlotValue[] = Object.entries(row.slots ?? {}).map(([slot, s]) => ({ slot, value: row.text.slice(s.span[0], s.span[1]) }));
    for (const intent of row.intents ?? []) values.push({ slot: 'intents', value: intent });
    return { text: row.text, group: domain, values };
  });
}

export function nluInventory(ontologyText: string): Map<string, SlotSpec[]> {
  const ont = JSON.parse(ontologyText) as NluOntology;
  const inDomain = (d: string[], domain: string) => d.includes(domain) || d.includes('general');
  return new Map(NLU_DOMAINS.map((domain) => [domain, [
    ...Object.entries(ont.slots).filter(([, s]) => inDomain(s.domain, domain)).map(([slot, s]) => ({ slot, description: s.description })),
    { slot: 'intents', names: ['intents', 'intent', 'labels', 'topics'], description: 'What the message is about',
      enum: Object.keys(ont.intents).filter((i) => inDomain(ont.intents[i].domain, domain)).sort() },
  ]]));
}

export function nluplusplus(read: ReadText): Converted {
  const test: Labelled[] = [], train: Labelled[] = [];
  for (const domain of NLU_DOMAINS) {
    for (let f = 0; f < 20; f++) (NLU_TEST_FOLDS.includes(f) ? test : train).push(...nluFold(read(`polyai-nluplusplus/${domain}/fold${f}.json`), domain));
  }
  return { test, train, inventory: nluInventory(read('polyai-nluplusplus/ontology.json')) };
}

export const SGD_HELD_OUT = ['Alarm_1', 'Movies_2', 'Weather_1', 'Music_1'];

interface SgdService { service_name: string; slots: Array<{ name: string; description: string; is_categorical: boolean; possible_values: string[] }> }
interface SgdTurn { speaker: string; text: string; frames: Array<{ service: string; spans?: Array<[number, number, string]>; values?: Record<string, string[]> }> }

export function sgdInventory(schemaText: string): Map<string, SlotSpec[]> {
  return new Map((JSON.parse(schemaText) as SgdService[]).map((s) => [s.service_name, s.slots.map((slot) => ({
    slot: slot.name, description: slot.description,
    ...(slot.is_categorical && slot.possible_values.length ? { enum: slot.possible_values } : {}),
  }))]));
}

/** User turns, one labelled text per frame. Non-categorical values come from their spans; a categorical
 * value counts when it is one of the slot's possible values. A non-categorical slot with a value but no
 * span in this turn (carried over from the dialogue) is never asked for: its gold is unknowable here. */
export function sgdTurns(lines: string, inventory: Map<string, SlotSpec[]>): Labelled[] {
  const out: Labelled[] = [];
  for (const line of lines.split('\n')) {
    if (!line.trim()) continue;
    const turn = JSON.parse(line) as SgdTurn;
    if (turn.speaker !== 'USER') continue;
    for (const frame of turn.frames) {
      const specs = inventory.get(frame.service);
      if (!specs) continue;
      const values: SlotValue[] = [];
      const exclude: string[] = [];
      for (const [s, e, slot] of frame.spans ?? []) values.push({ slot, value: turn.text.slice(s, e) });
      for (const [slot, vs] of Object.entries(frame.values ?? {})) {
        const spec = specs.find((x) => x.slot === slot);
        if (!spec) continue;
        if (spec.enum) for (const v of vs) { if (spec.enum.includes(v)) values.push({ slot, value: v }); }
        else if (!values.some((v) => v.slot === slot)) exclude.push(slot);
      }
      out.push({ text: turn.text, group: frame.service, values, ...(exclude.length ? { exclude } : {}) });
    }
  }
  return out;
}

export function sgd(read: ReadText): Converted {
  const inventory = sgdInventory(read('sgd-schema-guided-dialogue/schema/dev_schema.json'));
  const all = [1, 2].flatMap((p) => sgdTurns(read(`sgd-schema-guided-dialogue/dev_turns.compact.part${p}of2.jsonl`), inventory));
  return {
    test: all.filter((r) => SGD_HELD_OUT.includes(r.group)),
    train: all.filter((r) => !SGD_HELD_OUT.includes(r.group)),
    inventory,
  };
}
