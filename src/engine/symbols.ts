/**
 * A light, language-aware reading of diff lines: which lines change no behaviour (blank, comments, imports,
 * type-only declarations), which functions/classes/components a change defines, and which lines sit inside
 * a flag-guarded block.
 *
 * Why no parser: a GitHub patch shows hunks with three lines of context, never whole files, so a real parser
 * (TypeScript's, tree-sitter's) would fail on nearly every input, and one grammar per language would weigh
 * more than the rest of the app. Definitions follow few, regular shapes in each language and blocks are
 * delimited by braces (C-like languages, JSX), indentation (Python, Ruby, YAML) or tags (templates), so a
 * per-line scan that tracks bracket depth or indentation models the common idioms well, runs in linear
 * time, and degrades gracefully on fragments.
 */

export type Language = 'js' | 'go' | 'java' | 'php' | 'python' | 'ruby' | 'template' | 'sql' | 'other';

/** How a line counts: only `code` changes behaviour. */
export type LineKind = 'code' | 'blank' | 'comment' | 'import' | 'type' | 'closer';

export function languageOf(path: string): Language {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1);
  if (name.endsWith('.blade.php') || name.endsWith('.html.erb') || ext === 'erb') return 'template';
  switch (ext) {
    case 'js':
    case 'jsx':
    case 'mjs':
    case 'cjs':
    case 'ts':
    case 'tsx':
    case 'mts':
    case 'cts':
    case 'vue':
    case 'svelte':
      return 'js';
    case 'go':
      return 'go';
    case 'java':
    case 'kt':
    case 'kts':
    case 'scala':
    case 'groovy':
    case 'cs':
    case 'swift':
    case 'rs':
    case 'c':
    case 'cc':
    case 'cpp':
    case 'h':
    case 'hpp':
    case 'dart':
      return 'java';
    case 'php':
      return 'php';
    case 'py':
    case 'pyi':
      return 'python';
    case 'rb':
    case 'rake':
    case 'ru':
    case 'gemspec':
      return 'ruby';
    case 'html':
    case 'htm':
    case 'jinja':
    case 'jinja2':
    case 'j2':
    case 'djhtml':
    case 'hbs':
    case 'liquid':
    case 'njk':
    case 'twig':
      return 'template';
    case 'sql':
      return 'sql';
    default:
      return name === 'gemfile' || name === 'rakefile' ? 'ruby' : 'other';
  }
}

export const usesBraces = (lang: Language): boolean => lang === 'js' || lang === 'go' || lang === 'java' || lang === 'php';

/** Classification state, carried along one side (old or new) of a file's diff lines. */
export interface ClassifierState {
  blockComment: boolean;
  docstring: string | undefined;
  goImportBlock: boolean;
  /** Bracket depth inside a type-only declaration (TS interface/type, Go interface), 0 when outside. */
  typeDepth: number;
  /** A TS `type X =` whose union continues on the next lines (`| 'a'`). */
  typeContinues: boolean;
}

export const newClassifierState = (): ClassifierState => ({
  blockComment: false,
  docstring: undefined,
  goImportBlock: false,
  typeDepth: 0,
  typeContinues: false,
});

const JS_IMPORT =
  /^(?:import\s|import\{|export\s+(?:\*|\{[^}]*\}\s*from|type\s*\{)|(?:const|let|var)\s+[\w${},:][\w${}\s,:]*=\s*require\(\s*["'][^"']+["']\s*\)\s*;?$|require\(\s*["'])/;
const JS_EXPORT_LIST = /^export\s*\{[^}]*\}\s*;?$|^export\s+default\s+[\w$]+\s*;?$/;
const TS_TYPE =
  /^(?:export\s+)?(?:declare\s+)?(?:type\s+[\w$]+(?:<[^=]*>)?\s*=|interface\s+[\w$]+|declare\s+(?:module|global|namespace)\b)/;
const GO_TYPE = /^type\s+\w+(?:\[[^\]]*\])?\s+(?:interface\s*\{|=?\s*[\w.*[\]]+\s*$)/;
const PY_IMPORT = /^(?:import\s+[\w.]+|from\s+[\w.]+\s+import\b)/;
const RUBY_IMPORT = /^(?:require|require_relative|load|autoload)\b/;
const JAVA_IMPORT = /^(?:import|package)\s+[\w.*]+(?:\s+as\s+\w+)?;?$/;
const PHP_IMPORT = /^(?:use\s+[\w\\]+|namespace\s+[\w\\]+|require(?:_once)?\b|include(?:_once)?\b)/;
/** A PHP file's opening tag, alone or with the strict-types directive every modern file starts with. */
const PHP_HEADER = /^(?:<\?php|(?:<\?php\s+)?declare\s*\(\s*strict_types\s*=\s*[01]\s*\)\s*;)$/;
/** A Kotlin file annotation (`@file:JvmName("Cart")`, `@file:Suppress(…)`, `@file:OptIn(…)`): for the compiler only. */
const KOTLIN_FILE_ANNOTATION = /^@file:/;
const CLOSER = /^[\s})\];,]*$/;

