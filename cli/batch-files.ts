// Node-only: the files of a batch run (`extract --input docs.jsonl --output out.jsonl`). The promise is
// that no finished line of the output is ever removed: only a torn *last* line (a kill or a full disk
// mid-write) is cut off; any other line that is not a result line is an error naming the file and line,
// and the file is left untouched. One run at a time holds the output (a lock file beside it).
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { closeSync, ftruncateSync, linkSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';

export class BatchFileError extends Error {}

export interface InputDoc { id: string; text: string }

/** A UTF-8 byte order mark some editors put at the start of a file; JSON.parse refuses it. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The id of a line without one: a hash of its text, so that a rerun matches documents by content and
 * a document inserted anywhere in the file is still extracted. The n-th repeat of the same text gets
 * a `-n` suffix (n >= 2), so identical documents each get their own output line. */
export function contentId(text: string, repeat: number): string {
  const hash = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
  return repeat > 1 ? `text-${hash}-${repeat}` : `text-${hash}`;
}

/** Parses docs.jsonl: one {"id"?: string | number, "text": string} per non-blank line. */
export function parseInputDocs(content: string, path: string, error: (message: string) => Error): InputDoc[] {
  const docs: InputDoc[] = [];
  const repeats = new Map<string, number>();
  stripBom(content).split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw error(`${path}:${i + 1}: not a JSON line`);
    }
    const o = obj as Record<string, unknown>;
    if (o === null || typeof o !== 'object' || Array.isArray(o) || typeof o.text !== 'string') throw error(`${path}:${i + 1}: expected {"id": ..., "text": "..."}`);
    let id: string;
    if (o.id === undefined || o.id === null) {
      const n = (repeats.get(o.text) ?? 0) + 1;
      repeats.set(o.text, n);
      id = contentId(o.text, n);
    } else if (typeof o.id === 'string' || (typeof o.id === 'number' && Number.isFinite(o.id))) {
      id = String(o.id);
    } else {
      throw error(`${path}:${i + 1}: "id" must be a string or a number, got ${Array.isArray(o.id) ? 'an array' : typeof o.id}`);
    }
    docs.push({ id, text: o.text });
  });
  const seen = new Set<string>();
  for (const d of docs) {
    if (seen.has(d.id)) throw error(`${path}: id ${JSON.stringify(d.id)} appears twice`);
    seen.add(d.id);
  }
  return docs;
}

/** What every result line this program writes starts with; a torn last line is repaired only when it is
 * (a prefix of) such a line, so a file of other text is never cut. */
const RESULT_PREFIX = '{"id":';

/** Reads the ids finished in an output file. Returns the ids and the byte length of the finished part
 * (shorter than the file only when its last line is a torn result line). Throws, naming the file and
 * line, on anything else that is not a result line: a blank line, prose, pretty-printed JSON. */
