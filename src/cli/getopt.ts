/**
 * POSIX getopt as illumos libc implements it, for the `preupd bart` drop-in: options stop at
 * the first operand or `--` (no permutation), clustered flags (`-nR root`), an option's
 * argument attached (`-rfile`) or in the next word, and illumos' own error texts.
 */
export interface GetoptResult {
  options: Array<{ opt: string; arg?: string }>;
  operands: string[];
  /** illumos getopt's message (without newline) when parsing stopped at a bad option. */
  error?: string;
}

export function getopt(prog: string, args: readonly string[], spec: string): GetoptResult {
  const options: GetoptResult['options'] = [];
  let i = 0;
  while (i < args.length) {
    const word = args[i]!;
    if (word === '--') {
      i++;
      break;
    }
    if (word.length < 2 || word[0] !== '-') break;
    for (let j = 1; j < word.length; j++) {
      const opt = word[j]!;
      const at = opt === ':' ? -1 : spec.indexOf(opt);
      if (at < 0) {
        return { options, operands: [], error: `${prog}: illegal option -- ${opt}` };
      }
      if (spec[at + 1] !== ':') {
        options.push({ opt });
        continue;
      }
      if (j + 1 < word.length) {
        options.push({ opt, arg: word.slice(j + 1) });
      } else if (i + 1 < args.length) {
        options.push({ opt, arg: args[++i]! });
      } else {
        return { options, operands: [], error: `${prog}: option requires an argument -- ${opt}` };
      }
      break;
    }
    i++;
  }
  return { options, operands: args.slice(i) };
}

/**
 * getopt's attached values for the commands yargs parses, which would read `-imtime` as the
 * flags -i -m -t -i -m -e: `-imtime` becomes `-i mtime`, `-pimtime` `-pi mtime`; `-r=rules`
 * stays for yargs, which takes `rules` (getopt would take `=rules`: no one means that). A word that
 * is the value of the option before it (`-r -imtime` names the rules file `-imtime`) and
 * words after `--` are left alone. `takesValue`: the letters of options that take a value.
 */
export function detachValues(args: readonly string[], takesValue: string): string[] {
  const out: string[] = [];
  let isValue = false;
  for (const [n, word] of args.entries()) {
    if (word === '--') return [...out, ...args.slice(n)];
    const letters: string = !isValue && /^-[^-]/.test(word) ? word.slice(1) : '';
    const at: number = [...letters].findIndex((c) => takesValue.includes(c));
    isValue = at >= 0 && at === letters.length - 1;
    // `-r=rules`: yargs takes `rules`, as preupd always did (getopt would take `=rules`).
    if (at < 0 || isValue || letters[at + 1] === '=') out.push(word);
    else out.push(word.slice(0, at + 2), word.slice(at + 2));
  }
  return out;
}
