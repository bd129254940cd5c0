// The real-corpus converters (bench/corpora) on real lines of ../shared/corpora/extraction: gold validates
// under its schema, gold strings are spans of the text, held-out texts never reach training, and the same
// seed writes the same bytes (the committed test sample included).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, SHARED } from '../paths.js';
import { sharedValidator } from '../../extract/validate.js';
import { Rng } from '../../bench/edgejson/prng.js';
import { conllToLabelled, decodeTags, detokenize } from '../../bench/corpora/conll.js';
import { buildCorpora, convertAll, CORPORA, toJsonl } from '../../bench/corpora/corpora.js';
import { parseInline, snipsFile } from '../../bench/corpora/intents.js';
import { parseCsv, parseMr, xmlTokens } from '../../bench/corpora/records.js';
import { buildExample, tierOf } from '../../bench/corpora/schema.js';
import { normalizeText } from '../../bench/corpora/split-hash.js';
import { restaurant8kFile } from '../../bench/corpora/spans.js';
import { questionSlug } from '../../bench/corpora/squad.js';
import type { Converted, CorpusExample } from '../../bench/corpora/types.js';

const ROOT = resolve(SHARED, 'corpora/extraction');
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
const SAMPLE = resolve(REPO, 'bench/corpora/test-sample');

type J = Record<string, unknown>;
/** Gold string leaves whose schema is neither an enum nor a boolean: these must be spans of the text. */
function spanLeaves(schema: J, gold: unknown, out: string[] = []): string[] {
  if (Array.isArray(gold)) gold.forEach((g) => spanLeaves(schema.items as J, g, out));
  else if (gold !== null && typeof gold === 'object') for (const [k, v] of Object.entries(gold)) spanLeaves((schema.properties as Record<string, J>)[k], v, out);
  else if (typeof gold === 'string' && !schema.enum) out.push(gold);
  return out;
}

// ajv compiles every schema afresh (each example has its own), so schema validation is the slow part:
// `withAjv` false checks spans and tier only.
function checkExample(e: CorpusExample, withAjv = true): void {
  if (withAjv) {
    const v = sharedValidator().validate(e.schema, e.gold);
    expect(v.valid, `${e.id}: ${JSON.stringify(v)}`).toBe(true);
  }
  for (const s of spanLeaves(e.schema, e.gold)) expect(e.text.includes(s), `${e.id}: "${s}" not in "${e.text}"`).toBe(true);
  expect(['simple', 'medium', 'complex']).toContain(e.tier);
}

