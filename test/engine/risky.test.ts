import { describe, expect, it } from '@jest/globals';
import { declaredFlags, judgeRisky } from '../../src/engine/rules/risky/index.js';
import { readKind } from '../../src/engine/kind.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { configSchema, type MonoenvConfigInput } from '../../src/config/schema.js';
import type { Change } from '../../src/engine/change.js';
import { changeFromFiles, type ChangeSpec } from '../../tools/judge/change-from-files.js';

function judge(spec: ChangeSpec, risky: MonoenvConfigInput['risky']) {
  const change: Change = changeFromFiles(spec);
  const config = configSchema.parse({ risky });
  return judgeRisky({ change, config, kind: readKind(change) });
}

const checkoutBase = `import React from 'react';
import { useFlags } from 'launchdarkly-react-client-sdk';
import { Cart } from './Cart';

export function Checkout({ cart }: { cart: CartModel }) {
  const total = cart.total();
  const currency = cart.currency();
  const locale = useLocale();
  const formatted = formatMoney(total, currency, locale);
  const items = cart.items.length;

  return (
    <div className="checkout">
      <Cart cart={cart} />
      <p>Total: {formatted} ({items} items)</p>
    </div>
  );
}
`;

describe('risky: React guarded by useFlags', () => {
  it('accepts a component rendered only under a flag destructured from useFlags() in an earlier hunk', () => {
    const head = checkoutBase
      .replace('  const total = cart.total();\n', '  const { expressPay } = useFlags();\n  const total = cart.total();\n')
      .replace(
        '      <p>Total: {formatted} ({items} items)</p>\n',
        '      <p>Total: {formatted} ({items} items)</p>\n      {expressPay && <ExpressPay cart={cart} />}\n',
      );
    const result = judge(
      { base: { 'src/checkout/Checkout.tsx': checkoutBase }, head: { 'src/checkout/Checkout.tsx': head }, title: 'feat: express pay' },
      { paths: ['src/checkout/**'] },
    );
    expect(result.findings).toEqual([]);
    expect(result.summary.status).toBe('pass');
  });

  it('fires on an unguarded render in the same component, naming the line', () => {
    const head = checkoutBase.replace(
      '      <p>Total: {formatted} ({items} items)</p>\n',
      '      <p>Total: {formatted} ({items} items)</p>\n      <ExpressPay cart={cart} />\n',
    );
    const result = judge(
      { base: { 'src/checkout/Checkout.tsx': checkoutBase }, head: { 'src/checkout/Checkout.tsx': head }, title: 'feat: express pay' },
      { paths: ['src/checkout/**'] },
    );
    expect(result.findings.map((f) => [f.title, f.path, f.startLine, f.endLine, f.level])).toEqual([
      ['risky change unflagged', 'src/checkout/Checkout.tsx', 16, 16, 'error'],
    ]);
    expect(result.summary.headline).toBe('1 risky change unflagged');
  });
});

describe('risky: Go handler guarded by OpenFeature BooleanValue', () => {
  const base = `package billing

import (
\t"net/http"
)

func (h *Handler) Charge(w http.ResponseWriter, r *http.Request) {
\tctx := r.Context()
\tamount := parseAmount(r)
\th.legacy.Charge(ctx, amount)
\tw.WriteHeader(http.StatusOK)
}
`;
  it('accepts the new path inside `if on {` after `on, _ := client.BooleanValue(ctx, "k", …)`', () => {
    const head = base.replace(
      '\th.legacy.Charge(ctx, amount)\n',
      '\ton, _ := h.flags.BooleanValue(ctx, "stripe-intents", false, openfeature.EvaluationContext{})\n\tif on {\n\t\th.stripe.CreateIntent(ctx, amount)\n\t} else {\n\t\th.legacy.Charge(ctx, amount)\n\t}\n',
    );
    const result = judge(
      { base: { 'internal/billing/handler.go': base }, head: { 'internal/billing/handler.go': head } },
      { paths: ['internal/billing/**'] },
    );
    expect(result.findings).toEqual([]);
  });
  it('fires when the new call has no flag', () => {
    const head = base.replace('\th.legacy.Charge(ctx, amount)\n', '\th.stripe.CreateIntent(ctx, amount)\n');
    const result = judge(
      { base: { 'internal/billing/handler.go': base }, head: { 'internal/billing/handler.go': head } },
      { paths: ['internal/billing/**'] },
    );
    expect(result.findings.map((f) => [f.title, f.startLine])).toEqual([['risky change unflagged', 10]]);
    expect(result.findings[0].message).toContain('no feature-flag check in the same hunk');
  });
});

