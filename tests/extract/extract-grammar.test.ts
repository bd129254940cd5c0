// extract() with the real grammar on stories260K (a story model that has never seen JSON): every output
// must parse and validate, on every tier's kind of schema, whatever the model would rather write.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MODELS, REPO } from '../paths.js';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import type { Model } from '../../engine/model.js';
import { extract, extractStream } from '../../extract/api.js';
import { GrammarError } from '../../grammar/index.js';

const BIN = join(MODELS, 'stories260K/stories260K.bin');
const TOK = join(MODELS, 'stories260K/tok512.bin');
const person = JSON.parse(readFileSync(resolve(REPO, 'examples/person.schema.json'), 'utf8'));

let model: Model;
beforeAll(async () => { model = await loadModelFromPath(BIN, { tokenizerPath: TOK }); });

describe('extract with the grammar', () => {
  it('gives schema-valid JSON from a model that knows no JSON, greedy and sampled', async () => {
    for (const options of [{}, { temperature: 1, seed: 1 }, { temperature: 1.5, seed: 2 }, { jumpForward: true }, { temperature: 1, seed: 1, jumpForward: true }]) {
      const r = await extract({ text: 'Maria Lopez is 34 and lives in Denver.', schema: person, model, options });
      expect(r.valid, `${r.text} ${r.errors}`).toBe(true);
      expect(r.finishReason).toBe('complete');
      expect(JSON.parse(r.text)).toEqual(r.value);
      // Jump-forward feeds at least the braces and key names; without it the only forced tokens are those
      // of budget-aware closing.
      if (options.jumpForward) expect(r.forcedTokens).toBeGreaterThan(0);
      else if (!r.closedEarly) expect(r.forcedTokens).toBe(0);
      expect(r.timings.promptTokens).toBeGreaterThan(0);
      expect(r.timings.tokensPerSecond).toBeGreaterThan(0);
    }
  });

  it('streams pieces that concatenate to the final text', async () => {
    const it = extractStream({ text: 'Omar, 51, Cairo.', schema: person, model, options: { temperature: 1, seed: 7 } });
    let text = '';
    let r = await it.next();
    while (!r.done) { text += r.value; r = await it.next(); }
    expect(text).toBe(r.value.text);
    expect(r.value.valid).toBe(true);
  });

  it('refuses a schema keyword the grammar cannot enforce', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string', not: { const: 'x' } } } };
    await expect(extract({ text: 'a', schema, model })).rejects.toThrow(GrammarError);
  });

  it('closes the document validly when the token budget runs low (shortest completion)', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await extract({ text: 'Maria Lopez is 34 and lives in Denver.', schema: person, model, options: { temperature: 1.5, seed, maxTokens: 70 } });
      expect(r.tokens).toBeLessThanOrEqual(70);
      expect(r.valid, `${r.text} ${r.errors}`).toBe(true);
      expect(r.closedEarly).toBe(true);
      expect(r.finishReason).toBe('complete');
    }
    const roomy = await extract({ text: 'Maria Lopez is 34.', schema: person, model, options: { maxTokens: 400 } });
    expect(roomy.closedEarly).toBe(false);
  });

  it('never lets one token push the completion past the budget (a comma in an array of objects calls for a whole item)', async () => {
    // Required keys after the array, and items with five required fields: after `},` the completion grows by
    // a whole item at once, more than the closing slack. Each token near the end is checked before it is
    // written, so every budget still ends in a valid document. The bundled model, sampled, wrote past the
    // budget at seed 2 / 200 tokens before that check (and its completions spelled numbers as 0.000...).
    const bundled = await loadModelFromPath(resolve(REPO, 'models/default'));
    const show = {
      type: 'object', required: ['date', 'time', 'act', 'room', 'price'],
      properties: { date: { type: 'string', format: 'date' }, time: { type: 'string' }, act: { type: 'string' }, room: { type: 'string' }, price: { type: 'number' } },
    };
    const schema = {
      type: 'object', required: ['festival', 'shows', 'pass_price', 'currency'],
      properties: { festival: { type: 'string' }, shows: { type: 'array', items: show }, pass_price: { type: ['number', 'null'] }, currency: { enum: ['ZAR', 'USD', 'EUR'] } },
    };
    const text = 'Jazz weekend at the Pier Shed, Durban. Fri 14 Mar 2025: 18:30 Sipho Trio (Deck, R150), 20:00 Late set (Bar, R90). ' +
      'Sat 15 Mar: 12:00 Youth band (Deck, free), 19:00 Headliner Nomsa (Hall, R300). Weekend pass R500.';
    let closed = 0;
    for (const seed of [1, 2, 3]) {
      for (const maxTokens of [160, 180, 200, 240]) {
        const r = await extract({ text, schema, model: bundled, options: { temperature: 1, seed, maxTokens } });
        expect(r.tokens).toBeLessThanOrEqual(maxTokens);
        expect(r.valid, `seed ${seed}, ${maxTokens} tokens: ${r.text}`).toBe(true);
        if (r.closedEarly) closed++;
      }
    }
    expect(closed).toBeGreaterThan(3);
  });

});