describe('format readers on real lines', () => {
  it('IOB1 (wikigold, SEC): an entity may start with I-; tokens rejoin into a sentence whose slices are the values', () => {
    const wiki = '010 I-MISC\nis O\nthe O\ntenth O\nalbum O\nfrom O\nJapanese I-MISC\nPunk O\nTechno O\nband O\nThe I-ORG\nMad I-ORG\nCapsule I-ORG\nMarkets I-ORG\n. O\n';
    const [rec] = conllToLabelled(wiki, 'wikigold');
    expect(rec.text).toBe('010 is the tenth album from Japanese Punk Techno band The Mad Capsule Markets.');
    expect(rec.values).toEqual([{ slot: 'MISC', value: '010' }, { slot: 'MISC', value: 'Japanese' }, { slot: 'ORG', value: 'The Mad Capsule Markets' }]);
    const secLines = '-DOCSTART- -X- O O\n\nSubordinated NNP - O\nLoan NNP - O\nAgreement NNP - O\n- : - O\nSilicium NNP - I-ORG\nde IN - I-ORG\nProvence NNP - I-ORG\nSAS NNP - I-ORG\nand CC - O\nEvergreen NNP - I-ORG\n';
    expect(conllToLabelled(secLines, 'sec')[0].values).toEqual([{ slot: 'ORG', value: 'Silicium de Provence SAS' }, { slot: 'ORG', value: 'Evergreen' }]);
  });

  it('BIO: B- always starts a mention; BTC\'s "@" + name, both B-PER, is one mention', () => {
    expect(decodeTags(['a', 'b', 'c'], ['B-X', 'B-X', 'I-X'])).toEqual([[0, 0, 'X'], [1, 2, 'X']]);
    const [rec] = conllToLabelled('@\tB-PER\ncolgo\tB-PER\nhey\tO\n,\tO\ncongrats\tO\n', 'btc');
    expect(rec.text).toBe('@colgo hey, congrats');
    expect(rec.values).toEqual([{ slot: 'PER', value: '@colgo' }]);
    expect(detokenize(['He', 'said', '(', 'twice', ')', 'it', "'s", 'fine', '.']).text).toBe("He said (twice) it's fine.");
  });

  it('two tag layers (SkillSpan skill + knowledge) are both read', () => {
    const [rec] = conllToLabelled('Java\tO\tB-Knowledge\nand\tO\tO\nteam\tB-Skill\tO\nwork\tI-Skill\tO\n', 'skillspan');
    expect(rec.values).toEqual([{ slot: 'Skill', value: 'team work' }, { slot: 'Knowledge', value: 'Java' }]);
  });

  it('SLURP/HWU64 inline annotation, SNIPS chunks, Restaurant-8k spans (startIndex 0 left out)', () => {
    expect(parseInline('event reminder [event_name : mona] [date : tuesday]', 'calendar_set')).toEqual({
      text: 'event reminder mona tuesday', group: 'calendar_set', values: [{ slot: 'event_name', value: 'mona' }, { slot: 'date', value: 'tuesday' }],
    });
    const snips = snipsFile(JSON.stringify({ GetWeather: [{ data: [{ text: 'What will the weather be ' }, { text: 'faraway', entity: 'spatial_relation' }, { text: ' from ' }, { text: 'here', entity: 'current_location' }, { text: '?' }] }] }), 'GetWeather');
    expect(snips).toEqual([{ text: 'What will the weather be faraway from here?', group: 'GetWeather', values: [{ slot: 'spatial_relation', value: 'faraway' }, { slot: 'current_location', value: 'here' }] }]);
    expect(() => snipsFile('{"Other": []}', 'GetWeather')).toThrow(/no "GetWeather" list/);
    const r8k = restaurant8kFile(JSON.stringify([
      { userInput: { text: '13' }, labels: [{ slot: 'time', valueSpan: { endIndex: 2 } }] },
      { userInput: { text: 'any tables free in an hour' }, labels: [{ slot: 'time', valueSpan: { startIndex: 16, endIndex: 26 } }] },
    ]));
    expect(r8k.map((r) => r.values)).toEqual([[{ slot: 'time', value: '13' }], [{ slot: 'time', value: 'in an hour' }]]);
  });

  it('E2E CSV + meaning representation, usaddress/probablepeople XML', () => {
    const rows = parseCsv('mr,ref,fixed\n"name[Alimentum], area[city centre], familyFriendly[no]","There is a place in the city centre, Alimentum, that is not family-friendly.",0\n');
    expect(rows).toEqual([{ mr: 'name[Alimentum], area[city centre], familyFriendly[no]', ref: 'There is a place in the city centre, Alimentum, that is not family-friendly.', fixed: '0' }]);
    expect(parseMr(rows[0].mr)).toEqual([['name', 'Alimentum'], ['area', 'city centre'], ['familyFriendly', 'no']]);
    const [addr] = xmlTokens('<AddressCollection>\n  <AddressString><AddressNumber>431</AddressNumber> <StreetName>Marietta</StreetName> <StreetNamePostType>St</StreetNamePostType> <PlaceName>Atlanta,</PlaceName> <StateName>GA</StateName></AddressString>\n</AddressCollection>', 'AddressString', () => 'address');
    expect(addr.text).toBe('431 Marietta St Atlanta, GA');
    expect(addr.values).toEqual([{ slot: 'AddressNumber', value: '431' }, { slot: 'StreetName', value: 'Marietta' }, { slot: 'StreetNamePostType', value: 'St' }, { slot: 'PlaceName', value: 'Atlanta' }, { slot: 'StateName', value: 'GA' }]);
    const [co] = xmlTokens('<Name><CorporationName>swidler</CorporationName> <CorporationName>spanola</CorporationName> <CorporationNameAndCompany>&amp;</CorporationNameAndCompany> <CorporationNameAndCompany>co,</CorporationNameAndCompany> <CorporationLegalType>llc</CorporationLegalType></Name>', 'Name', () => 'company');
    expect(co.text).toBe('swidler spanola & co, llc');
    expect(co.values).toEqual([{ slot: 'CorporationName', value: 'swidler spanola' }, { slot: 'CorporationNameAndCompany', value: '& co' }, { slot: 'CorporationLegalType', value: 'llc' }]);
    expect(questionSlug('Which publication provided rankings of college programs?')).toBe('publication_provided_rankings');
  });
});