describe('risky: Django view with flag_is_active', () => {
  const base = `from django.shortcuts import render


def checkout(request):
    form = CheckoutForm(request.POST or None)
    return render(request, "checkout/checkout.html", {"form": form})
`;
  it('accepts a branch under `if flag_is_active(request, "k"):`', () => {
    const head = base.replace(
      '    return render(request, "checkout/checkout.html", {"form": form})\n',
      '    if flag_is_active(request, "one_page_checkout"):\n        return render(request, "checkout/one_page.html", {"form": form})\n    return render(request, "checkout/checkout.html", {"form": form})\n',
    );
    expect(
      judge({ base: { 'shop/checkout/views.py': base }, head: { 'shop/checkout/views.py': head } }, { paths: ['shop/**'] }).findings,
    ).toEqual([]);
  });
});

describe('risky: what does not count', () => {
  const base = `export function bind(form: HTMLFormElement, button: Button) {\n  form.onsubmit = () => submit(form);\n}\n`;
  it('fires on an unguarded change next to `button.isEnabled()`', () => {
    const head = `export function bind(form: HTMLFormElement, button: Button) {\n  form.onsubmit = () => submit(form);\n  if (button.isEnabled()) autosave(form);\n}\n`;
    const result = judge(
      { base: { 'src/checkout/bind.ts': base }, head: { 'src/checkout/bind.ts': head } },
      { paths: ['src/checkout/**'] },
    );
    expect(result.findings.map((f) => [f.path, f.startLine])).toEqual([['src/checkout/bind.ts', 3]]);
  });

  it('fires on a SQL migration in a risky path, ignoring its comments', () => {
    const head = `-- adds refunds\n\nALTER TABLE orders ADD COLUMN refunded_at timestamptz;\n`;
    const result = judge({ base: {}, head: { 'db/migrations/001_refunds.sql': head } }, { paths: ['db/migrations/**'] });
    expect(result.findings.map((f) => [f.startLine, f.endLine])).toEqual([[3, 3]]);
  });

  it('does not take flag calls in a test file for a guard, even with evidence pr', () => {
    const head = `export function bind(form: HTMLFormElement, button: Button) {\n  form.onsubmit = () => submitV2(form);\n}\n`;
    const test = `test('v2', () => {\n  ldClient.variation('submit-v2', {}, false);\n});\n`;
    const result = judge(
      { base: { 'src/checkout/bind.ts': base }, head: { 'src/checkout/bind.ts': head, 'src/checkout/bind.test.ts': test } },
      { paths: ['src/checkout/**'], evidence: 'pr' },
    );
    expect(result.findings.map((f) => f.path)).toEqual(['src/checkout/bind.ts']);
    expect(result.findings[0].message).toContain('No flag check was found anywhere in this change');
  });

  const unread = (binary: boolean): Change['files'][number] => ({
    path: 'src/checkout/huge.ts',
    status: 'modified',
    additions: binary ? 0 : 5000,
    deletions: binary ? 0 : 10,
    binary,
    patchMissing: !binary,
    hunks: [],
  });

  it.each([
    ['without a patch (too large to show)', false, 'its diff was too large to be shown'],
    ['binary, or marked binary', true, 'its content is binary (or was marked so)'],
  ])('reports a risky file %s at the rule level, as not inspected', (_what, binary, why) => {
    const change = changeFromFiles({ base: {}, head: {}, title: 'fix: typo' });
    change.files.push(unread(binary));
    const config = configSchema.parse({ risky: { paths: ['src/checkout/**'] } });
    const result = judgeRisky({ change, config, kind: readKind(change) });
    // Never softened by the kind the change's own title claims.
    expect(result.findings.map((f) => [f.level, f.title, f.path])).toEqual([
      ['error', 'risky change not inspected', 'src/checkout/huge.ts'],
    ]);
    expect(result.findings[0].message).toContain(why);
    expect(result.summary).toMatchObject({ status: 'error', summary: expect.stringContaining('1 risky file not inspected') });
  });

  it('reports an incomplete file list at the rule level, and the override label waives it with a record in the summary', () => {
    const change = changeFromFiles({ base: {}, head: { 'src/cart.ts': 'export const a = 1;\n' } });
    change.filesComplete = false;
    change.totals = { ...change.totals, files: 3_400 };
    const config = configSchema.parse({ risky: { paths: ['src/checkout/**'] } });
    const result = judgeRisky({ change, config, kind: readKind(change) });
    expect(result.findings.map((f) => [f.level, f.title])).toEqual([['error', 'file list incomplete']]);
    expect(result.findings[0].message).toContain('Only 1 of the 3400 changed files could be listed');
    expect(result.summary.status).toBe('error');

    const waived = evaluate({ ...change, labels: [config.overrides.risky] }, config);
    const risky = waived.rules.find((r) => r.rule === 'risky')!;
    expect(risky.status).toBe('waived');
    expect(risky.summary).toContain('file list incomplete, the files beyond it not inspected');
    expect(risky.summary).toContain(`(waived by label "${config.overrides.risky}")`);
    expect(waived.findings.filter((f) => f.rule === 'risky').map((f) => f.level)).toEqual(['notice']);
  });
});

