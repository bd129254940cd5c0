// Sentence shapes: how a text states a field, a distractor, an absent value, a list, a nested object or a list
// of objects, in prose (email, report, chat) or in lines (listing, note, form). Shapes are composed, not chosen
// whole: a clause template per fact, a connector, a register's wrapping, the order of facts shuffled.
// Placeholders: {L} the field's label, {V} its value as written, {D} a distractor value (NOT the answer).
import type { Rng } from '../edgejson/prng.js';

export type Register = 'email' | 'report' | 'chat' | 'listing' | 'note' | 'form';
export const REGISTERS: readonly Register[] = ['email', 'report', 'chat', 'listing', 'note', 'form'];

export type Piece =
  | { t: 'field'; label: string; key: string; surface: string; bool?: boolean }
  | { t: 'distractor'; label: string; key: string; surface: string; other: string; bool?: boolean }
  | { t: 'absent'; label: string; key: string; other?: string }
  | { t: 'list'; label: string; key: string; surfaces: string[] }
  | { t: 'object'; label: string; key: string; children: Piece[] }
  | { t: 'objects'; label: string; key: string; items: Piece[][] };

const PROSE = [
  'The {L} is {V}.', '{L}: {V}.', 'Its {L} is {V}.', '{V} is the {L}.', 'We have {V} as the {L}.', 'For {L}, use {V}.',
  'The {L} was set to {V}.', 'Please note the {L}: {V}.', 'The {L} should be {V}.', 'It lists {V} under {L}.',
  'Record {V} for the {L}.', 'As for the {L}, it is {V}.', 'The {L} reads {V}.', 'I can confirm the {L} is {V}.',
  'Put down {V} as the {L}.', 'The {L} on file is {V}.', 'Set the {L} to {V}, please.', 'They gave {V} for the {L}.',
  'The {L} ({V}) is final.', 'Regarding the {L}: {V}.', 'The {L} came back as {V}.', 'You can take {V} as the {L}.',
];
const CHAT = ['{L} is {V}', '{L}: {V}', 'oh and {L} {V}', '{L} -> {V}', 'btw the {L} is {V}', '{V} for {L}', '{L}? {V}', 'fyi {L} = {V}', '{L} {V} ok'];
const LINES = ['{L}: {V}', '{L} - {V}', '{L} | {V}', '- {L}: {V}', '* {L} = {V}', '{K}={V}', '{K}: {V}', '{L} ... {V}', '{L} => {V}'];
const DISTRACTOR_PROSE = [
  'The {L} is {V}, not {D}.', '{L}: {V} (the earlier {D} is outdated).', 'The {L} used to be {D}, but it is now {V}.',
  'Ignore the old {L} {D}; the correct one is {V}.', 'Not {D}: the {L} is {V}.', '{D} was the previous {L}. The current {L} is {V}.',
  'The draft said {D} for the {L}, which was wrong: it is {V}.', 'Someone wrote {D} as the {L} by mistake; it should be {V}.',
  'The {L} is {V}. ({D} belongs to a different record.)', 'Careful: {D} is NOT the {L}. The {L} is {V}.',
];
const DISTRACTOR_LINES = ['{L}: {V} (was {D})', '{L}: {V} (not {D})', 'Old {L}: {D}\nNew {L}: {V}', '{L}: {V} [corrected from {D}]', '{K}={V}  # previously {D}'];
const ABSENT_PROSE = ['The {L} is not known yet.', 'No {L} was given.', 'We do not have the {L}.', 'The {L} is still to be confirmed.', 'Nobody told us the {L}.', 'There is no {L} for now.'];
const ABSENT_LINES = ['{L}: n/a', '{L}: -', '{L}: (none)', '{L}: TBD', '{K}=', '{L}: unknown'];
const ABSENT_DISTRACTOR = ['The old {L} {D} no longer applies, and the new one is not set yet.', '{D} is NOT the {L}; the {L} is still unknown.',
  'The {L} is not {D} as first reported; it is unknown for now.'];
