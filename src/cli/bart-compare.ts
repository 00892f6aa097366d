import type { CliIo } from './io.js';
import { bartUsage } from './bart.js';

// Placeholder until the compare engine lands (issue 3); replaced by the real command.
export async function bartCompare(_args: readonly string[], io: CliIo): Promise<number> {
  return bartUsage(io);
}