describe('schema variation', () => {
  const conv: Pick<Converted, 'inventory'> = { inventory: new Map([['g', [{ slot: 'artist' }, { slot: 'playlist' }, { slot: 'timeRange' }, { slot: 'city' }, { slot: 'sort', enum: ['top', 'new'] }]]]) };
  const rec = { text: 'play songs by Adele and Sia from my chill playlist, top ones', group: 'g', values: [{ slot: 'artist', value: 'Adele' }, { slot: 'artist', value: 'Sia' }, { slot: 'playlist', value: 'chill' }, { slot: 'sort', value: 'top' }] };

  it('repeated types become arrays, missing slots are null/omitted/[], names and modes vary with the seed', () => {
    const seen = { names: new Set<string>(), nullable: 0, optional: 0, blanks: 0 };
    for (let seed = 0; seed < 60; seed++) {
      const e = buildExample(rec, conv, new Rng(seed), `x${seed}`, 'toy')!;
      checkExample(e, seed < 15);
      const props = e.schema.properties as Record<string, J>;
      for (const [name, s] of Object.entries(props)) {
        seen.names.add(name);
        if (Array.isArray(s.type) && s.type.includes('null')) seen.nullable++;
        if (!(e.schema.required as string[]).includes(name)) seen.optional++;
        const g = (e.gold as J)[name];
        if (g === undefined || g === null || (Array.isArray(g) && g.length === 0)) seen.blanks++;
        if (Array.isArray(g) && g.includes('Adele')) expect(g).toEqual(['Adele', 'Sia']);
        if (g === 'Adele') throw new Error('a repeated type must be an array');
      }
    }
    expect(seen.names.size).toBeGreaterThan(6); // artist, artist_name, performer, camelCase forms, ...
    expect(seen.nullable).toBeGreaterThan(0);
    expect(seen.optional).toBeGreaterThan(0);
    expect(seen.blanks).toBeGreaterThan(0);
  });

  it('tier follows the schema shape', () => {
    const leaf = { type: 'string' };
    expect(tierOf({ type: 'object', properties: { a: leaf, b: leaf } })).toBe('simple');
    expect(tierOf({ type: 'object', properties: { a: { type: 'array', items: leaf } } })).toBe('medium');
    expect(tierOf({ type: 'object', properties: { a: { type: 'string', enum: ['x'] } } })).toBe('medium');
    expect(tierOf({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'object', properties: {} } } } } })).toBe('complex');
    expect(tierOf({ type: 'object', properties: { a: { type: 'array', items: { type: 'object' } } } })).toBe('complex');
  });
});

