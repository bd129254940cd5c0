// Chat templates: the model's own Jinja template (tokenizer_config.json `chat_template`, GGUF
// `tokenizer.chat_template`) rendered by @huggingface/jinja, the implementation transformers.js uses.
import { Template } from '@huggingface/jinja';
import type { ChatMessage } from './tokenizer.js';

export type ChatRenderer = (messages: ChatMessage[]) => string;

export interface TemplateSpecials {
  bosToken?: string;
  eosToken?: string;
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
  // raise_exception and strftime_now, which some templates call, are @huggingface/jinja built-ins.
  return (messages) => {
    try {
      return compiled.render({
        messages,
        add_generation_prompt: true,
        bos_token: specials.bosToken ?? '',
        eos_token: specials.eosToken ?? '',
      });
    } catch (err) {
      throw new Error(`chat template failed to render: ${(err as Error).message}`);
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
