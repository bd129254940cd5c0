// The page: picks or drops a model, sends text + schema to the inference worker, and paints the JSON as it
// streams in. Nothing heavy runs here; the fps badge shows the main thread stays free while the worker decodes.
// State for tests and scripts: document.body.dataset.state is idle | loading | ready | running | done | error.
import { EXAMPLES } from './examples.js';
import { highlightJson } from './highlight.js';
import type { Dtype, ExtractStats, FromWorker, ModelInfo, PickedFile, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  drop: $('drop'), pickFiles: $<HTMLInputElement>('pick-files'), pickFolder: $<HTMLInputElement>('pick-folder'),
  dtype: $<HTMLSelectElement>('dtype'), progress: document.querySelector('.progress') as HTMLElement,
  bar: document.querySelector('.progress .bar') as HTMLElement, modelMessage: $('model-message'), modelInfo: $('model-info'),
  example: $<HTMLSelectElement>('example'), text: $<HTMLTextAreaElement>('text'), schema: $<HTMLTextAreaElement>('schema'),
  schemaState: $('schema-state'), maxTokens: $<HTMLInputElement>('max-tokens'), seed: $<HTMLInputElement>('seed'),
  temperature: $<HTMLInputElement>('temperature'), extract: $<HTMLButtonElement>('extract'), stop: $<HTMLButtonElement>('stop'),
  output: $('output'), validity: $('validity'), copy: $<HTMLButtonElement>('copy'), runMessage: $('run-message'),
  tps: $('stat-tps'), prefill: $('stat-prefill'), ttft: $('stat-ttft'), tokens: $('stat-tokens'),
  fpPrompt: $<HTMLInputElement>('fp-prompt'), fpSteps: $<HTMLInputElement>('fp-steps'), fpRun: $<HTMLButtonElement>('fp-run'),
  fpResult: $('fp-result'), heartbeat: $('heartbeat'), isolation: $('isolation'), useDefault: $<HTMLButtonElement>('use-default'),
};

let worker: Worker;
let model: ModelInfo | undefined;
let lastFiles: PickedFile[] = [];
let nextId = 1;
let running: { id: number; cancel?: Int32Array } | undefined;
let lastJson = '';
/** The latest load request: answers to earlier ones (a second drop while loading) are ignored. */
let loadId = 0;

function setState(state: string): void { document.body.dataset.state = state; }

function startWorker(): void {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'jsonlm-inference' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onWorkerMessage(e.data);
  worker.onerror = (e) => fail(`worker error: ${e.message || 'failed to start'}`);
}

function post(msg: ToWorker): void { worker.postMessage(msg); }

function onWorkerMessage(m: FromWorker): void {
  switch (m.type) {
    case 'ready':
      ui.isolation.textContent = m.crossOriginIsolated ? 'Web Worker · isolated' : 'Web Worker';
      ui.isolation.classList.add('ok');
      break;
    case 'progress':
      if (m.id !== loadId) return;
      ui.progress.hidden = false;
      ui.bar.style.width = `${Math.round((m.fraction ?? 0) * 100)}%`;
      ui.modelMessage.textContent = m.stage;
      break;
    case 'loaded':
      if (m.id !== loadId) return;
      model = m.info;
      ui.progress.hidden = true;
      ui.modelMessage.textContent = `Loaded ${m.info.name} in ${fmtMs(m.info.loadMs)}.`;
      showModelInfo(m.info);
      ui.extract.disabled = false;
      ui.fpRun.disabled = false;
      setState('ready');
      break;
    case 'partial':
      if (running?.id !== m.id) return;
      renderJson(m.text, true);
      showStats(m.stats);
      break;
    case 'done':
      if (running?.id !== m.id) return;
      running = undefined;
      lastJson = m.value === undefined ? m.text : JSON.stringify(m.value, null, 2);
      renderJson(lastJson, false);
      ui.output.dataset.json = m.value === undefined ? '' : JSON.stringify(m.value);
      showStats(m.stats);
      ui.validity.hidden = false;
      ui.validity.className = `pill ${m.valid ? 'ok' : 'bad'}`;
      ui.validity.textContent = m.cancelled ? 'stopped' : m.valid ? '✓ valid against schema' : '✗ invalid';
      ui.validity.title = m.errors.join('\n');
      ui.runMessage.textContent = (m.cancelled ? 'Stopped. ' : '') +
        `${m.stats.generatedTokens} tokens in ${fmtMs(m.stats.prefillMs + m.stats.decodeMs)}` +
        (m.stats.cachedPromptTokens ? ` · ${m.stats.cachedPromptTokens} of ${m.stats.promptTokens} prompt tokens from cache` : '') +
        (!m.valid && !m.cancelled && m.errors.length ? ` · ${m.errors[0]}` : '');
      ui.copy.disabled = !lastJson;
      ui.extract.disabled = false;
      ui.stop.disabled = true;
      setState('done');
      break;
    case 'logits-hash':
      ui.fpResult.textContent = `sha256 ${m.sha256}  ·  ${m.steps} positions × ${m.logitsCount / m.steps} logits · tokens ${m.tokens.join(',')} · ${fmtMs(m.ms)}`;
      ui.fpResult.dataset.sha256 = m.sha256;
      ui.fpRun.disabled = false;
      break;
    case 'error':
      fail(m.message);
      break;
  }
}

