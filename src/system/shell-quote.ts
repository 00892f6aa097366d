/**
 * One argv as a line a shell user could paste: arguments made only of safe characters stay
 * bare, anything else is single-quoted. Display only (dry-run output, logs): commands are
 * never run through a shell.
 */
export function formatArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function quoteArg(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
