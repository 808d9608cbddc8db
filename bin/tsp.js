#!/usr/bin/env node
// The `tsp` command. TypeScript sources run directly through tsx's loader: no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv.slice(2));