function fail(message: string): void {
  running = undefined;
  ui.progress.hidden = true;
  ui.runMessage.textContent = '';
  ui.extract.disabled = !model;
  ui.stop.disabled = true;
  ui.fpRun.disabled = !model;
  ui.output.querySelector('.cursor')?.remove();
  if (model) {
    ui.validity.hidden = false;
    ui.validity.className = 'pill bad';
    ui.validity.textContent = 'error';
    ui.runMessage.textContent = message;
  } else {
    ui.modelMessage.textContent = message;
  }
  document.body.dataset.error = message;
  setState('error');
}

function showModelInfo(info: ModelInfo): void {
  const rows: [string, string][] = [
    ['file', info.name],
    ['format', `${info.format} → ${info.dtype === 'q8' ? 'int8 (group 32)' : 'f32'}`],
    ['parameters', fmtCount(info.params)],
    ['shape', `${info.layers} layers · dim ${info.dim} · ffn ${info.hiddenDim}`],
    ['heads', `${info.heads} q / ${info.kvHeads} kv`],
    ['vocabulary', info.vocab.toLocaleString('en-US')],
    ['context', `${info.context.toLocaleString('en-US')} tokens`],
    ['WASM memory', fmtBytes(info.memoryBytes)],
  ];
  ui.modelInfo.replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
  ui.modelInfo.hidden = false;
}

function showStats(s: ExtractStats): void {
  ui.tps.textContent = s.generatedTokens > 0 && s.decodeMs > 0 ? s.tokensPerSecond.toFixed(1) : '—';
  ui.prefill.textContent = s.prefillMs > 0 ? s.prefillTokensPerSecond.toFixed(0) : '—';
  ui.ttft.textContent = s.firstTokenMs > 0 ? fmtMs(s.firstTokenMs) : '—';
  ui.tokens.textContent = `${s.promptTokens}→${s.generatedTokens}`;
}

function renderJson(text: string, streaming: boolean): void {
  ui.output.replaceChildren(highlightJson(text));
  if (streaming) {
    const cursor = document.createElement('span');
    cursor.className = 'cursor';
    ui.output.append(cursor);
  }
  ui.output.scrollTop = ui.output.scrollHeight;
}

// ---- model picking -------------------------------------------------------------------------------------

function loadFiles(files: PickedFile[]): void {
  if (files.length === 0) return;
  lastFiles = files;
  model = undefined;
  ui.extract.disabled = true;
  ui.fpRun.disabled = true;
  ui.modelInfo.hidden = true;
  ui.progress.hidden = false;
  ui.bar.style.width = '0%';
  ui.modelMessage.textContent = `Reading ${files.length === 1 ? files[0].name : `${files.length} files`}…`;
  delete document.body.dataset.error;
  setState('loading');
  post({ type: 'load', id: ++loadId, files, dtype: ui.dtype.value as Dtype });
}

function fromFileList(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (f) => ({ name: f.name, path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, file: f }));
}

async function fromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dt.items ?? []).map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return fromFileList(dt.files);
  const out: PickedFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((ok, no) => (entry as FileSystemFileEntry).file(ok, no));
      out.push({ name: file.name, path: prefix + file.name, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((ok, no) => reader.readEntries(ok, no));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}

ui.pickFiles.addEventListener('change', () => { loadFiles(fromFileList(ui.pickFiles.files)); ui.pickFiles.value = ''; });
ui.pickFolder.addEventListener('change', () => { loadFiles(fromFileList(ui.pickFolder.files)); ui.pickFolder.value = ''; });
ui.drop.addEventListener('dragover', (e) => { e.preventDefault(); ui.drop.classList.add('over'); });
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  if (e.dataTransfer) loadFiles(await fromDrop(e.dataTransfer));
});
ui.drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); ui.pickFiles.click(); } });
ui.dtype.addEventListener('change', () => {
  if (lastFiles.length && (!model || model.dtype !== ui.dtype.value)) loadFiles(lastFiles);
});