describe('all 18 corpora', () => {
  let converted: Record<string, Converted>;
  beforeAll(() => {
    converted = convertAll(read);
  }, 60_000);

  it('every data set folder has a converter, and every converter has test examples', () => {
    const folders = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(Object.keys(CORPORA).sort()).toEqual(folders);
    for (const [name, c] of Object.entries(converted)) expect(c.test.length, name).toBeGreaterThan(50);
  });

  it('on the first 6 test and 6 training texts of each: gold validates and its strings are spans of the text', () => {
    for (const [name, c] of Object.entries(converted)) {
      const r = new Rng(7);
      let made = 0;
      for (const rec of [...c.test.slice(0, 6), ...c.train.slice(0, 6)]) {
        const e = buildExample(rec, c, r, `${name}-${made}`, name);
        if (e) { checkExample(e); made++; }
      }
      expect(made, name).toBeGreaterThan(4);
    }
  }, 120_000);

  it('train never holds a test text (of any corpus), SLURP/HWU64 test splits share no sentence, excluded texts stay out', () => {
    const testTexts = new Set(Object.values(converted).flatMap((c) => c.test.map((r) => normalizeText(r.text))));
    const someTrain = converted['snips-nlu-benchmark'].train[3].text;
    const built = buildCorpora(read, { seed: 1, only: ['slurp', 'hwu64-nlu-evaluation-data', 'snips-nlu-benchmark', 'polyai-restaurant8k'], excludeTexts: [someTrain] }, converted);
    for (const [name, { test, train }] of Object.entries(built)) {
      expect(test.length, name).toBeGreaterThan(0);
      expect(train.length, name).toBeGreaterThan(0);
      for (const e of train) expect(testTexts.has(normalizeText(e.text)), `${name}: ${e.text}`).toBe(false);
      expect(new Set(test.map((e) => normalizeText(e.text))).size, `${name} test has no duplicate`).toBe(test.length);
    }
    const slurpTest = new Set(built.slurp.test.map((e) => normalizeText(e.text)));
    expect(built['hwu64-nlu-evaluation-data'].test.filter((e) => slurpTest.has(normalizeText(e.text)))).toEqual([]);
    expect(built['snips-nlu-benchmark'].train.some((e) => normalizeText(e.text) === normalizeText(someTrain))).toBe(false);
    expect(() => buildCorpora(read, { seed: 1, only: ['nope'] }, converted)).toThrow(/unknown data set 'nope'/);
  }, 60_000);

  it('same seed -> identical bytes (the committed test sample is what --cap 100 --seed 1 writes); another seed differs; sample gold spans hold', () => {
    const a = buildCorpora(read, { seed: 1, testCap: 100, splits: ['test'] }, converted);
    for (const [name, { test, train }] of Object.entries(a)) {
      expect(train).toEqual([]);
      const file = join(SAMPLE, `${name}.jsonl`);
      expect(existsSync(file), file).toBe(true);
      expect(toJsonl(test), name).toBe(readFileSync(file, 'utf8'));
      expect(test.length, name).toBeLessThanOrEqual(100);
      test.forEach((e, i) => checkExample(e, i < 3));
    }
    const b = buildCorpora(read, { seed: 2, testCap: 100, splits: ['test'], only: ['polyai-restaurant8k'] }, converted);
    expect(toJsonl(b['polyai-restaurant8k'].test)).not.toBe(toJsonl(a['polyai-restaurant8k'].test));
  }, 120_000);
});

describe('scripts/make-corpora.mjs', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['scripts/make-corpora.mjs', ...args], { cwd: REPO, encoding: 'utf8' });

  it('writes test/<dataset>.jsonl as buildCorpora makes it; bad arguments are clear errors, not crashes', () => {
    const out = mkdtempSync(join(tmpdir(), 'jsonlm-corpora-test-'));
    const ok = run('--split', 'test', '--only', 'sec-filings-ner', '--cap', '5', '--out', out);
    expect(ok.status, ok.stderr).toBe(0);
    const expected = buildCorpora(read, { seed: 1, testCap: 5, only: ['sec-filings-ner'], splits: ['test'] });
    expect(readFileSync(join(out, 'test/sec-filings-ner.jsonl'), 'utf8')).toBe(toJsonl(expected['sec-filings-ner'].test));
    expect(existsSync(join(out, 'train'))).toBe(false);

    const usage = run('--split', 'nope', '--out', out);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: corpora --split test\|train\|both/);
    expect(run('--split', 'test', '--out', out, '--corpora', join(out, 'missing'))).toMatchObject({ status: 1, stderr: expect.stringMatching(/corpora folder not found/) });
    expect(run('--split', 'test', '--out', out, '--cap', 'x')).toMatchObject({ status: 1, stderr: expect.stringMatching(/--cap must be a non-negative integer/) });
    expect(run('--split', 'test', '--out', out, '--only', 'foo')).toMatchObject({ status: 1, stderr: expect.stringMatching(/unknown data set 'foo'/) });
    const bad = join(out, 'realtext');
    mkdirSync(bad);
    writeFileSync(join(bad, 'cases.jsonl'), '{"text": "ok"}\nnot json\n');
    expect(run('--split', 'test', '--out', out, '--only', 'sec-filings-ner', '--exclude', bad)).toMatchObject({ status: 1, stderr: expect.stringMatching(/cases\.jsonl: a line is not JSON/) });
  }, 120_000);
});
