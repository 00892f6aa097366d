/**
 * `preupd bart create`: illumos `bart create` with its exact argv handling, texts and exit
 * codes (spec/bart.md §1, §3). Hashes with MD5 and writes `! Version 1.0` manifests.
 */
import { readFileSync } from 'node:fs';
import { buffer as readStream } from 'node:stream/consumers';
import { formatHeader } from '../manifest/format.js';
import { bartUsage } from './bart.js';
import { manifestDate, parseRequestRules, resolveRelocRoot, stdoutOutput, writeManifest, type CreateRequest } from './create-run.js';
import { getopt } from './getopt.js';
import { fromCwd, walkerPath, type CliIo } from './io.js';
import { strerror } from '../walk/walk-fs.js';

/** Names from stdin as bart reads them: fgets(1024) + strtok("\n"), an empty line ends the list. */
export function bartFileList(input: string): string[] {
  const names: string[] = [];
  let at = 0;
  while (at < input.length) {
    const nl = input.indexOf('\n', at);
    const end = Math.min(nl < 0 ? input.length : nl + 1, at + 1023);
    const chunk = input.slice(at, end);
    at = end;
    const token = chunk.split('\n').find((t) => t !== '');
    if (token === undefined) break;
    names.push(token);
  }
  return names;
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
        io.stderr(`${arg}: ${strerror(err)}\n`);
        return bartUsage(io);
      }
    } else if (opt === 'r') {
      rulesSource = arg!;
      if (arg !== '-') {
        try {
          req.rules = { file: arg!, text: readFileSync(fromCwd(io.cwd, arg!), 'latin1') };
        } catch (err) {
          io.stderr(`${arg}: ${strerror(err)}\n`);
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
    req.fileList = parsed.operands.length ? parsed.operands.map(walkerPath) : bartFileList(await readStdin(io));
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
