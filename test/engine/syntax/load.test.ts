import { describe, expect, it } from '@jest/globals';
import { loadSyntax } from '../../../src/engine/syntax/load.js';
import { field, GRAMMARS, grammarOf, textOf, walk, type Grammar, type SyntaxNode } from '../../../src/engine/syntax/index.js';

const SAMPLES: Record<Grammar, { path: string; text: string; ifType: string }> = {
  typescript: {
    path: 'src/billing/charge.ts',
    text: 'export function charge(o: Order): void {\n  if (ld.variation("k", c, false)) { intent(o); }\n}\n',
    ifType: 'if_statement',
  },
  tsx: {
    path: 'src/Page.tsx',
    text: 'export const Page = () => {\n  if (useFlag("k")) { return <New />; }\n  return <Old />;\n};\n',
    ifType: 'if_statement',
  },
  javascript: { path: 'lib/pay.js', text: 'function pay(o) {\n  if (client.isEnabled("k")) { intent(o); }\n}\n', ifType: 'if_statement' },
  python: {
    path: 'app/views.py',
    text: 'def view(request):\n    if switch_is_active("k"):\n        return new(request)\n    return old(request)\n',
    ifType: 'if_statement',
  },
  ruby: {
    path: 'app/models/order.rb',
    text: 'class Order\n  def total\n    if Flipper.enabled?(:k)\n      new_total\n    end\n  end\nend\n',
    ifType: 'if',
  },
  go: {
    path: 'pkg/server/check.go',
    text: 'package server\n\nfunc (s *Server) Check() {\n\tif s.ff.Boolean(ExperimentalX, id) {\n\t\tv2()\n\t}\n}\n',
    ifType: 'if_statement',
  },
  java: {
    path: 'src/main/java/Pay.java',
    text: 'class Pay {\n  void pay() {\n    if (client.getBooleanValue("k", false)) { intent(); }\n  }\n}\n',
    ifType: 'if_statement',
  },
  kotlin: {
    path: 'src/main/kotlin/Pay.kt',
    text: 'class Pay {\n  fun pay() {\n    if (client.getBooleanValue("k", false)) { intent() }\n  }\n}\n',
    ifType: 'if_expression',
  },
  php: { path: 'app/Pay.php', text: '<?php\nfunction pay() {\n  if (Feature::active("k")) { intent(); }\n}\n', ifType: 'if_statement' },
};

const find = (root: SyntaxNode, type: string): SyntaxNode | undefined => {
  let found: SyntaxNode | undefined;
  walk(root, (n) => {
    if (!found && n.type === type) found = n;
  });
  return found;
};

describe('syntax layer', () => {
  it('maps paths to grammars, leaving templates and other languages to the line scanner', () => {
    expect(grammarOf('a/b.tsx')).toBe('tsx');
    expect(grammarOf('a/b.mts')).toBe('typescript');
    expect(grammarOf('Gemfile')).toBe('ruby');
    expect(grammarOf('views/x.html.erb')).toBeUndefined();
    expect(grammarOf('views/x.blade.php')).toBeUndefined();
    expect(grammarOf('x.rs')).toBeUndefined();
  });

  for (const grammar of GRAMMARS) {
    it(`parses ${grammar}: conditions, branches and positions`, async () => {
      const sample = SAMPLES[grammar];
      expect(grammarOf(sample.path)).toBe(grammar);
      const syntax = await loadSyntax([grammar]);
      expect(syntax.unavailable.get(grammar)).toBeUndefined();
      const tree = syntax.parse(grammar, sample.text)!;
      expect(tree.hasErrors).toBe(false);
      const ifNode = find(tree.root, sample.ifType)!;
      expect(ifNode).toBeDefined();
      const condition = field(ifNode, 'condition')!;
      expect(textOf(tree, condition)).toMatch(/\(?\s*[\w.:]+[?]?\(/);
      expect(ifNode.startRow).toBeGreaterThan(0);
    });
  }

  it('reports a grammar that fails to load, and parses nothing with it, without throwing', async () => {
    const syntax = await loadSyntax(['go'], { read: () => new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 255]) });
    expect(syntax.has('go')).toBe(false);
    expect(syntax.unavailable.get('go')).toEqual(expect.any(String));
    expect(syntax.parse('go', 'package x')).toBeUndefined();
  });

  it('keeps non-ASCII offsets in JavaScript string units', async () => {
    const syntax = await loadSyntax(['python']);
    const text = 'name = "日本語"\nif waffle.flag("é"):\n    go()\n';
    const tree = syntax.parse('python', text)!;
    const ifNode = find(tree.root, 'if_statement')!;
    expect(text.slice(ifNode.start, ifNode.end)).toBe('if waffle.flag("é"):\n    go()');
  });
});
