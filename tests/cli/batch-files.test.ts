// The files of a batch run: no finished output line is ever removed (only a torn last line is repaired),
// an output that is the input, holds other text or is held by another run is refused untouched, id-less
// input lines get content ids, a full disk is named.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchFileError, BatchOutput, contentId, parseInputDocs, scanFinished } from '../../cli/batch-files.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'jsonlm-batch-files-')); });
const file = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };
const result = (id: string) => JSON.stringify({ id, value: { n: 1 }, valid: true });
const fail = (m: string) => new Error(m);

describe('scanFinished', () => {
  it('reads the ids of finished lines and cuts only a torn last result line', () => {
    const finished = `${result('a')}\n${result('b')}\n`;
    expect(scanFinished(finished, 'o')).toEqual({ ids: new Set(['a', 'b']), keepBytes: Buffer.byteLength(finished) });
    for (const torn of ['{', '{"id', '{"id":', '{"id":"c","value":{"n', '{"id":"c","value":{"n":1},"valid":true}']) {
      expect(scanFinished(finished + torn, 'o')).toEqual({ ids: new Set(['a', 'b']), keepBytes: Buffer.byteLength(finished) });
    }
    expect(scanFinished('', 'o').ids.size).toBe(0);
  });

  it('refuses, naming the file and line, anything else: a blank or garbage line in the middle, prose, pretty JSON', () => {
    const cases: [string, RegExp][] = [
      [`${result('a')}\n\n${result('b')}\n`, /^out\.jsonl:2: is blank/],
      [`${result('a')}\ngarbage\n${result('b')}\n`, /^out\.jsonl:2: is not a result line/],
      ['Notes for Monday\nbuy milk\n', /^out\.jsonl:1: is not a result line/],
      ['{\n  "id": "a"\n}\n', /^out\.jsonl:1: is not a result line/],
      [JSON.stringify({ name: 'x' }) + '\n', /^out\.jsonl:1: is not a result line/],
      [`${result('a')}\nsome prose without a newline`, /^out\.jsonl:2: is not a result line/],
      ['just prose', /^out\.jsonl:1: is not a result line/],
    ];
    for (const [content, message] of cases) {
      expect(() => scanFinished(content, 'out.jsonl'), content).toThrow(BatchFileError);
      expect(() => scanFinished(content, 'out.jsonl'), content).toThrow(message);
    }
  });
});

describe('parseInputDocs', () => {
  it('gives an id-less line an id from its text, so inserting a document changes no other id', () => {
    const before = parseInputDocs('{"text": "Ann is 40."}\n{"text": "Bob is 7."}\n', 'd', fail);
    const after = parseInputDocs('{"text": "New doc."}\n{"text": "Ann is 40."}\n{"text": "Bob is 7."}\n', 'd', fail);
    expect(after.slice(1)).toEqual(before);
    expect(before[0].id).toMatch(/^text-[0-9a-f]{16}$/);
    expect(new Set(after.map((d) => d.id)).size).toBe(3);
    // Repeats of one text each get their own id.
    const twice = parseInputDocs('{"text": "same"}\n{"text": "same"}\n', 'd', fail);
    expect(twice.map((d) => d.id)).toEqual([contentId('same', 1), contentId('same', 2)]);
  });

  it('accepts a UTF-8 BOM, keeps string and number ids, refuses object ids naming the line', () => {
    const docs = parseInputDocs('\uFEFF{"id": "x", "text": "a"}\n{"id": 7, "text": "b"}\n', 'd.jsonl', fail);
    expect(docs).toEqual([{ id: 'x', text: 'a' }, { id: '7', text: 'b' }]);
    expect(() => parseInputDocs('{"id": "x", "text": "a"}\n{"id": {"k": 1}, "text": "b"}\n', 'd.jsonl', fail)).toThrow(/^d\.jsonl:2: "id" must be a string or a number, got object/);
    expect(() => parseInputDocs('{"id": [1], "text": "b"}\n', 'd.jsonl', fail)).toThrow(/got an array/);
  });
});