export function scanFinished(content: string, path: string): { ids: Set<string>; keepBytes: number } {
  const ids = new Set<string>();
  let start = 0;
  let line = 1;
  for (; start < content.length; line++) {
    const end = content.indexOf('\n', start);
    const text = end < 0 ? content.slice(start) : content.slice(start, end);
    if (end < 0) {
      // The last line, never finished with a newline: torn by a kill or a full disk if it is the start of a result line.
      const torn = text.startsWith(RESULT_PREFIX) || RESULT_PREFIX.startsWith(text);
      if (!torn) throw new BatchFileError(notResults(path, line, 'is not a result line'));
      break;
    }
    let id: unknown;
    try {
      const o = JSON.parse(text);
      id = o !== null && typeof o === 'object' && !Array.isArray(o) ? o.id : undefined;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string') throw new BatchFileError(notResults(path, line, text.trim() === '' ? 'is blank' : 'is not a result line {"id": "...", ...}'));
    ids.add(id);
    start = end + 1;
  }
  return { ids, keepBytes: Buffer.byteLength(content.slice(0, start)) };
}

function notResults(path: string, line: number, what: string): string {
  return `${path}:${line}: ${what}, so this file was not written by a batch run (or was edited); ` +
    'it is left untouched: give another --output, or fix or remove that line';
}

/** Same file: same path, or same device and inode (a hard or symbolic link). */
export function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The output of a batch run: checked against the input, locked, read for finished ids and repaired. */
export class BatchOutput {
  readonly ids: Set<string>;
  /** False for a pipe, /dev/stdout or another non-regular file: nothing to resume, lock or repair. */
  readonly regular: boolean;
  private fd: number | undefined;
  private ownsFd = true;
  private lockPath: string | undefined;
  private releaseOnExit = () => this.releaseLock();

  constructor(readonly path: string, inputPath: string) {
    const out = statOrUndefined(path);
    const input = statOrUndefined(inputPath);
    if (out && input && sameFile(out, input)) throw new BatchFileError(`--output ${path} is the input file ${inputPath}: give another output file`);
    if (out?.isDirectory()) throw new BatchFileError(`--output ${path} is a folder: give a file`);
    this.regular = !out || out.isFile();
    if (!this.regular) {
      this.ids = new Set();
      try {
        this.fd = openSync(path, 'a');
      } catch (e) {
        // /dev/stdout cannot be opened when stdout is a socket (a parent process's pipe): write to fd 1.
        if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || resolve(path) !== '/dev/stdout') throw e;
        this.fd = 1;
        this.ownsFd = false;
      }
      return;
    }
    this.takeLock();
    try {
      this.fd = openSync(path, 'a+');
      const content = readWhole(this.fd);
      const { ids, keepBytes } = scanFinished(content, path);
      if (keepBytes < Buffer.byteLength(content)) ftruncateSync(this.fd, keepBytes);
      this.ids = ids;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Appends one finished line with one write call, straight to the file (no buffering here). */
  append(line: string): void {
    const bytes = Buffer.from(line + '\n', 'utf8');
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(this.fd!, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new Error(`${this.path}: the disk is full (${code}): the lines written before are kept; ` +
          'free some space and run the same command again to resume (the torn last line is repaired)');
      }
      throw e;
    }
  }

  close(): void {
    if (this.fd !== undefined && this.ownsFd) closeSync(this.fd);
    this.fd = undefined;
    this.releaseLock();
  }

  /** An exclusive lock: `OUT.lock` created with O_EXCL, holding our pid. A lock whose process is gone
   * (a run killed with SIGKILL) is taken over. */
  private takeLock(): void {
    const lock = `${this.path}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lock, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        this.lockPath = lock;
        process.on('exit', this.releaseOnExit);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new BatchFileError(`cannot create the lock file ${lock}: ${(e as Error).message}`);
      }
      const held = readFileSafe(lock);
      const pid = Number.parseInt(held, 10);
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
        throw new BatchFileError(`${this.path} is being written by another jsonlm run (pid ${pid}); wait for it to finish ` +
          `(if no such run exists, delete ${lock})`);
      }
      // Stale: its process is gone. Move it aside and check it is still the stale one (another run may
      // have taken it over meanwhile: then put that one back), so two runs cannot both take it over.
      const aside = `${lock}.stale-${process.pid}`;
      try {
        renameSync(lock, aside);
        if (readFileSafe(aside) !== held) linkSync(aside, lock);
        unlinkSync(aside);
      } catch { /* another run moved it first */ }
    }
    throw new BatchFileError(`${this.path} is being written by another jsonlm run (lock ${lock})`);
  }

  private releaseLock(): void {
    if (!this.lockPath) return;
    try { unlinkSync(this.lockPath); } catch { /* already gone */ }
    process.off('exit', this.releaseOnExit);
    this.lockPath = undefined;
  }
}

function readWhole(fd: number): string {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(1 << 16);
  for (let pos = 0; ;) {
    const n = readSync(fd, chunk, 0, chunk.length, pos);
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
    pos += n;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