/**
 * The kind of one line, updating `state` for the lines that follow on the same side. Each line costs a
 * `trim`, a first-character switch and at most one or two anchored regexes.
 */
export function classifyLine(lang: Language, content: string, state: ClassifierState): LineKind {
  const text = content.trim();
  if (text.length === 0) return 'blank';
  if (state.blockComment) {
    if (text.includes('*/')) state.blockComment = false;
    return 'comment';
  }
  if (state.docstring !== undefined) {
    if (text.includes(state.docstring)) state.docstring = undefined;
    return 'comment';
  }
  const c0 = text.charCodeAt(0);
  // Comments.
  if (c0 === 47 /* / */ && (text.startsWith('//') || text.startsWith('/*'))) {
    if (text.startsWith('/*') && !text.includes('*/', 2)) state.blockComment = true;
    return 'comment';
  }
  if (c0 === 42 /* * */ && lang !== 'python' && lang !== 'ruby') return 'comment';
  if (c0 === 35 /* # */ && (lang === 'python' || lang === 'ruby' || lang === 'php' || lang === 'other')) return 'comment';
  if (c0 === 45 /* - */ && text.startsWith('--') && lang === 'sql') return 'comment';
  if (c0 === 60 /* < */ && (text.startsWith('<!--') || text.startsWith('<%#'))) return 'comment';
  if (c0 === 123 /* { */ && text.startsWith('{#')) return 'comment';
  if (lang === 'python' && (c0 === 34 || c0 === 39) && (text.startsWith('"""') || text.startsWith("'''"))) {
    const quote = text.slice(0, 3);
    if (!text.includes(quote, 3)) state.docstring = quote;
    return 'comment';
  }

  // Type-only declarations that span lines.
  if (state.typeDepth > 0) {
    state.typeDepth += bracketBalance(text);
    if (state.typeDepth < 0) state.typeDepth = 0;
    return 'type';
  }
  if (state.typeContinues) {
    if (c0 === 124 /* | */ || c0 === 38 /* & */) {
      state.typeContinues = !text.endsWith(';');
      return 'type';
    }
    state.typeContinues = false;
  }
  if (lang === 'go' && state.goImportBlock) {
    if (text.startsWith(')')) state.goImportBlock = false;
    return 'import';
  }
  if (CLOSER.test(text) || ((lang === 'ruby' || lang === 'other') && text === 'end')) return 'closer';

  switch (lang) {
    case 'js':
      if (c0 === 105 /* i */ || c0 === 101 /* e */ || c0 === 99 /* c */ || c0 === 108 /* l */ || c0 === 118 /* v */ || c0 === 114 /* r */) {
        if (JS_IMPORT.test(text) || JS_EXPORT_LIST.test(text)) return 'import';
      }
      if (c0 === 116 /* t */ || c0 === 105 /* i */ || c0 === 101 /* e */ || c0 === 100 /* d */) {
        if (TS_TYPE.test(text)) return openType(text, state);
      }
      return 'code';
    case 'go':
      if (text.startsWith('import')) {
        if (/^import\s*\($/.test(text)) state.goImportBlock = true;
        return 'import';
      }
      if (text.startsWith('package ')) return 'import';
      if (text.startsWith('type') && GO_TYPE.test(text)) return openType(text, state);
      return 'code';
    case 'python':
      return PY_IMPORT.test(text) ? 'import' : 'code';
    case 'ruby':
      return RUBY_IMPORT.test(text) ? 'import' : 'code';
    case 'java':
      if (text.startsWith('typealias ')) return 'type';
      if (c0 === 64 /* @ */ && KOTLIN_FILE_ANNOTATION.test(text)) return 'import';
      return (c0 === 105 || c0 === 112 || c0 === 117) &&
        (JAVA_IMPORT.test(text) || /^using\s+[\w.]+;$/.test(text) || /^use\s+[\w:{}, ]+;$/.test(text))
        ? 'import'
        : 'code';
    case 'php':
      return PHP_IMPORT.test(text) || PHP_HEADER.test(text) ? 'import' : 'code';
    default:
      return 'code';
  }
}

function openType(text: string, state: ClassifierState): LineKind {
  const balance = bracketBalance(text);
  if (balance > 0) state.typeDepth = balance;
  else if (text.endsWith('=')) state.typeContinues = true;
  return 'type';
}

/** Net count of opening minus closing brackets, skipping string literals. */
export function bracketBalance(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 123 || ch === 40 || ch === 91) depth++;
    else if (ch === 125 || ch === 41 || ch === 93) depth--;
    else if (ch === 34 || ch === 39 || ch === 96) {
      const end = text.indexOf(text[i], i + 1);
      if (end < 0) break;
      i = end;
    } else if (ch === 47 && text.charCodeAt(i + 1) === 47) break;
  }
  return depth;
}

