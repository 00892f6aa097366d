/**
 * `preupd bart create`: illumos `bart create` with its exact argv handling, texts and exit
 * codes (spec/bart.md §1, §3). Hashes with MD5 and writes `! Version 1.0` manifests.
 */
import { readFileSync } from 'node:fs';
import { buffer as readStream } from 'node:stream/consumers';
import { formatHeader } from '../manifest/format.js';
import { bartUsage } from './bart.js';
import { perror } from '../walk/walk-fs.js';
import { manifestDate, parseRequestRules, resolveRelocRoot, stdoutOutput, writeManifest, type CreateRequest } from './create-run.js';
import { getopt } from './getopt.js';
import { fromCwd, walkerPath, type CliIo } from './io.js';

/** bart's PATH_MAX (bart.h, the NUL included): read_filelist's path buffer. */
const PATH_MAX = 1024;

/**
 * Names from stdin as bart reads them: fgets(1024) + strtok("\n"), so a line is cut into
 * 1023-byte names, a name ends at a NUL byte (C string), and an empty one ends the list.
 */
export function bartFileList(input: string): string[] {
  const names: string[] = [];
  let at = 0;
  while (at < input.length) {
    const nl = input.indexOf('\n', at);
    const end = Math.min(nl < 0 ? input.length : nl + 1, at + PATH_MAX - 1);
    const line = input.slice(at, end);
    at = end;
    // fgets reads past a NUL (only `\n` stops it); strtok stops there.
    const nul = line.indexOf('\0');
    const token = (nul < 0 ? line : line.slice(0, nul)).replace(/\n$/, '');
    if (token === '') break;
    names.push(token);
  }
  return names;
}

/**
 * The name to hand createFromList for one -I name so that it lstats, lists and reports what
 * bart does: read_filelist snprintf()s the root and the name into a PATH_MAX buffer, so the
 * path is cut to 1023 bytes (a longer name can then list a file it did not name).
 * createFromList joins root and name as that snprintf does (`%s%s`, or `%s/%s` for a
 * relative name under a root), and past the root the cut path starts with `/`, so the rest
 * of it joins back to itself. (A root of 1023 bytes or more gives '', hence `root/`, which is
 * the same directory: bart's getcwd into PATH_MAX cannot hold a longer one.)
 */
export function bartListName(relocRoot: string, name: string): string {
  const path = relocRoot === '' || name.startsWith('/') ? relocRoot + name : `${relocRoot}/${name}`;
  return path.length < PATH_MAX ? name : path.slice(relocRoot.length, PATH_MAX - 1);
}

async function readStdin(io: CliIo): Promise<string> {
  return (await readStream(io.stdin())).toString('latin1');
}

export async function bartCreate(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = getopt('create', args, 'Inr:R:');
  const req: CreateRequest = { relocRoot: '', computeChecksum: true, hash: 'md5', acl: 'auto' };
  let rulesSource: string | undefined;
  let listMode = false;
  for (const { opt, arg } of parsed.options) {
    if (opt === 'n') req.computeChecksum = false;
    else if (opt === 'R') {
      try {
        req.relocRoot = resolveRelocRoot(arg!, io.cwd);
      } catch (err) {
        io.stderr(perror(arg!, err));
        return bartUsage(io);
      }
    } else if (opt === 'r') {
      rulesSource = arg!;
      if (arg !== '-') {
        try {
          req.rules = { file: arg!, text: readFileSync(fromCwd(io.cwd, arg!), 'latin1') };
        } catch (err) {
          io.stderr(perror(arg!, err));
          return bartUsage(io);
        }
      }
    } else if (opt === 'I') {
      if (rulesSource !== undefined) {
        io.stderr('ERROR: Cannot use -I and -r options together\n');
        return bartUsage(io);
      }
      listMode = true;
    }
  }
  if (parsed.error) {
    io.stderr(parsed.error + '\n');
    return bartUsage(io);
  }
  if (listMode) {
    // bart quirk: `-I -r x` is accepted; the rules file is opened but ignored (§3.1).
    req.rules = undefined;
    const names = parsed.operands.length ? parsed.operands.map(walkerPath) : bartFileList(await readStdin(io));
    req.fileList = names.map((name) => bartListName(req.relocRoot, name));
  } else if (rulesSource === '-') {
    req.rules = { file: '-', text: await readStdin(io) };
  }
  const out = stdoutOutput(io);
  const rules = req.fileList ? undefined : parseRequestRules(req);
  if (rules) {
    // bart forks the sorting child (which prints the header) before reading the rules.
    for (const text of rules.stderr) io.stderr(Buffer.from(text, 'latin1'));
    if (rules.fatal !== 'none') {
      await out.write(formatHeader('md5', manifestDate(io.env)));
      return 2;
    }
  }
  return writeManifest(req, rules, io, out);
}
