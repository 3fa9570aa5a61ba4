/**
 * Migrations in Ruby, Python and JavaScript are lists of calls (`remove_column :users, :name`,
 * `migrations.RemoveField(model_name=…)`, `queryInterface.removeColumn(…)`). This reads each call of a
 * syntax tree into one shape — its name, receiver, positional and keyword arguments — so each framework
 * only maps names to hazards. Strings keep their position, so SQL inside them is judged on its own lines.
 */
import { field, namedChildren, textOf, type SyntaxNode, type SyntaxTree } from '../../syntax/index.js';

export interface Arg {
  node: SyntaxNode;
  /** The value of a string or symbol literal (`:users` → users). */
  str?: string;
  /** Where a string literal's content starts (offset in the file), for SQL inside it. */
  contentStart?: number;
  bool?: boolean;
  /** Elements of a list or array literal. */
  items?: Arg[];
  /** A call given as an argument (`sa.Column(…)`, `models.CharField(…)`). */
  call?: Call;
}

export interface Call {
  node: SyntaxNode;
  name: string;
  /** The receiver's text (`op`, `migrations`, `t`, `knex.schema`), without whitespace. */
  receiver?: string;
  args: Arg[];
  kwargs: Map<string, Arg>;
  /** 1-based line of the call's name. */
  line: number;
}

export type Language = 'ruby' | 'python' | 'js';

const CALL_TYPES: Record<Language, string> = { ruby: 'call', python: 'call', js: 'call_expression' };
const STRING_TYPES = new Set(['string', 'template_string', 'concatenated_string']);

export class CallReader {
  constructor(
    readonly tree: SyntaxTree,
    readonly language: Language,
  ) {}

  text(node: SyntaxNode): string {
    return textOf(this.tree, node);
  }

  lineOf(offset: number): number {
    let line = 1;
    const { text } = this.tree;
    for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  }

  isCall(node: SyntaxNode): boolean {
    return node.type === CALL_TYPES[this.language];
  }

  /** A string literal's content, with interpolations blanked to a placeholder name so SQL stays parseable. */
  stringOf(node: SyntaxNode): { value: string; start: number } | undefined {
    if (node.type === 'simple_symbol' || node.type === 'hash_key_symbol')
      return { value: this.text(node).replace(/^:/, ''), start: node.start };
    if (node.type === 'heredoc_body') {
      const end = node.children.find((c) => c.type === 'heredoc_end')?.start ?? node.end;
      return { value: this.blank(node, node.start, end), start: node.start };
    }
    if (!STRING_TYPES.has(node.type)) return undefined;
    if (node.type === 'concatenated_string') {
      const parts = namedChildren(node).map((c) => this.stringOf(c)?.value ?? '');
      return { value: parts.join(''), start: node.start };
    }
    const inner = node.children.filter((c) => !['string_start', 'string_end'].includes(c.type));
    if (inner.length === 0) return { value: '', start: node.end };
    const start = inner[0].start;
    const end = inner.at(-1)!.end;
    return { value: this.blank(node, start, end), start };
  }

  /** Text between two offsets with every interpolation (`#{…}`, `${…}`, `{…}` of f-strings) replaced by `x`. */
  private blank(node: SyntaxNode, start: number, end: number): string {
    let out = '';
    let at = start;
    for (const child of node.children) {
      if (!['interpolation', 'template_substitution'].includes(child.type)) continue;
      out += this.tree.text.slice(at, child.start) + 'x';
      at = child.end;
    }
    return out + this.tree.text.slice(at, end);
  }

  arg(node: SyntaxNode): Arg {
    const arg: Arg = { node };
    const str = this.stringOf(node);
    if (str) {
      arg.str = str.value;
      arg.contentStart = str.start;
    }
    if (node.type === 'true' || node.type === 'false') arg.bool = node.type === 'true';
    if (['array', 'list', 'tuple'].includes(node.type)) arg.items = namedChildren(node).map((c) => this.arg(c));
    if (this.isCall(node)) arg.call = this.read(node);
    return arg;
  }

  /** Reads a call node; a Ruby heredoc's body, which tree-sitter places after the call, is taken as its argument. */
  read(node: SyntaxNode): Call {
    const lang = this.language;
    let nameNode: SyntaxNode | undefined;
    let receiverNode: SyntaxNode | undefined;
    if (lang === 'ruby') {
      nameNode = field(node, 'method');
      receiverNode = field(node, 'receiver');
    } else {
      const fn = field(node, 'function');
      if (fn && (fn.type === 'attribute' || fn.type === 'member_expression')) {
        nameNode = field(fn, lang === 'python' ? 'attribute' : 'property');
        receiverNode = field(fn, 'object');
      } else nameNode = fn;
    }
    const args: Arg[] = [];
    const kwargs = new Map<string, Arg>();
    const list = field(node, 'arguments');
    for (const child of list ? namedChildren(list) : []) {
      if (child.type === 'keyword_argument' || child.type === 'pair') {
        const key = field(child, 'name') ?? field(child, 'key');
        const value = field(child, 'value');
        if (key && value) kwargs.set(this.text(key).replace(/^:|:$|^["']|["']$/g, ''), this.arg(value));
      } else if (child.type === 'heredoc_beginning') {
        const body = this.heredocAfter(node);
        if (body) args.push(this.arg(body));
      } else if (child.type === 'object' && lang === 'js') {
        // An options object, the last argument of most JavaScript calls: its properties are keyword arguments.
        for (const pair of namedChildren(child).filter((c) => c.type === 'pair')) {
          const key = field(pair, 'key');
          const value = field(pair, 'value');
          if (key && value) kwargs.set(this.text(key).replace(/^["']|["']$/g, ''), this.arg(value));
        }
        args.push(this.arg(child));
      } else args.push(this.arg(child));
    }
    const name = nameNode ? this.text(nameNode) : '';
    return {
      node,
      name,
      ...(receiverNode ? { receiver: this.text(receiverNode).replace(/\s+/g, '') } : {}),
      args,
      kwargs,
      line: (nameNode ?? node).startRow + 1,
    };
  }

  private heredocAfter(call: SyntaxNode): SyntaxNode | undefined {
    let node: SyntaxNode | undefined = call;
    while (node) {
      const siblings: SyntaxNode[] = node.parent?.children ?? [];
      const next = siblings.slice(siblings.indexOf(node) + 1).find((s) => s.type === 'heredoc_body');
      if (next) return next;
      node = node.parent;
      if (node && !['argument_list', 'call', 'parenthesized_statements'].includes(node.type)) {
        const later = node.parent?.children ?? [];
        return later.slice(later.indexOf(node) + 1).find((s) => s.type === 'heredoc_body');
      }
    }
    return undefined;
  }
}

/** Every call under `root`, in order, skipping subtrees `skip` rejects (a `down` method, a reverse operation). */
export function callsUnder(reader: CallReader, root: SyntaxNode, skip: (node: SyntaxNode) => boolean = () => false): Call[] {
  const calls: Call[] = [];
  const visit = (node: SyntaxNode): void => {
    if (skip(node)) return;
    if (reader.isCall(node)) calls.push(reader.read(node));
    for (const child of node.children) visit(child);
  };
  visit(root);
  return calls;
}

/** A string argument by position or keyword. */
export function strArg(call: Call, index: number, keyword?: string): string | undefined {
  return (keyword !== undefined ? call.kwargs.get(keyword)?.str : undefined) ?? call.args[index]?.str;
}
