import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatTemplateError, chatMlRenderer, jinjaChatRenderer, TEMPLATE_LIMITS } from '../../tokenizer/chat-template.js';
import { tokenizerFromGguf } from '../../tokenizer/gguf-tokenizer.js';
import { tokenizerFromJson } from '../../tokenizer/hf-tokenizer.js';
import { parseGguf } from '../../weights/gguf.js';
import type { ChatMessage } from '../../tokenizer/tokenizer.js';
import { REF_BPE_GGUF, SMOLLM2_TOKENIZER_JSON } from './fixtures.js';

// SmolLM2-Instruct's chat template (tokenizer_config.json of HuggingFaceTB/SmolLM2-135M-Instruct).
const SMOLLM2_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}" +
  "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

const conversation: ChatMessage[] = [
  { role: 'system', content: 'Extract JSON.\n{"type":"object"}' },
  { role: 'user', content: 'Ada was born in 1815.' },
];

describe('chat templates', () => {
  it('the ChatML fallback renders what SmolLM2\'s own template renders for a system-first conversation', () => {
    const viaJinja = jinjaChatRenderer(SMOLLM2_TEMPLATE, {})(conversation);
    expect(chatMlRenderer()(conversation)).toBe(viaJinja);
    expect(viaJinja).toBe('<|im_start|>system\nExtract JSON.\n{"type":"object"}<|im_end|>\n' +
      '<|im_start|>user\nAda was born in 1815.<|im_end|>\n<|im_start|>assistant\n');
  });

  it('reports a template\'s own refusal clearly', () => {
    const strict = jinjaChatRenderer("{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}", {});
    expect(() => strict(conversation)).toThrow(/chat template failed to render: .*System role not supported/);
  });

  it('renders with add_generation_prompt and the template\'s own defaults', () => {
    const rendered = jinjaChatRenderer(SMOLLM2_TEMPLATE, {})([{ role: 'user', content: 'Hi' }]);
    expect(rendered).toBe('<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it('a rendered prompt encodes its markers as special ids and its text as ordinary tokens', () => {
    const tok = tokenizerFromJson(readFileSync(SMOLLM2_TOKENIZER_JSON, 'utf8'), { chat_template: SMOLLM2_TEMPLATE });
    const ids = tok.encode(tok.applyChatTemplate!(conversation));
    expect(ids.filter((id) => id === 1)).toHaveLength(3); // three <|im_start|>
    expect(ids.filter((id) => id === 2)).toHaveLength(2); // two <|im_end|>
    expect(ids.filter((id) => tok.isSpecial(id))).toHaveLength(5);
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('system\nExtract JSON.\n{"type":"object"}\nuser\nAda was born in 1815.\nassistant\n');
  });

  it('a GGUF tokenizer.chat_template is used, with bos_token/eos_token from the vocabulary', () => {
    const metadata = parseGguf(new Uint8Array(readFileSync(REF_BPE_GGUF)), REF_BPE_GGUF).metadata as Map<string, unknown>;
    const withTemplate = new Map(metadata);
    withTemplate.set('tokenizer.chat_template', '{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}');
    const tok = tokenizerFromGguf(withTemplate);
    expect(tok.applyChatTemplate!(conversation.slice(1))).toBe('<|im_start|>Ada was born in 1815.<|im_end|>');
  });
});

describe('untrusted chat templates are bounded', () => {
  const render = (template: string) => jinjaChatRenderer(template, {})(conversation);

  it('range(1000000000) is an error, not a crash of the process (it used to abort Node: fatal invalid size)', () => {
    expect(() => render('{% for i in range(1000000000) %}x{% endfor %}')).toThrow(ChatTemplateError);
    expect(() => render('{% for i in range(1000000000) %}x{% endfor %}')).toThrow(/range\(\) for 1000000000 items \(the limit is \d+\)/);
    expect(() => render('{% for i in range(0, 1000000000, 7) %}x{% endfor %}')).toThrow(/range\(\) for 142857143 items/);
  });

  it('runaway loops, lists doubled in a loop, huge strings and deep recursion are errors within the limits', () => {
    const started = Date.now();
    expect(() => render('{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}')).toThrow(/steps to render|ms to render|characters/);
    expect(() => render("{% set ns = namespace(x=[1]) %}{% for i in range(60) %}{% set ns.x = ns.x + ns.x %}{% endfor %}{{ ns.x | length }}")).toThrow(/a list of \d+ items/);
    expect(() => render("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}")).toThrow(/a string of \d+ characters/);
    expect(() => render('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}')).toThrow(/chat template failed to render/);
    expect(Date.now() - started).toBeLessThan(TEMPLATE_LIMITS.ms * 4 + 5000);
  });

  it('real templates render as before: range, loop variables, strftime_now, raise_exception', () => {
    expect(render('{% for i in range(3) %}{{ i }}{% endfor %}|{% for i in range(5, 0, -2) %}{{ i }}{% endfor %}')).toBe('012|531');
    expect(render('{{ strftime_now("%Y") }}')).toBe(String(new Date().getFullYear()));
    expect(() => render("{{ raise_exception('only user and assistant roles') }}")).toThrow(/only user and assistant roles/);
    expect(jinjaChatRenderer(SMOLLM2_TEMPLATE, {})(conversation)).toBe(chatMlRenderer()(conversation));
  });
});