describe('BatchOutput', () => {
  it('repairs a torn last line and keeps every finished one', () => {
    const out = file('torn.jsonl', `${result('a')}\n{"id":"b","va`);
    const o = new BatchOutput(out, file('in1.jsonl', ''));
    expect(o.ids).toEqual(new Set(['a']));
    o.append(result('b'));
    o.close();
    expect(readFileSync(out, 'utf8')).toBe(`${result('a')}\n${result('b')}\n`);
  });

  it('leaves a file of prose untouched and refuses it', () => {
    const prose = 'My notes.\nDo not lose them.\n';
    const out = file('notes.txt', prose);
    expect(() => new BatchOutput(out, file('in2.jsonl', ''))).toThrow(/notes\.txt:1: is not a result line.*left untouched/);
    expect(readFileSync(out, 'utf8')).toBe(prose);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it('refuses the input file as output, by path or through a link', () => {
    const input = file('in3.jsonl', '{"id": "a", "text": "x"}\n');
    expect(() => new BatchOutput(input, input)).toThrow(/is the input file/);
    const link = join(dir, 'link.jsonl');
    symlinkSync(input, link);
    expect(() => new BatchOutput(link, input)).toThrow(/is the input file/);
    expect(readFileSync(input, 'utf8')).toBe('{"id": "a", "text": "x"}\n');
  });

  it('takes an exclusive lock: a second writer is refused until the first closes; a stale lock is taken over', () => {
    const out = join(dir, 'locked.jsonl');
    const input = file('in4.jsonl', '');
    const first = new BatchOutput(out, input);
    expect(() => new BatchOutput(out, input)).toThrow(new RegExp(`being written by another jsonlm run \\(pid ${process.pid}\\)`));
    first.close();
    expect(existsSync(`${out}.lock`)).toBe(false);
    // A lock left by a process that is gone (killed with SIGKILL): pid 2^22 + 1 is above Linux's pid_max default.
    writeFileSync(`${out}.lock`, '4194305\n');
    const second = new BatchOutput(out, input);
    expect(readFileSync(`${out}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    second.close();
  });

  it('does not read back a non-regular output (a pipe, /dev/stdout): no resume, no lock', () => {
    const o = new BatchOutput('/dev/null', file('in5.jsonl', ''));
    expect(o.regular).toBe(false);
    expect(o.ids.size).toBe(0);
    o.append(result('a'));
    o.close();
  });

  it.runIf(existsSync('/dev/full'))('names a full disk (ENOSPC) plainly', () => {
    const o = new BatchOutput('/dev/full', file('in6.jsonl', ''));
    expect(() => o.append(result('a'))).toThrow(/disk is full \(ENOSPC\).*run the same command again to resume/);
    o.close();
  });
});

describe('batch output fuzz', () => {
  it('400 seeded output files: refused naming a line, or every finished line kept (only a torn result tail cut)', () => {
    let s = 12345;
    const r = (n: number) => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) % n; };
    const pieces = [() => result(`id-${r(50)}`), () => '', () => '   ', () => 'prose line', () => '{', () => '  "id": "x"', () => '}',
      () => JSON.stringify({ id: 5 }), () => '[1,2]', () => 'null', () => '\uFEFF' + result('bom'), () => result('ok').slice(0, 1 + r(30))];
    let refused = 0, kept = 0, repaired = 0;
    for (let trial = 0; trial < 400; trial++) {
      const lines = Array.from({ length: r(6) }, () => pieces[r(pieces.length)]());
      const content = lines.join('\n') + (r(2) ? '\n' : '');
      let scan;
      try {
        scan = scanFinished(content, 'o.jsonl');
      } catch (e) {
        expect(e, content).toBeInstanceOf(BatchFileError);
        expect((e as Error).message).toMatch(/^o\.jsonl:\d+: /);
        refused++;
        continue;
      }
      const finished = content.slice(0, content.lastIndexOf('\n') + 1);
      const kept_ = Buffer.from(content).subarray(0, scan.keepBytes).toString();
      // Every line ending in a newline is kept; what is cut is a tail without one that starts like a result.
      expect(kept_, JSON.stringify(content)).toBe(finished);
      const tail = content.slice(finished.length);
      if (tail !== '') { expect('{"id":'.startsWith(tail) || tail.startsWith('{"id":')).toBe(true); repaired++; } else kept++;
      for (const line of finished.split('\n').filter(Boolean)) expect(scan.ids.has(JSON.parse(line).id)).toBe(true);
    }
    expect(refused).toBeGreaterThan(50);
    expect(kept).toBeGreaterThan(10);
    expect(repaired).toBeGreaterThan(5);
  });
});