/** Start and lowest depth reached along the line, and the depth at its end, relative to its start. */
function bracketWalk(text: string): { min: number; end: number } {
  let depth = 0;
  let min = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 123 || ch === 40 || ch === 91) depth++;
    else if (ch === 125 || ch === 41 || ch === 93) {
      depth--;
      if (depth < min) min = depth;
    } else if (ch === 34 || ch === 39 || ch === 96) {
      const end = text.indexOf(text[i], i + 1);
      if (end < 0) break;
      i = end;
    } else if (ch === 47 && text.charCodeAt(i + 1) === 47) break;
  }
  return { min, end: depth };
}

const indentOf = (text: string): number => {
  let i = 0;
  let width = 0;
  for (; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 32) width++;
    else if (ch === 9) width += 4;
    else break;
  }
  return i === text.length ? -1 : width;
};

// ---------------------------------------------------------------------------------------------------------
// Flag-guarded blocks

/** One line of a side of a hunk (new side: added and context lines), with whether it checks a flag. */
export interface GuardLine {
  content: string;
  /** The line checks a flag (a recognised call, or a use of an alias of one). */
  checksFlag: boolean;
}

const NEGATED = /!\s*[\w$@(]|\bnot\s|\bunless\b|[!=]==?\s*false\b|\bfalse\s*[!=]==?|\bisOff\b|\bis_off\b|\bdisabled\?/;
const EXIT =
  /\b(?:return|throw|raise|panic|abort|next|redirect_to|redirect|head\s+:not_found|render_404|not_found|notFound|Http404|http\.NotFound|http\.Error|c\.AbortWithStatus|AbortWithStatus)\b/;
const CONTINUATION = /^(?:else\b|elif\b|elsif\b|except\b|rescue\b|ensure\b|when\b|in\s|finally\b|catch\b|case\b|default\b)/;

interface Frame {
  at: number;
  negated: boolean;
  exits: boolean;
  decorator: boolean;
}

/**
 * Which lines sit in flag-guarded code: after a flag check, inside the block it opens (braces for C-like
 * languages and JSX, indentation for Python/Ruby/YAML, tags for templates), including `else` branches
 * (they are the other side of the same switch, and re-indented old code lands there); the check's own
 * line (`{flag && <X/>}`, ternaries, trailing `if`); and everything after an early exit on a flag
 * (`if (!flags.x) return`, `return unless Flipper.enabled?(:x)`, `if not flag_is_active(...): raise Http404`)
 * until the enclosing block ends.
 */
export function guardedLines(lang: Language, lines: readonly GuardLine[]): boolean[] {
  if (usesBraces(lang)) return guardedByBraces(lines);
  if (lang === 'template') return guardedByTags(lines);
  if (lang === 'python' || lang === 'ruby' || lang === 'other') return guardedByIndent(lines);
  return lines.map((line) => line.checksFlag);
}

function guardedByBraces(lines: readonly GuardLine[]): boolean[] {
  const guarded = new Array<boolean>(lines.length).fill(false);
  const frames: Frame[] = [];
  let depth = 0;
  let exitDepth: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const { content, checksFlag } = lines[i];
    const walk = bracketWalk(content);
    const min = depth + walk.min;
    const end = depth + walk.end;
    guarded[i] = checksFlag || frames.length > 0 || (exitDepth !== undefined && min >= exitDepth);
    const top = frames[frames.length - 1];
    if (!checksFlag && top?.negated && EXIT.test(content)) top.exits = true;
    while (frames.length > 0 && min <= frames[frames.length - 1].at) {
      const frame = frames[frames.length - 1];
      if (end > frame.at && /\belse\b/.test(content)) break;
      frames.pop();
      if (frame.negated && frame.exits) exitDepth = Math.min(exitDepth ?? frame.at, frame.at);
    }
    if (exitDepth !== undefined && end < exitDepth) exitDepth = undefined;
    if (checksFlag) {
      const negated = NEGATED.test(content);
      if (negated && EXIT.test(content) && end <= depth) exitDepth = Math.min(exitDepth ?? depth, depth);
      else if (end > Math.min(depth, min)) frames.push({ at: Math.min(depth, min), negated, exits: false, decorator: false });
    }
    depth = end;
  }
  return guarded;
}