describe('risky: evidence levels', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `  step${i}(order);`);
  const base = `export function run(order: Order) {\n${lines.join('\n')}\n}\n`;
  const withChanges = (first: string, last: string) =>
    `export function run(order: Order) {\n${[first, ...lines.slice(1, 29), last].join('\n')}\n}\n`;
  const head = withChanges("  if (gb.isOn('fast-path')) fastPath(order);", '  step29(order, { retries: 3 });');
  const spec = { base: { 'src/billing/run.ts': base }, head: { 'src/billing/run.ts': head } };

  it('hunk: the flag check in the first hunk does not cover the second hunk', () => {
    const result = judge(spec, { paths: ['src/billing/**'] });
    expect(result.findings.map((f) => f.startLine)).toEqual([31]);
    expect(result.findings[0].message).toContain(
      'A flag check exists elsewhere in this file (`isOn` of `fast-path` at `src/billing/run.ts:2`)',
    );
  });
  it('file: a check anywhere in the file covers both', () => {
    expect(judge(spec, { paths: ['src/billing/**'], evidence: 'file' }).findings).toEqual([]);
  });
  it('pr: a check in another file of the change covers the risky file', () => {
    const other = {
      ...spec,
      base: { ...spec.base, 'src/api/run.ts': 'export const go = () => run(order);\n' },
      head: {
        'src/billing/run.ts': withChanges('  step0(order, { fast: true });', '  step29(order);'),
        'src/api/run.ts': "export const go = () => (statsig.checkGate(user, 'fast') ? run(order) : null);\n",
      },
    };
    expect(judge(other, { paths: ['src/billing/**'], evidence: 'hunk' }).findings).toHaveLength(1);
    expect(judge(other, { paths: ['src/billing/**'], evidence: 'pr' }).findings).toEqual([]);
  });
  it('an alias assigned in an earlier hunk guards a later one', () => {
    const aliasHead = withChanges("  const fast = gb.isOn('fast-path');", '  if (fast) step29(order, { retries: 3 });');
    expect(judge({ base: spec.base, head: { 'src/billing/run.ts': aliasHead } }, { paths: ['src/billing/**'] }).findings).toEqual([]);
  });
});