// The bundled default model: `npm run web` serves models/default and lists it at models/default/index.json.
const MODEL_FILE = /\.(gguf|bin|safetensors|json|model)$/i;
async function offerDefaultModel(): Promise<void> {
  let files: { name: string; size: number }[] = [];
  try {
    const r = await fetch('./models/default/index.json');
    if (r.ok) files = (await r.json() as { name: string; size: number }[]).filter((f) => MODEL_FILE.test(f.name));
  } catch { return; }
  if (!files.some((f) => /\.(gguf|bin|safetensors)$/i.test(f.name))) return;
  const size = files.reduce((n, f) => n + f.size, 0);
  ui.useDefault.hidden = false;
  ui.useDefault.title = files.map((f) => f.name).join(', ');
  ui.useDefault.textContent = `Use the bundled model (${fmtBytes(size)})`;
  ui.useDefault.addEventListener('click', async () => {
    ui.useDefault.disabled = true;
    try {
      ui.progress.hidden = false;
      ui.modelMessage.textContent = 'Downloading the bundled model from this server…';
      const picked: PickedFile[] = [];
      for (const f of files) {
        const r = await fetch(`./models/default/${encodeURIComponent(f.name)}`);
        if (!r.ok) throw new Error(`${f.name}: HTTP ${r.status}`);
        picked.push({ name: f.name, path: `default/${f.name}`, file: await r.blob() });
      }
      loadFiles(picked);
    } catch (e) {
      fail(`could not fetch the bundled model: ${(e as Error).message}`);
    } finally {
      ui.useDefault.disabled = false;
    }
  });
}

// ---- text, schema, run ---------------------------------------------------------------------------------

for (const [i, ex] of EXAMPLES.entries()) ui.example.add(new Option(ex.name, String(i)));
function useExample(i: number): void {
  ui.text.value = EXAMPLES[i].text;
  ui.schema.value = JSON.stringify(EXAMPLES[i].schema, null, 2);
  checkSchema();
}
ui.example.addEventListener('change', () => useExample(Number(ui.example.value)));

function checkSchema(): unknown {
  try {
    const schema = JSON.parse(ui.schema.value);
    ui.schemaState.className = 'pill ok';
    ui.schemaState.textContent = 'valid JSON';
    return schema;
  } catch (e) {
    ui.schemaState.className = 'pill bad';
    ui.schemaState.textContent = 'not JSON';
    ui.schemaState.title = (e as Error).message;
    return undefined;
  }
}
ui.schema.addEventListener('input', () => checkSchema());

ui.extract.addEventListener('click', () => {
  const schema = checkSchema();
  if (schema === undefined || !model) return;
  const id = nextId++;
  const cancel = typeof SharedArrayBuffer !== 'undefined' && crossOriginIsolated ? new SharedArrayBuffer(4) : undefined;
  running = { id, cancel: cancel && new Int32Array(cancel) };
  ui.extract.disabled = true;
  ui.stop.disabled = false;
  ui.copy.disabled = true;
  ui.validity.hidden = false;
  ui.validity.className = 'pill run';
  ui.validity.textContent = 'decoding…';
  ui.runMessage.textContent = '';
  ui.output.dataset.json = '';
  renderJson('', true);
  showStats({ promptTokens: 0, cachedPromptTokens: 0, generatedTokens: 0, prefillMs: 0, decodeMs: 0, tokensPerSecond: 0, prefillTokensPerSecond: 0, firstTokenMs: 0 });
  setState('running');
  post({
    type: 'extract', id, text: ui.text.value, schema, cancel,
    options: { maxTokens: intOr(ui.maxTokens.value, 256), seed: intOr(ui.seed.value, 42), temperature: Number(ui.temperature.value) || 0 },
  });
});

ui.stop.addEventListener('click', () => {
  if (!running) return;
  if (running.cancel) {
    Atomics.store(running.cancel, 0, 1); // the worker checks this between tokens
  } else {
    // Without cross-origin isolation there is no shared flag: restart the worker and reload the model.
    worker.terminate();
    running = undefined;
    ui.stop.disabled = true;
    ui.validity.textContent = 'stopped';
    startWorker();
    loadFiles(lastFiles);
  }
});

ui.copy.addEventListener('click', () => { void navigator.clipboard?.writeText(lastJson); ui.runMessage.textContent = 'Copied.'; });

ui.fpRun.addEventListener('click', () => {
  ui.fpRun.disabled = true;
  ui.fpResult.textContent = 'computing…';
  delete ui.fpResult.dataset.sha256;
  post({ type: 'logits-hash', id: nextId++, prompt: ui.fpPrompt.value, steps: intOr(ui.fpSteps.value, 4) });
});

// ---- main-thread heartbeat: frames painted per second ----------------------------------------------------

let frames = 0;
let since = performance.now();
function tick(t: number): void {
  frames++;
  if (t - since >= 1000) {
    ui.heartbeat.textContent = `UI ${Math.round((frames * 1000) / (t - since))} fps`;
    frames = 0;
    since = t;
  }
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);

// ---- helpers ---------------------------------------------------------------------------------------------

function intOr(s: string, d: number): number { const n = Number.parseInt(s, 10); return Number.isFinite(n) ? n : d; }
function fmtMs(ms: number): string { return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`; }
function fmtBytes(b: number): string { return b < 2 ** 20 ? `${(b / 1024).toFixed(0)} KiB` : `${(b / 2 ** 20).toFixed(1)} MiB`; }
function fmtCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}K` : String(n);
}

useExample(0);
startWorker();
void offerDefaultModel().finally(() => setState('idle'));
