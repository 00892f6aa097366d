/**
 * A Runner that answers `zfs` and `zpool` from a DirZfsStore (copies, for the demo only)
 * and hands every other command to the process runner. It speaks exactly the argv that
 * src/system/zfs.ts writes, so the pipeline runs unchanged on it. Dry runs and printing
 * behave as in the process runner.
 */
import { SystemCommandError } from '../errors.js';
import type { CommandName } from '../system/commands.js';
import { createProcessRunner, type ProcessRunnerOptions } from '../system/process-runner.js';
import type { RunOptions, RunResult, Runner } from '../system/runner.js';
import { formatArgv } from '../system/shell-quote.js';
import { DirZfsError, DirZfsStore } from './dir-zfs-store.js';

export function createDirZfsRunner(storeDir: string, options: ProcessRunnerOptions): Runner {
  const processes = createProcessRunner(options);
  const announce = options.onCommand ?? (() => {});
  return {
    dryRun: processes.dryRun,
    effect: (description, apply) => processes.effect(description, apply),
    async run(command: CommandName, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
      if (command !== 'zfs' && command !== 'zpool') return processes.run(command, args, opts);
      const argv = [command, ...args];
      if (opts.mutates) announce(formatArgv(argv));
      if (processes.dryRun && opts.mutates) return { argv, status: 0, stdout: '', stderr: '' };
      const store = new DirZfsStore(storeDir);
      let result: RunResult;
      try {
        const stdout = command === 'zfs' ? zfs(store, [...args]) : zpool(store, [...args]);
        store.save();
        result = { argv, status: 0, stdout, stderr: '' };
      } catch (err) {
        if (!(err instanceof DirZfsError)) throw err;
        result = { argv, status: 1, stdout: '', stderr: `${err.message}\n` };
      }
      if (!(opts.okStatuses ?? [0]).includes(result.status)) throw new SystemCommandError(argv, result.status, result.stderr);
      return result;
    },
  };
}

/** `-o p=v` pairs and flags before the operands. */
function options(args: string[]): { flags: Set<string>; props: Record<string, string>; values: Record<string, string>; rest: string[] } {
  const flags = new Set<string>();
  const props: Record<string, string> = {};
  const values: Record<string, string> = {};
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    const arg = args[i]!;
    if (arg === '-o' || arg === '-t' || arg === '-d') {
      const value = args[++i]!;
      if (arg === '-o' && value.includes('=')) props[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
      else values[arg] = value;
    } else for (const ch of arg.slice(1)) flags.add(ch);
  }
  return { flags, props, values, rest: args.slice(i) };
}

function zfs(store: DirZfsStore, args: string[]): string {
  const [sub, ...more] = args;
  const o = options(more);
  switch (sub) {
    case 'create': store.create(o.rest[0]!, o.props); return '';
    case 'snapshot': store.snapshot(o.rest[0]!, o.flags.has('r')); return '';
    case 'clone': store.clone(o.rest[0]!, o.rest[1]!, o.props); return '';
    case 'promote': store.promote(o.rest[0]!); return '';
    case 'destroy': store.destroy(o.rest[0]!, o.flags.has('r') || o.flags.has('R')); return '';
    case 'mount': store.mount(o.rest[0]!); return '';
    case 'unmount': store.unmount(o.rest[0]!); return '';
    case 'inherit': store.inherit(o.rest[1]!, o.rest[0]!); return '';
    case 'set': {
      const [pair, name] = o.rest as [string, string];
      store.set(name, pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      return '';
    }
    case 'get': {
      const [props, ...names] = o.rest as [string, ...string[]];
      return names
        .flatMap((name) => props.split(',').map((p) => {
          const { value, source } = store.property(name, p);
          return `${name}\t${p}\t${value}\t${source}\n`;
        }))
        .join('');
    }
    case 'list': return list(store, o);
    default: throw new DirZfsError(`zfs (directory backend): unsupported subcommand ${sub}`);
  }
}

function list(store: DirZfsStore, o: ReturnType<typeof options>): string {
  const columns = (o.values['-o'] ?? 'name').split(',');
  const type = o.values['-t'] ?? 'filesystem';
  const depth = o.flags.has('r') ? Infinity : o.values['-d'] !== undefined ? Number(o.values['-d']) : 0;
  const roots = o.rest.length > 0 ? o.rest : store.names().filter((n) => !n.includes('/') && !n.includes('@'));
  const rows: string[] = [];
  for (const root of roots) {
    if (!store.has(root)) throw new DirZfsError(`cannot open '${root}': dataset does not exist`);
    const level = (n: string) => (n === root ? 0 : n.split('@')[0]!.split('/').length - root.split('/').length + (n.includes('@') ? 1 : 0));
    for (const name of store.names()) {
      const inTree = name === root || name.startsWith(`${root}/`) || name.startsWith(`${root}@`);
      const isSnap = name.includes('@');
      // A snapshot named as the operand is listed whatever -t says (as zfs does without -t).
      const typeOk = type === 'all' || (type === 'snapshot') === isSnap || (name === root && o.values['-t'] === undefined);
      if (!inTree || level(name) > depth || !typeOk) continue;
      rows.push(columns.map((c) => (c === 'name' ? name : store.property(name, c).value)).join('\t'));
    }
  }
  return rows.map((r) => `${r}\n`).join('');
}

function zpool(store: DirZfsStore, args: string[]): string {
  const [sub, what, pool] = args as [string, string, string];
  if (sub === 'get') return `NAME\tPROPERTY\tVALUE\tSOURCE\n${pool}\t${what}\t${store.poolProperty(what)}\tlocal\n`;
  if (sub === 'set') {
    store.setPoolProperty(what.slice(0, what.indexOf('=')), what.slice(what.indexOf('=') + 1));
    return '';
  }
  throw new DirZfsError(`zpool (directory backend): unsupported subcommand ${sub}`);
}