function guardedByIndent(lines: readonly GuardLine[]): boolean[] {
  const guarded = new Array<boolean>(lines.length).fill(false);
  const frames: Frame[] = [];
  let exitIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const { content, checksFlag } = lines[i];
    const indent = indentOf(content);
    if (indent < 0) {
      guarded[i] = frames.length > 0 || exitIndent !== undefined;
      continue;
    }
    const text = content.trimStart();
    while (frames.length > 0 && indent <= frames[frames.length - 1].at) {
      const frame = frames[frames.length - 1];
      if (indent === frame.at && CONTINUATION.test(text)) break;
      if (indent === frame.at && frame.decorator && /^(?:@|def\s|async\s+def\s|class\s)/.test(text)) {
        if (!text.startsWith('@')) frame.decorator = false;
        break;
      }
      frames.pop();
      if (frame.negated && frame.exits) exitIndent = Math.min(exitIndent ?? frame.at, frame.at);
      if (indent === frame.at && text === 'end') {
        guarded[i] = true;
        break;
      }
    }
    if (exitIndent !== undefined && indent < exitIndent) exitIndent = undefined;
    guarded[i] ||= checksFlag || frames.length > 0 || exitIndent !== undefined;
    const top = frames[frames.length - 1];
    if (!checksFlag && top?.negated && EXIT.test(text)) top.exits = true;
    if (checksFlag) {
      const negated = NEGATED.test(text);
      if (negated && EXIT.test(text) && !/:\s*$|\bdo\s*(?:\|[^|]*\|)?\s*$/.test(text)) exitIndent = Math.min(exitIndent ?? indent, indent);
      else frames.push({ at: indent, negated, exits: false, decorator: text.startsWith('@') });
    }
  }
  return guarded;
}

const TEMPLATE_TAGS =
  /\{%-?\s*(\w+)|<%[-=]?\s*(if|unless|case|while|for|end)\b[^%]*%>|<%[-=]?[^%]*\bdo\s*(?:\|[^|]*\|)?\s*-?%>|@(feature|endfeature|if|endif|unless|endunless|foreach|endforeach|else|elseif)\b/g;
const TEMPLATE_OPEN = new Set([
  'if',
  'for',
  'block',
  'with',
  'flag',
  'switch',
  'sample',
  'ifflag',
  'ifswitch',
  'filter',
  'spaceless',
  'autoescape',
  'unless',
  'case',
  'while',
  'feature',
  'foreach',
  'macro',
  'call',
]);
const TEMPLATE_KEEP = new Set(['else', 'elif', 'elseif', 'empty', 'when']);

function guardedByTags(lines: readonly GuardLine[]): boolean[] {
  const guarded = new Array<boolean>(lines.length).fill(false);
  const stack: boolean[] = [];
  let guardedCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const { content, checksFlag } = lines[i];
    guarded[i] = checksFlag || guardedCount > 0;
    TEMPLATE_TAGS.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = TEMPLATE_TAGS.exec(content)) !== null) {
      const tag = match[1] ?? match[2] ?? match[3] ?? 'do';
      if (TEMPLATE_KEEP.has(tag)) continue;
      if (tag === 'end' || tag.startsWith('end')) {
        if (stack.pop()) guardedCount--;
      } else if (TEMPLATE_OPEN.has(tag) || tag === 'do') {
        stack.push(checksFlag);
        if (checksFlag) guardedCount++;
      }
    }
    if (guardedCount > 0) guarded[i] = true;
  }
  return guarded;
}

// ---------------------------------------------------------------------------------------------------------
// Definitions

export interface Definition {
  name: string;
  kind: 'function' | 'method' | 'class' | 'component';
  /** Index (in the given lines) of the definition line and of its last line. */
  start: number;
  end: number;
}

const JS_KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'function',
  'return',
  'constructor',
  'with',
  'else',
  'do',
  'try',
  'new',
  'typeof',
  'await',
  'super',
  'import',
  'export',
  'render',
]);

