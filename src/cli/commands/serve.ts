import { defineCommand } from 'citty';
import { useBackend } from '../../models/embedded/backend.ts';
import { loadCheckpoint } from '../../models/embedded/checkpoint.ts';
import { EmbeddedPolicy } from '../../models/embedded/policy.ts';
import { startCompletionsServer } from '../../models/openai/completions-server.ts';
import { TspError } from '../../spec/errors.ts';

async function loadEmbedded(dir: string): Promise<EmbeddedPolicy> {
  const { model, tokenizer } = await loadCheckpoint(dir);
  return new EmbeddedPolicy(model, tokenizer);
}

export default defineCommand({
  meta: {
    name: 'serve',
    description:
      'Serve an embedded checkpoint over the OpenAI completions API (/v1/completions with prefix continuation, n, logprobs, echo, seed; /v1/models; vLLM-style /v1/load_lora_adapter for other checkpoints).',
  },
  args: {
    model: { type: 'string', required: true, description: 'embedded checkpoint folder' },
    port: { type: 'string', default: '8000', description: 'port (0: any free port)' },
    host: { type: 'string', default: '127.0.0.1', description: 'address to listen on' },
    name: { type: 'string', default: 'tsp-embedded', description: 'model name clients send' },
    quiet: { type: 'boolean', description: 'do not log requests' },
  },
  async run({ args }) {
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new TspError('invalid-input', `bad --port '${args.port}'`);
    await useBackend('wasm');
    const policy = await loadEmbedded(args.model);
    const server = await startCompletionsServer(policy, {
      modelName: args.name,
      host: args.host,
      port,
      loadAdapter: loadEmbedded,
      // Warnings (a prompt cut to the model's context) are logged even with --quiet.
      onRequest: (r) => {
        if (!args.quiet) console.error(`${r.status} ${r.path} ${Math.round(r.ms)} ms`);
        for (const w of r.warnings ?? []) console.error(`warning: ${r.path}: ${w}`);
      },
    }).catch((e: unknown) => {
      throw new TspError(
        'io-error',
        `cannot listen on ${args.host}:${port}: ${e instanceof Error ? e.message : String(e)}`,
      );
    });
    console.log(`serving ${args.model} as '${args.name}' (${policy.id}) at ${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        void server.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