const LIST_PROSE = ['The {L} are {V}.', '{L}: {V}.', 'It has these {L}: {V}.', 'The {L} include {V}.', 'As {L} we have {V}.'];
const EMPTY_LIST = ['There are no {L}.', '{L}: none.', 'No {L} at all.'];
const BOOLS: [string, string][] = [['yes', 'no'], ['true', 'false'], ['on', 'off'], ['enabled', 'disabled'], ['Yes', 'No'], ['Y', 'N'], ['checked', 'unchecked']];
const CONNECTORS = ['Also, ', 'In addition, ', 'Meanwhile, ', 'Besides that, ', 'And ', 'Finally, ', 'On top of that, ', 'Note that '];
const FILLERS = ['Let me know if anything is missing.', 'Thanks for the quick turnaround.', 'This was discussed last week.',
  'Everything else stays as agreed.', 'More details will follow.', 'Please double-check before sending.', 'Sorry for the late reply.',
  'The rest of the form was left blank.', 'Nothing else has changed.', 'Ping me with questions.', 'All of this is provisional.'];
const CHAT_FILLERS = ['ok', 'lol', 'thx!', 'np', 'sounds good', 'one sec', 'brb', 'cool cool'];
const GREETINGS = ['Hi team,', 'Hello,', 'Hi there,', 'Dear colleagues,', 'Good morning,', 'Hey all,'];
const SIGNOFFS = ['Thanks', 'Best', 'Kind regards', 'Cheers', 'Sent from my phone'];
const HEADERS = ['Details', 'Summary', 'Entry', 'Record', 'Form', 'Notes', 'Update', 'Overview'];

const fill = (t: string, p: { label: string; key: string }, v = '', d = '') =>
  t.replace(/\{L\}/g, p.label).replace(/\{K\}/g, p.key).replace(/\{V\}/g, v).replace(/\{D\}/g, d);

/** Joins items as a list: `a, b and c` / `a; b; c` / `a, b, c`. */
function joinList(r: Rng, xs: string[]): string {
  if (xs.length === 1) return xs[0];
  if (xs.some((x) => x.includes(','))) return xs.join('; ');   // commas inside items: only ';' keeps them apart
  switch (r.int(0, 2)) {
    case 0: return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
    case 1: return xs.join('; ');
    default: return xs.join(', ');
  }
}

function boolWords(r: Rng, p: { bool?: boolean; surface: string }): string {
  if (p.bool === undefined) return p.surface;
  const pair = r.pick(BOOLS);
  return p.bool ? pair[0] : pair[1];
}