describe('risky: flag removal, kind of change and declarations', () => {
  const base = `export async function price(plan: Plan, user: User) {\n  if (await ld.variation('new-pricing', { key: user.id }, false)) {\n    return plan.v2;\n  }\n  return plan.v1;\n}\n`;
  const head = `export async function price(plan: Plan, user: User) {\n  return plan.v2;\n}\n`;
  it('fires "flag removed" at the rule level for a feature, and as a notice for a clean-up read as a chore', () => {
    const feature = judge(
      { base: { 'src/pricing/price.ts': base }, head: { 'src/pricing/price.ts': head }, title: 'feat: v2 pricing for everyone' },
      { paths: ['src/pricing/**'] },
    );
    expect(feature.findings.map((f) => [f.title, f.level, f.startLine])).toEqual([['flag removed', 'error', 2]]);
    const result = judge(
      { base: { 'src/pricing/price.ts': base }, head: { 'src/pricing/price.ts': head }, title: 'chore: remove new-pricing flag' },
      { paths: ['src/pricing/**'] },
    );
    expect(result.findings.map((f) => [f.title, f.level, f.startLine])).toEqual([['flag removed', 'notice', 2]]);
    expect(result.findings[0].message).toContain('`new-pricing`');
    expect(result.summary.headline).toBe('1 flag removed');
  });
  it('does not fire when the key is checked again in an added line', () => {
    const moved = `export async function price(plan: Plan, user: User) {\n  const v2 = await ld.variation('new-pricing', { key: user.id, plan: plan.id }, false);\n  return v2 ? plan.v2 : plan.v1;\n}\n`;
    expect(
      judge({ base: { 'src/pricing/price.ts': base }, head: { 'src/pricing/price.ts': moved } }, { paths: ['src/pricing/**'] }).findings,
    ).toEqual([]);
  });
  it('softens unflagged changes of a fix to notices naming the kind, and judges them with applies_to all', () => {
    const b = 'export const tax = (a: number, r: number) => a * r;\n';
    const h = 'export const tax = (a: number, r: number) => Math.round(a * r * 100) / 100;\n';
    const soft = judge(
      { base: { 'src/billing/tax.ts': b }, head: { 'src/billing/tax.ts': h }, title: 'fix: round tax' },
      { paths: ['src/billing/**'] },
    );
    expect(soft.findings.map((f) => f.level)).toEqual(['notice']);
    expect(soft.findings[0].message.startsWith('Read as a fix from the title `fix: round tax`')).toBe(true);
    expect(soft.summary.summary).toContain('read as fix (from the title `fix: round tax`)');
    const all = judge(
      { base: { 'src/billing/tax.ts': b }, head: { 'src/billing/tax.ts': h }, title: 'fix: round tax' },
      { paths: ['src/billing/**'], applies_to: 'all' },
    );
    expect(all.findings.map((f) => f.level)).toEqual(['error']);
  });
  it('names the kind in words a reader uses: a dependency update, not "a deps"', () => {
    const b = 'export const tax = (a: number, r: number) => a * r;\n';
    const h = 'export const tax = (a: number, r: number) => a * r * 1.01;\n';
    const named = (title: string) =>
      judge({ base: { 'src/billing/tax.ts': b }, head: { 'src/billing/tax.ts': h }, title }, { paths: ['src/billing/**'] }).findings[0]
        .message;
    expect(named('chore(deps): bump zod to 4.1.0')).toMatch(/^Read as a dependency update from the title/);
    expect(named('refactor: name the rate')).toMatch(/^Read as a refactor from the title/);
    expect(named('chore(deps): bump zod to 4.1.0')).toContain('. Line 1 changes behaviour under the risky path');
  });
  it('reports a body declaration as declared, not detected; it satisfies the rule only with accept_declared', () => {
    const b = 'export const tax = (a: number, r: number) => a * r;\n';
    const h = 'export const tax = (a: number, r: number) => a * r * 1.01;\n';
    const spec = { base: { 'src/billing/tax.ts': b }, head: { 'src/billing/tax.ts': h }, body: 'Feature-Flag: tax-surcharge' };
    const strict = judge(spec, { paths: ['src/billing/**'] });
    expect(strict.findings.map((f) => [f.title, f.level])).toEqual([
      ['risky change unflagged', 'error'],
      ['flag declared, not detected', 'notice'],
    ]);
    const accepted = judge(spec, { paths: ['src/billing/**'], accept_declared: true });
    expect(accepted.findings.map((f) => [f.title, f.level])).toEqual([['flag declared, not detected', 'notice']]);
  });
  it('reads a declaration on its own line only: a key on the next line or after blank lines is not declared', () => {
    const b = 'export const tax = (a: number, r: number) => a * r;\n';
    const h = 'export const tax = (a: number, r: number) => a * r * 1.01;\n';
    const across = 'Feature-Flag:\ntax-surcharge\n\n\n  Feature Flag :   \n`other`';
    const spec = { base: { 'src/billing/tax.ts': b }, head: { 'src/billing/tax.ts': h }, body: across };
    const accepted = judge(spec, { paths: ['src/billing/**'], accept_declared: true });
    expect(accepted.findings.map((f) => [f.title, f.level])).toEqual([['risky change unflagged', 'error']]);
    expect(declaredFlags(' \tfeature-flag:\t`a-b`\r\nFeature-Flag: c\n  Feature Flag: d  trailing')).toEqual(['a-b', 'c', 'd']);
  });
  it('reads a body of 65,536 empty lines (the body limit) without declarations', () => {
    const body = `${'\n'.repeat(65_536)}Feature-Flag: late-key`;
    expect(declaredFlags(body)).toEqual(['late-key']);
    expect(declaredFlags('\n'.repeat(65_536))).toEqual([]);
  });
  it('ignores deleted files and pure renames', () => {
    const result = judge(
      {
        base: { 'src/billing/old.ts': 'export const a = 1;\n', 'src/billing/b.ts': 'export const b = 2;\n' },
        head: { 'src/billing/moved/b.ts': 'export const b = 2;\n' },
        renames: { 'src/billing/moved/b.ts': 'src/billing/b.ts' },
      },
      { paths: ['src/billing/**'] },
    );
    expect(result.findings).toEqual([]);
  });
});

describe('risky: one annotation per stretch of unflagged code', () => {
  it('does not split a range at blank lines and comments the change adds between behavioural lines', () => {
    const base = `export function refund(order: Order) {\n  return order.total;\n}\n`;
    const head = `export function refund(order: Order) {\n  const fee = order.total * 0.02;\n\n  // card networks keep their fee\n  audit.log('refund', order.id, fee);\n  return order.total - fee;\n}\n`;
    const result = judge(
      { base: { 'src/billing/refund.ts': base }, head: { 'src/billing/refund.ts': head }, title: 'feat: keep the card fee on refunds' },
      { paths: ['src/billing/**'] },
    );
    expect(result.findings.map((f) => [f.path, f.startLine, f.endLine])).toEqual([['src/billing/refund.ts', 2, 6]]);
  });
});
