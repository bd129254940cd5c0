// What every corpus converter produces: labelled texts (a text and the values it states, per slot) and an
// inventory of the slots a schema for that kind of text may ask for. schema.ts turns one labelled text
// into a (schema, text, gold) example.

/** One slot value a text states. Strings are spans of the text unless the slot is an enum or boolean. */
export interface SlotValue {
  slot: string;
  value: string | boolean;
}

export interface Labelled {
  text: string;
  /** The inventory group (an intent, a service, an NER domain) whose slots the schema draws from. */
  group: string;
  values: SlotValue[];
  /** Slots whose value this text cannot show (stated elsewhere in a dialogue): never asked for. */
  exclude?: string[];
}

/** A slot a schema may ask for. */
export interface SlotSpec {
  slot: string;
  /** A description the schema may carry (SGD's slot description, a SQuAD question). */
  description?: string;
  /** The description is the only way to know what is asked (SQuAD): always emit it. */
  needsDescription?: boolean;
  /** Field names to pick from; default: paraphrases of the slot name (names.ts). */
  names?: string[];
  /** Categorical: the values the field may take, an enum in the schema. */
  enum?: string[];
  boolean?: boolean;
}

export interface Converted {
  test: Labelled[];
  train: Labelled[];
  /** Slots per group; a group missing here has no slots (never happens for a well-formed corpus). */
  inventory: Map<string, SlotSpec[]>;
  /** Every slot is a list (NER: all mentions of a type). */
  lists?: boolean;
  /** At most this many fields per schema (default 6). */
  maxFields?: number;
  /** Chance (percent) that a schema nests its fields one level down in an object (records). */
  nestPercent?: number;
}

export type Split = 'test' | 'train';

/** One line of a corpus split, in the eval JSONL format plus `dataset`. */
export interface CorpusExample {
  id: string;
  dataset: string;
  tier: 'simple' | 'medium' | 'complex';
  schema: Record<string, unknown>;
  text: string;
  gold: Record<string, unknown>;
}

/** The slots each group's texts state, sorted by name: the inventory when a corpus has no schema of its own. */
export function inventoryOf(records: Labelled[]): Map<string, SlotSpec[]> {
  const inv = new Map<string, SlotSpec[]>();
  for (const r of records) {
    const slots = inv.get(r.group) ?? [];
    for (const v of r.values) if (!slots.some((s) => s.slot === v.slot)) slots.push({ slot: v.slot });
    inv.set(r.group, slots);
  }
  for (const slots of inv.values()) slots.sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0));
  return inv;
}