/** One fact as prose (a sentence) or as a line. `scope` qualifies a nested field's label: "the owner's email". */
export function renderPiece(r: Rng, p: Piece, lines: boolean, chat: boolean, scope = ''): string {
  const q = { label: scope ? `${scope}'s ${p.label}` : p.label, key: p.key };
  switch (p.t) {
    case 'field': return fill(r.pick(lines ? LINES : chat ? CHAT : PROSE), q, boolWords(r, p));
    case 'distractor': {
      // A boolean's distractor is its opposite word of the same pair.
      if (p.bool !== undefined) {
        const pair = r.pick(BOOLS);
        return fill(r.pick(lines ? DISTRACTOR_LINES : DISTRACTOR_PROSE), q, p.bool ? pair[0] : pair[1], p.bool ? pair[1] : pair[0]);
      }
      return fill(r.pick(lines ? DISTRACTOR_LINES : DISTRACTOR_PROSE), q, p.surface, p.other);
    }
    case 'absent': return p.other !== undefined ? fill(r.pick(ABSENT_DISTRACTOR), q, '', p.other) : fill(r.pick(lines ? ABSENT_LINES : ABSENT_PROSE), q);
    case 'list': {
      if (p.surfaces.length === 0) return fill(r.pick(EMPTY_LIST), q);
      if (lines && r.chance(50)) return `${q.label}:\n${p.surfaces.map((s) => `- ${s}`).join('\n')}`;
      return fill(r.pick(lines ? ['{L}: {V}', '{K}: {V}'] : LIST_PROSE), q, joinList(r, p.surfaces));
    }
    case 'object': {
      if (lines) {
        const inner = p.children.map((c) => renderPiece(r, c, true, false).split('\n').map((l) => `  ${l}`).join('\n'));
        return `${q.label}:\n${inner.join('\n')}`;
      }
      const simple = p.children.every((c) => c.t === 'field');
      if (simple && r.chance(40)) {
        const parts = (p.children as Extract<Piece, { t: 'field' }>[]).map((c) => `${c.label} ${boolWords(r, c)}`);
        return `The ${q.label} has ${joinList(r, parts)}.`;
      }
      return p.children.map((c) => renderPiece(r, c, false, chat, q.label)).join(chat ? '\n' : ' ');
    }
    case 'objects': {
      if (p.items.length === 0) return fill(r.pick(EMPTY_LIST), q);
      const items = p.items.map((it) => it.map((c) => {
        const f = c as Extract<Piece, { t: 'field' }>;
        return r.chance(70) ? `${f.label} ${boolWords(r, f)}` : `${f.label}: ${boolWords(r, f)}`;
      }).join(', '));
      if (lines) return `${q.label}:\n${items.map((s, i) => r.chance(50) ? `${i + 1}. ${s}` : `- ${s}`).join('\n')}`;
      return `There ${items.length === 1 ? 'is one entry' : `are ${items.length} entries`} under ${q.label}: ${items.join('; ')}.`;
    }
  }
}

/** Every value a piece writes (decoys too). */
function surfaces(p: Piece): string[] {
  switch (p.t) {
    case 'field': return [p.surface];
    case 'distractor': return [p.surface, p.other];
    case 'absent': return p.other === undefined ? [] : [p.other];
    case 'list': return p.surfaces;
    case 'object': return p.children.flatMap(surfaces);
    case 'objects': return p.items.flat().flatMap(surfaces);
  }
}

/** The whole text: pieces (already shuffled by the caller) rendered and wrapped in a register. */
export function renderText(r: Rng, register: Register, pieces: Piece[]): string {
  const lines = register === 'listing' || register === 'form';
  const chat = register === 'chat';
  const out: string[] = [];
  pieces.forEach((p, i) => {
    const asLine = lines || (register === 'note' && r.chance(60));
    let s = renderPiece(r, p, asLine, chat);
    // A connector lower-cases the sentence's first letter: never when the sentence starts with a value.
    if (!asLine && !chat && i > 0 && r.chance(30) && !surfaces(p).some((v) => s.startsWith(v)) && /^(The|It|Its|Please|Record|Regarding|As for|Set|Put|We|I |They|You|There|For|Not|No|Someone|Ignore|Careful)\b/.test(s)) {
      s = r.pick(CONNECTORS) + (s.startsWith('I ') ? s : s[0].toLowerCase() + s.slice(1));
    }
    out.push(s);
    if (r.chance(12)) out.push(chat ? r.pick(CHAT_FILLERS) : r.pick(FILLERS));
  });
  switch (register) {
    case 'email': {
      const body = r.chance(50) ? out.join(' ') : out.join('\n\n');
      return `${r.pick(GREETINGS)}\n\n${body}\n\n${r.pick(SIGNOFFS)}`;
    }
    case 'report': return out.join(r.chance(70) ? ' ' : '\n');
    case 'chat': return out.join(r.pick(['\n', ' / ', '\n\n']));
    case 'listing': return `${r.pick(HEADERS).toUpperCase()}\n${out.join('\n')}`;
    case 'note': return (r.chance(50) ? `${r.pick(HEADERS)}:\n` : '') + out.join('\n');
    default: return out.join('\n');
  }
}
