// Node-only entry point: dispatches `jsonlm <command>` to one file per command. Each command module
// exports `run(args): Promise<number>` (the exit code) and throws UsageError for bad flags.
import { UsageError } from '../cmdline/flags.js';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  extract: { summary: 'extract schema-valid JSON from text', load: () => import('./extract.js') },
  eval: { summary: 'score a model on an extraction dataset (JSONL)', load: () => import('./eval.js') },
  generate: { summary: 'generate text from a prompt', load: () => import('./generate.js') },
  logits: { summary: "print the last position's logits for a token sequence", load: () => import('./logits.js') },
  convert: { summary: 'convert a GGUF / HF folder / llama2.c model to GGUF', load: () => import('../cmdline/convert.js') },
  serve: { summary: 'local HTTP server: OpenAI-style chat completions with a JSON Schema, /v1/extract', load: () => import('./serve.js') },
  'sample-schema': { summary: 'draw random documents under a schema grammar (fuzzer)', load: () => import('./sample-schema.js') },
  bench: { summary: 'benchmarks: kernels | decode | grammar | load | memory | serve', load: () => import('./bench.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return 'usage: jsonlm <command> [options]\n\ncommands:\n' +
    Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n') +
    '\n\nRun `jsonlm <command> --help` for its options.';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`jsonlm: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`jsonlm ${name}: ${e.message}`);
      return 2;
    }
    console.error(`jsonlm ${name}: ${(e as Error).message ?? e}`);
    if (process.env.JSONLM_DEBUG) console.error((e as Error).stack);
    return 1;
  }
}
