/**
 * bart rules files (spec/bart.md §4): the block/flag algebra of `read_rules` and the default
 * rules of create and compare. Keywords live in rules-keywords.ts, the lexer in
 * rules-lexer.ts, matching in rules-match.ts. Pure: create's subtree globbing is passed in.
 */
import { RulesLexer } from './rules-lexer.js';
import { lookupKeyword } from './rules-keywords.js';

export { ATTR, COMPARE_DEFAULT_FLAGS, lookupKeyword, parseKeywordList } from './rules-keywords.js';
export type { AttrKeyword } from './rules-keywords.js';
export { checkRules, excludeFname, matchSubtree } from './rules-match.js';

export interface Modifier {
  readonly pattern: string;
  readonly include: boolean;
  readonly isDir: boolean;
}

export interface Rule {
  readonly subtree: string;
  /** In bart's order: negated directory patterns first (reversed), then the rest as written. */
  readonly modifiers: readonly Modifier[];
  attrs: number;
  /** Line of the rules file where the subtree was written (0 for built-in default rules). */
  readonly line: number;
}

export type Exclusion = 'none' | 'skip' | 'prune';

export interface RulesDiagnostic {
  readonly line: number;
  readonly kind: 'syntax' | 'unknown-keyword';
  /** Short text for `file:line: message`. */
  readonly message: string;
  /** The exact bytes bart prints on stderr for it, newline included. */
  readonly bartText: string;
}

export interface SubtreeExpansion {
  /** Existing paths the pattern expands to, in readdir order. */
  paths: string[];
  /** stderr lines printed while expanding (perror texts, "WARNING: Ignoring invalid subtree"). */
  messages: string[];
}

export interface ParseRulesOptions {
  mode: 'create' | 'compare';
  /** create: ATTR.contents, or 0 with -n; compare: COMPARE_DEFAULT_FLAGS minus -i keywords. */
  initialFlags: number;
  /** create: the absolute -R directory without trailing slash, or ''. */
  relocRoot?: string;
  /** create: globs relocRoot + subtree line on the real file system (spec §4.3). */
  expandSubtree?: (fullPattern: string) => SubtreeExpansion;
}

export interface ParsedRules {
  /** In file order; compare's R0 (subtree `/`, modifier `*`) first. */
  readonly rules: Rule[];
  readonly diagnostics: RulesDiagnostic[];
  readonly expansionMessages: string[];
  /**
   * Everything read_rules printed on stderr, in order: diagnostics, expansion messages and,
   * when fatal is 'syntax', the final "ABORTING: Syntax error(s) in the rules file\n".
   */
  readonly stderr: string[];
  /** syntax: bart printed the diagnostics, then ABORTING, and exits 2; unknown-keyword:
   * parsing stopped at that keyword and bart exits 2 at once. */
  readonly fatal: 'none' | 'syntax' | 'unknown-keyword';
  /** read_rules returned 1: a subtree could not be expanded (create exit status, §3.9). */
  readonly invalidSubtree: boolean;
}

const SYNTAX_ERR = 'ERROR: Ignoring rules syntax error: ';
export const SYNTAX_ABORT = 'ABORTING: Syntax error(s) in the rules file\n';
const PATH_MAX = 1024;

/**
 * add_modifier(): a leading `!` excludes; a trailing `/` makes a directory pattern. Negated
 * directory patterns go to the front so that pruning is decided first.
 */
export function addModifier(modifiers: Modifier[], text: string): void {
  const include = !text.startsWith('!');
  const pattern = include ? text : text.slice(1);
  const mod: Modifier = { pattern, include, isDir: pattern.endsWith('/') };
  if (mod.isDir && !include) modifiers.unshift(mod);
  else modifiers.push(mod);
}

function defaultRule(subtree: string, flags: number): Rule {
  const modifiers: Modifier[] = [];
  addModifier(modifiers, '*');
  return { subtree, modifiers, attrs: flags, line: 0 };
}

/**
 * The rule of a create without `-r` (setup_default_rule, spec/bart.md §3.3): the root with
 * the *file* pattern `*`, which is why default manifests have no directory lines.
 */
export function defaultCreateRule(root: string, flags: number): Rule {
  return defaultRule(root === '' ? '/' : root, flags);
}

/** The default rule R0 of compare (subtree `/`, pattern `*`, spec/bart.md §4.2). */
export function defaultCompareRule(flags: number): Rule {
  return defaultRule('/', flags);
}

