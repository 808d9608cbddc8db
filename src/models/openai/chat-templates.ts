import { readFile } from 'node:fs/promises';
import { TspError } from '../../spec/errors.ts';

/**
 * Chat templates applied on the client, so that TSP can still send a raw prompt to
 * `/v1/completions` and continue an arbitrary prefix with an instruction-tuned model.
 *
 * The program prefix is placed at the start of the assistant turn: the server continues it, and
 * the continuation is exactly what the model appended to the prefix. The user turn carries an
 * instruction plus the same prefix in a code fence, so the model knows what it is completing.
 */
export interface ChatTemplate {
  readonly name: string;
  /** The raw text sent as `prompt`: everything up to and including `assistantPrefix`. */
  render(turn: { system?: string; user: string; assistantPrefix: string }): string;
  /** Strings that end the assistant turn (added to every request's stop list). */
  readonly stop: readonly string[];
}

const chatml: ChatTemplate = {
  name: 'chatml',
  render: ({ system, user, assistantPrefix }) =>
    `${system ? `<|im_start|>system\n${system}<|im_end|>\n` : ''}<|im_start|>user\n${user}<|im_end|>\n<|im_start|>assistant\n${assistantPrefix}`,
  stop: ['<|im_end|>', '<|im_start|>'],
};

/** Llama-2-chat / CodeLlama-Instruct. The server's tokenizer adds the BOS token itself. */
const llama2: ChatTemplate = {
  name: 'llama-2',
  render: ({ system, user, assistantPrefix }) =>
    `[INST] ${system ? `<<SYS>>\n${system}\n<</SYS>>\n\n` : ''}${user.trim()} [/INST] ${assistantPrefix}`,
  stop: ['</s>', '[INST]'],
};

/** No template: the prefix is sent as it is (base / code-completion models). */
const plain: ChatTemplate = {
  name: 'plain',
  render: ({ assistantPrefix }) => assistantPrefix,
  stop: [],
};

export const CHAT_TEMPLATES: Readonly<Record<string, ChatTemplate>> = {
  chatml,
  'llama-2': llama2,
  codellama: llama2,
  'codellama-instruct': llama2,
  plain,
  none: plain,
};

/**
 * A template from text with `{{system}}`, `{{user}}` and `{{assistant}}` placeholders;
 * `{{assistant}}` must come last (the prefix is continued from there). Stop strings can be given
 * on a first line `#stop: <s1> | <s2>`.
 */
export function parseChatTemplate(text: string, name = 'file'): ChatTemplate {
  let body = text;
  let stop: string[] = [];
  const first = /^#stop:(.*)\n/.exec(body);
  if (first) {
    stop = (first[1] ?? '')
      .split('|')
      .map((s) => s.trim().replaceAll('\\n', '\n'))
      .filter(Boolean);
    body = body.slice(first[0].length);
  }
  const at = body.indexOf('{{assistant}}');
  if (at < 0 || body.slice(at + '{{assistant}}'.length).trim() !== '')
    throw new TspError('invalid-input', `chat template ${name}: {{assistant}} must appear once, at the end`, {
      hint: 'write the template up to the start of the assistant turn and end it with {{assistant}}',
    });
  if (!body.includes('{{user}}'))
    throw new TspError('invalid-input', `chat template ${name}: no {{user}} placeholder`);
  const head = body.slice(0, at);
  return {
    name,
    stop,
    render: ({ system, user, assistantPrefix }) =>
      head.replaceAll('{{system}}', system ?? '').replaceAll('{{user}}', user) + assistantPrefix,
  };
}

/** A named template (`chatml`, `llama-2`, `codellama-instruct`, `plain`) or a template file path. */
export async function loadChatTemplate(nameOrFile: string): Promise<ChatTemplate> {
  const named = CHAT_TEMPLATES[nameOrFile];
  if (named) return named;
  if (!nameOrFile.includes('/') && !nameOrFile.includes('.'))
    throw new TspError('invalid-input', `unknown chat template '${nameOrFile}'`, {
      hint: `use one of ${Object.keys(CHAT_TEMPLATES).join(', ')} or a file path`,
    });
  let text: string;
  try {
    text = await readFile(nameOrFile, 'utf8');
  } catch (e) {
    throw new TspError('not-found', `cannot read chat template file ${nameOrFile}`, { cause: e });
  }
  return parseChatTemplate(text, nameOrFile);
}

export const DEFAULT_INSTRUCTION =
  'Complete the following code. Continue exactly where it stops; reply with code only.';

/** The prompt text sent for a program prefix under a template. */
export function renderCompletionPrompt(
  template: ChatTemplate,
  prefix: string,
  options: { instruction?: string; system?: string } = {},
): string {
  if (template.name === 'plain') return prefix;
  const user = `${options.instruction ?? DEFAULT_INSTRUCTION}\n\n\`\`\`\n${prefix}\n\`\`\``;
  return template.render({
    ...(options.system ? { system: options.system } : {}),
    user,
    assistantPrefix: prefix,
  });
}
