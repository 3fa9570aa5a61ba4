import { describe, expect, it } from '@jest/globals';
import { judgeRisky } from '../../src/engine/rules/risky.js';
import { readKind } from '../../src/engine/kind.js';
import { configSchema, type MonoenvConfigInput } from '../../src/config/schema.js';
import type { Change } from '../../src/engine/change.js';
import { changeFromFiles, type ChangeSpec } from '../judge/change-from-files.js';

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
    const head = checkoutBase.replace('  const total = cart.total();\n', '  const { expressPay } = useFlags();\n  const total = cart.total();\n').replace(
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
    const head = checkoutBase.replace('      <p>Total: {formatted} ({items} items)</p>\n', '      <p>Total: {formatted} ({items} items)</p>\n      <ExpressPay cart={cart} />\n');
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
    const result = judge({ base: { 'internal/billing/handler.go': base }, head: { 'internal/billing/handler.go': head } }, { paths: ['internal/billing/**'] });
    expect(result.findings).toEqual([]);
  });
  it('fires when the new call has no flag', () => {
    const head = base.replace('\th.legacy.Charge(ctx, amount)\n', '\th.stripe.CreateIntent(ctx, amount)\n');
    const result = judge({ base: { 'internal/billing/handler.go': base }, head: { 'internal/billing/handler.go': head } }, { paths: ['internal/billing/**'] });
    expect(result.findings.map((f) => [f.title, f.startLine])).toEqual([['risky change unflagged', 10]]);
    expect(result.findings[0].message).toContain('no feature-flag check in the same hunk');
  });
});
