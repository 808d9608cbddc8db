export * from './chat-templates.ts';
export * from './completions-api.ts';
export * from './openai-policy.ts';
export * from './retry.ts';