const DEFINITIONS: Partial<Record<Language, RegExp[]>> = {
  js: [
    /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([\w$]+)/,
    /^\s*(?:export\s+)?(?:const|let|var)\s+([\w$]+)\s*(?::[^=]{1,200})?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]{1,200})?=>|[\w$]+\s*=>|(?:React\.)?(?:memo|forwardRef|observer|styled[.(])|\(\s*$)/,
    /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([\w$]+)/,
    /^\s*(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*([\w$]+)\s*(?:<[^>]*>)?\([^)]*\)?\s*(?::\s*[^={;]{1,200})?\{\s*$/,
  ],
  go: [/^func\s+(?:\([^)]*\)\s*)?(\w+)\s*[[(]/, /^type\s+(\w+)\s+struct\b/],
  java: [
    /^\s*(?:(?:public|private|protected|internal|static|final|abstract|synchronized|override|suspend|open|inline|private\s+inline)\s+)*fun\s+(?:<[^>]*>\s*)?(?:[\w.]+\.)?(\w+)\s*\(/,
    /^\s*(?:@\w+\s+)*(?:(?:public|private|protected|static|final|abstract|synchronized|default|native)\s+)+(?:<[^>]*>\s*)?[\w<>[\],.?]+\s+(\w+)\s*\(/,
    /^\s*(?:(?:public|private|protected|internal|static|final|abstract|sealed|data|open|enum)\s+)*(?:class|record|object)\s+(\w+)/,
  ],
  php: [
    /^\s*(?:(?:public|private|protected|static|final|abstract)\s+)*function\s+(\w+)\s*\(/,
    /^\s*(?:final\s+|abstract\s+)?class\s+(\w+)/,
  ],
  python: [/^\s*(?:async\s+)?def\s+(\w+)\s*\(/, /^\s*class\s+(\w+)/],
  ruby: [/^\s*def\s+(?:self\.)?(\w+[?!]?)/, /^\s*class\s+(\w+)/],
};

/**
 * The definitions that start on `isNew` lines: functions, methods, classes and components, each with the
 * extent of its body (by braces or by indentation), within the given lines of one hunk side.
 */
export function definitionsIn(lang: Language, lines: readonly string[], isNew: (index: number) => boolean): Definition[] {
  const patterns = DEFINITIONS[lang];
  if (!patterns) return [];
  const found: Definition[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!isNew(i)) continue;
    const text = lines[i];
    if (!looksLikeDefinition(lang, text)) continue;
    for (const pattern of patterns) {
      const match = pattern.exec(text);
      if (!match) continue;
      const name = match[1];
      if (lang === 'js' && JS_KEYWORDS.has(name)) break;
      const kind = /\bclass\b|\bstruct\b/.test(text)
        ? 'class'
        : lang === 'js' && /^[A-Z]/.test(name)
          ? 'component'
          : /^\s+/.test(text)
            ? 'method'
            : 'function';
      found.push({ name, kind, start: i, end: bodyEnd(lang, lines, i) });
      break;
    }
  }
  return found;
}

function looksLikeDefinition(lang: Language, text: string): boolean {
  switch (lang) {
    case 'python':
      return text.includes('def ') || text.includes('class ');
    case 'ruby':
      return text.includes('def ') || text.includes('class ');
    case 'go':
      return text.startsWith('func ') || text.startsWith('type ');
    case 'js':
      return text.includes('function') || text.includes('class ') || text.includes('=>') || /[{(]\s*$/.test(text);
    case 'php':
      return text.includes('function') || text.includes('class ');
    default:
      return (
        text.includes('fun ') || text.includes('class ') || text.includes('record ') || text.includes('object ') || /[{(]\s*$/.test(text)
      );
  }
}

/** Index of a definition's last line: where its brackets close, or the last line indented deeper. */
function bodyEnd(lang: Language, lines: readonly string[], start: number): number {
  if (lang === 'python' || lang === 'ruby') {
    const indent = indentOf(lines[start]);
    let last = start;
    for (let i = start + 1; i < lines.length; i++) {
      const own = indentOf(lines[i]);
      if (own < 0) continue;
      if (own > indent) last = i;
      else {
        if (lang === 'ruby' && own === indent && lines[i].trim() === 'end') last = i;
        break;
      }
    }
    return last;
  }
  let depth = 0;
  let opened = false;
  for (let i = start; i < lines.length; i++) {
    const walk = bracketWalk(lines[i]);
    depth += walk.end;
    if (depth > 0) opened = true;
    if (opened && depth <= 0) return i;
    if (!opened && i === start && /;\s*$/.test(lines[i])) return i;
  }
  return lines.length - 1;
}
