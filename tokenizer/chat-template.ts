// Chat templates: the model's own Jinja template (tokenizer_config.json `chat_template`, GGUF
// `tokenizer.chat_template`) rendered by @huggingface/jinja, the implementation transformers.js uses.
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import type { ChatMessage } from './tokenizer.js';

export type ChatRenderer = (messages: ChatMessage[]) => string;

export interface TemplateSpecials {
  bosToken?: string;
  eosToken?: string;
}

/** Limits on rendering a template. A chat template comes with the model file, which is untrusted input
 * (the web page takes dropped files): `range(1000000000)`, a list doubled in a loop or a runaway loop
 * must end in an error, not a hang or a crash of the whole process. Real templates stay far below. */
export const TEMPLATE_LIMITS = {
  /** Interpreter steps (expression and statement evaluations) per render. */
  steps: 2_000_000,
  /** Wall-clock time per render, checked every few thousand steps. */
  ms: 2000,
  /** Characters of any string value, the output included. */
  chars: 4_000_000,
  /** Items of any list value, range() included. */
  items: 100_000,
};

export class ChatTemplateError extends Error {}

type RuntimeValue = ReturnType<Interpreter['evaluate']>;

/** The interpreter with a budget: every evaluation counts, and every value is checked for size. */
class BoundedInterpreter extends Interpreter {
  private steps = 0;
  private readonly start = Date.now();

  override evaluate(statement: Parameters<Interpreter['evaluate']>[0], environment: Environment): RuntimeValue {
    if (++this.steps > TEMPLATE_LIMITS.steps) throw new ChatTemplateError(`chat template takes more than ${TEMPLATE_LIMITS.steps} steps to render`);
    if ((this.steps & 4095) === 0 && Date.now() - this.start > TEMPLATE_LIMITS.ms) {
      throw new ChatTemplateError(`chat template takes more than ${TEMPLATE_LIMITS.ms} ms to render`);
    }
    const result = super.evaluate(statement, environment);
    const value = (result as { value?: unknown }).value;
    if (typeof value === 'string' && value.length > TEMPLATE_LIMITS.chars) {
      throw new ChatTemplateError(`chat template builds a string of ${value.length} characters (the limit is ${TEMPLATE_LIMITS.chars})`);
    }
    if (Array.isArray(value) && value.length > TEMPLATE_LIMITS.items) {
      throw new ChatTemplateError(`chat template builds a list of ${value.length} items (the limit is ${TEMPLATE_LIMITS.items})`);
    }
    return result;
  }
}

/** range() as Python's, refusing a result longer than the item limit before building it. */
function boundedRange(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) { stop = start; start = 0; }
  if (![start, stop, step].every(Number.isInteger)) throw new ChatTemplateError('range() takes integers');
  if (step === 0) throw new ChatTemplateError('range() step must not be zero');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > TEMPLATE_LIMITS.items) throw new ChatTemplateError(`chat template calls range() for ${length} items (the limit is ${TEMPLATE_LIMITS.items})`);
  return Array.from({ length }, (_, i) => start + i * step);
}

/** strftime_now as @huggingface/jinja's (the codes chat templates use: %Y %m %d %b %B %H %M %%). */
function strftimeNow(format: string): string {
  const date = new Date();
  const pad2 = (n: number) => String(n).padStart(2, '0');
  return String(format).replace(/%[YmdbBHM%]/g, (code) => {
    switch (code) {
      case '%Y': return String(date.getFullYear());
      case '%m': return pad2(date.getMonth() + 1);
      case '%d': return pad2(date.getDate());
      case '%b': return new Intl.DateTimeFormat(undefined, { month: 'short' }).format(date);
      case '%B': return new Intl.DateTimeFormat(undefined, { month: 'long' }).format(date);
      case '%H': return pad2(date.getHours());
      case '%M': return pad2(date.getMinutes());
      default: return '%';
    }
  });
}

/** Renders a parsed template as Template.render does, under TEMPLATE_LIMITS. */
export function renderBounded(template: Template, context: Record<string, unknown>): string {
  const env = new Environment();
  // The globals @huggingface/jinja sets up, with range() bounded.
  const globals: Record<string, unknown> = {
    false: false, true: true, none: null, False: false, True: true, None: null,
    raise_exception: (message: unknown) => { throw new Error(String(message)); },
    range: boundedRange, strftime_now: strftimeNow,
  };
  for (const [key, value] of Object.entries({ ...globals, ...context })) env.set(key, value);
  const result = new BoundedInterpreter(env).run(template.parsed);
  const out = (result as { value?: unknown }).value;
  if (typeof out !== 'string') throw new ChatTemplateError('chat template did not render to a string');
  return out;
}

/** Compiles a Jinja chat template once; each call renders with add_generation_prompt=true, so the
 * prompt ends with the assistant turn opened. */
export function jinjaChatRenderer(template: string, specials: TemplateSpecials): ChatRenderer {
  let compiled: Template;
  try {
    compiled = new Template(template);
  } catch (err) {
    throw new Error(`chat template does not parse: ${(err as Error).message}`);
  }
  return (messages) => {
    try {
      return renderBounded(compiled, {
        messages,
        add_generation_prompt: true,
        bos_token: specials.bosToken ?? '',
        eos_token: specials.eosToken ?? '',
      });
    } catch (err) {
      // A RangeError is a stack overflow (deep macro recursion) or a string past the engine's limit.
      throw new ChatTemplateError(`chat template failed to render: ${(err as Error).message}`);
    }
  };
}

/** ChatML, written out: `<|im_start|>role\ncontent<|im_end|>\n` per message, then `<|im_start|>assistant\n`.
 * Used only when a vocabulary has <|im_start|> and <|im_end|> but ships no template (e.g. a GGUF
 * converted without tokenizer_config.json): SmolLM2-Instruct's own template renders exactly this for
 * conversations that start with a system message. */
export function chatMlRenderer(): ChatRenderer {
  return (messages) => {
    let out = '';
    for (const m of messages) out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
    return out + '<|im_start|>assistant\n';
  };
}

/** The renderer for a vocabulary: its template when it has one, else ChatML when it has the ChatML
 * markers, else none. */
export function chooseChatRenderer(
  template: string | undefined,
  hasToken: (text: string) => boolean,
  specials: TemplateSpecials,
): ChatRenderer | undefined {
  if (template !== undefined && template.trim() !== '') return jinjaChatRenderer(template, specials);
  if (hasToken('<|im_start|>') && hasToken('<|im_end|>')) return chatMlRenderer();
  return undefined;
}