/** Tokens up to the end of the line, a `#` token, or an empty token (bart stops at all). */
function restOfLine(lexer: RulesLexer, stopAtComment: boolean): string[] {
  const tokens: string[] = [];
  for (let t = lexer.nextToken(); t !== undefined && t !== ''; t = lexer.nextToken()) {
    if (stopAtComment && t.startsWith('#')) break;
    tokens.push(t);
  }
  return tokens;
}

/**
 * read_rules() (spec/bart.md §4.1–4.3). Global CHECK/IGNORE (before any subtree) change the
 * starting flags of later rules; after a subtree they change every rule from the start of
 * the current block to the end of the list. In compare, R0 starts the first block, so a
 * file without global directives lets its first block change R0 too (bart quirk, §4.2).
 */
export function parseRules(text: string, opts: ParseRulesOptions): ParsedRules {
  const rules: Rule[] = [];
  const diagnostics: RulesDiagnostic[] = [];
  const expansionMessages: string[] = [];
  const stderr: string[] = [];
  let inFlags = opts.initialFlags >>> 0;
  let globalBlock = true;
  let directiveSeen = false;
  let invalidSubtree = false;
  // Index of the first rule of the current block; null as in C before any (or after an
  // empty glob expansion, whose NULL rule then starts the block).
  let blockBegin: number | null = null;
  if (opts.mode === 'compare') {
    rules.push(defaultCompareRule(inFlags));
    blockBegin = 0;
  }
  const lexer = new RulesLexer(text);
  const report = (d: RulesDiagnostic) => {
    diagnostics.push(d);
    stderr.push(d.bartText);
  };
  while (!lexer.atEof) {
    const first = lexer.firstToken();
    if (first === undefined || first === '' || first.startsWith('#')) continue;
    const line = lexer.lineStart;
    if (first.startsWith('/')) {
      globalBlock = false;
      const created = createSubtreeRules(first, line, opts);
      if (created.messages.length > 0) invalidSubtree = true;
      expansionMessages.push(...created.messages);
      stderr.push(...created.messages);
      const modifiers = restOfLine(lexer, true);
      for (const rule of created.rules) for (const m of modifiers) addModifier(rule.modifiers as Modifier[], m);
      const firstNew = created.rules.length > 0 ? rules.length : null;
      if (blockBegin === null || directiveSeen) {
        blockBegin = firstNew;
        directiveSeen = false;
      }
      // Only the first expansion gets the flags; the others keep 0 (bart quirk, §3.5).
      if (created.rules[0]) created.rules[0].attrs = inFlags;
      rules.push(...created.rules);
    } else if (first === 'CHECK' || first === 'IGNORE') {
      directiveSeen = true;
      for (const word of restOfLine(lexer, true)) {
        const bits = lookupKeyword(word);
        if (bits === undefined) {
          // Despite the word "Ignoring", bart exits at once (spec/bart.md §4.1).
          report({ line, kind: 'unknown-keyword', message: `unknown keyword '${word}'`, bartText: `${SYNTAX_ERR}${word}\n` });
          return { rules, diagnostics, expansionMessages, stderr, fatal: 'unknown-keyword', invalidSubtree };
        }
        const apply = (flags: number) => (first === 'CHECK' ? flags | bits : flags & ~bits) >>> 0;
        if (globalBlock) inFlags = apply(inFlags);
        else if (blockBegin !== null) for (let k = blockBegin; k < rules.length; k++) rules[k]!.attrs = apply(rules[k]!.attrs);
      }
    } else {
      const rest = restOfLine(lexer, false);
      report({
        line,
        kind: 'syntax',
        message: `syntax error: '${first}' is not a subtree, CHECK or IGNORE`,
        bartText: `${SYNTAX_ERR}${first}\n${rest.map((t) => ` ${t}`).join('')}\n`,
      });
    }
  }
  const fatal = diagnostics.length > 0 ? 'syntax' : 'none';
  if (fatal === 'syntax') stderr.push(SYNTAX_ABORT);
  return { rules, diagnostics, expansionMessages, stderr, fatal, invalidSubtree };
}

/** add_subtree_rule(): compare keeps the text as a pattern; create globs the file system. */
function createSubtreeRules(text: string, line: number, opts: ParseRulesOptions): { rules: Rule[]; messages: string[] } {
  // snprintf into a PATH_MAX buffer.
  const full = `${opts.relocRoot ?? ''}${text}`.slice(0, PATH_MAX - 1);
  const make = (subtree: string): Rule => ({ subtree, modifiers: [], attrs: 0, line });
  if (opts.mode === 'compare' || !opts.expandSubtree) return { rules: [make(full)], messages: [] };
  const { paths, messages } = opts.expandSubtree(full);
  return { rules: paths.map(make), messages };
}
