/**
 * A realistic pull request for end-to-end runs of the Action, the replicas and the README picture: a shop's
 * "reorder from order history" feature that touches billing code (a risky path) without a feature flag,
 * changes a React component without its test, guards a billing change with a LaunchDarkly flag, and bumps
 * the lockfile. Patches are real unified diffs computed with jsdiff from the before and after files.
 */
import { structuredPatch } from 'diff';
import type { Emulator } from './emulator/index.js';
import type { FileChangeInput } from './emulator/store.js';

export const OWNER = 'acme';
export const REPO = 'shop';
export const PR_NUMBER = 482;
export const HEAD_SHA = '6f1c2a9e3b7d4c5a8e9f0b1c2d3e4f5a6b7c8d9e';
export const BASE_SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

export const CONFIG_YAML = `# monoenv: see docs/configuration.md
risky:
  paths: ["src/billing/**"]
review:
  approvals: 1
`;

/** GitHub's `patch` field: the hunks of a unified diff, without file headers. */
export function githubPatch(before: string, after: string): string {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: 3 });
  return patch.hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n')).join('\n');
}

const CHARGE_BEFORE = `import type { PaymentGateway, SavedCard } from './gateway.js';
import { logger } from '../lib/logger.js';

export interface ChargeResult {
  ok: boolean;
  reference?: string;
  declineCode?: string;
}

export async function chargeSavedCard(gateway: PaymentGateway, card: SavedCard, amountCents: number): Promise<ChargeResult> {
  const attempt = await gateway.charge({ token: card.token, amountCents, currency: card.currency });
  if (attempt.status === 'declined') {
    logger.info({ card: card.id, code: attempt.declineCode }, 'card declined');
    return { ok: false, declineCode: attempt.declineCode };
  }
  return { ok: true, reference: attempt.reference };
}
`;

const CHARGE_AFTER = `import type { PaymentGateway, SavedCard } from './gateway.js';
import { logger } from '../lib/logger.js';
import { ldClient } from '../lib/flags.js';

export interface ChargeResult {
  ok: boolean;
  reference?: string;
  declineCode?: string;
}

const RETRYABLE_DECLINES = new Set(['processing_error', 'try_again_later']);

export async function chargeSavedCard(gateway: PaymentGateway, card: SavedCard, amountCents: number, userKey: string): Promise<ChargeResult> {
  const attempt = await gateway.charge({ token: card.token, amountCents, currency: card.currency });
  if (attempt.status === 'declined') {
    if (RETRYABLE_DECLINES.has(attempt.declineCode) && (await ldClient.variation('charge-retry-once', { key: userKey }, false))) {
      const retry = await gateway.charge({ token: card.token, amountCents, currency: card.currency, idempotencyKey: attempt.reference });
      if (retry.status === 'succeeded') return { ok: true, reference: retry.reference };
    }
    logger.info({ card: card.id, code: attempt.declineCode }, 'card declined');
    return { ok: false, declineCode: attempt.declineCode };
  }
  return { ok: true, reference: attempt.reference };
}
`;

const CHARGE_TEST_BEFORE = `import { describe, expect, it } from 'vitest';
import { chargeSavedCard } from '../src/billing/charge.js';
import { fakeGateway, savedCard } from './fakes.js';

describe('chargeSavedCard', () => {
  it('reports a decline with its code', async () => {
    const gateway = fakeGateway([{ status: 'declined', declineCode: 'insufficient_funds' }]);
    expect(await chargeSavedCard(gateway, savedCard(), 1999)).toEqual({ ok: false, declineCode: 'insufficient_funds' });
  });
});
`;

const CHARGE_TEST_AFTER = `import { describe, expect, it } from 'vitest';
import { chargeSavedCard } from '../src/billing/charge.js';
import { fakeGateway, savedCard, withFlag } from './fakes.js';

describe('chargeSavedCard', () => {
  it('reports a decline with its code', async () => {
    const gateway = fakeGateway([{ status: 'declined', declineCode: 'insufficient_funds' }]);
    expect(await chargeSavedCard(gateway, savedCard(), 1999, 'user-1')).toEqual({ ok: false, declineCode: 'insufficient_funds' });
  });

  it('retries a processing error once when charge-retry-once is on', async () => {
    const gateway = fakeGateway([{ status: 'declined', declineCode: 'processing_error', reference: 'ch_1' }, { status: 'succeeded', reference: 'ch_2' }]);
    await withFlag('charge-retry-once', true, async () => {
      expect(await chargeSavedCard(gateway, savedCard(), 1999, 'user-1')).toEqual({ ok: true, reference: 'ch_2' });
    });
  });
});
`;

const REORDER_AFTER = `import type { PaymentGateway, SavedCard } from './gateway.js';
import type { Order, OrderLine } from '../orders/types.js';
import { chargeSavedCard, type ChargeResult } from './charge.js';
import { priceLines } from './pricing.js';
import { inventory } from '../inventory/client.js';

export interface ReorderResult {
  order?: Order;
  charge?: ChargeResult;
  unavailable: OrderLine[];
}

/** Places a new order with the lines of a past one, charged to the card that paid for it. */
export async function reorderFromHistory(
  gateway: PaymentGateway,
  previous: Order,
  card: SavedCard,
  userKey: string,
): Promise<ReorderResult> {
  const stock = await inventory.check(previous.lines.map((line) => line.sku));
  const available = previous.lines.filter((line) => (stock.get(line.sku) ?? 0) >= line.quantity);
  const unavailable = previous.lines.filter((line) => !available.includes(line));
  if (available.length === 0) return { unavailable };

  const priced = await priceLines(available, previous.currency);
  const charge = await chargeSavedCard(gateway, card, priced.totalCents, userKey);
  if (!charge.ok) return { charge, unavailable };

  const order: Order = {
    id: crypto.randomUUID(),
    customerId: previous.customerId,
    currency: previous.currency,
    lines: priced.lines,
    totalCents: priced.totalCents,
    paymentReference: charge.reference,
    source: 'reorder',
    reorderOf: previous.id,
    createdAt: new Date().toISOString(),
  };
  await inventory.reserve(order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })));
  return { order, charge, unavailable };
}
`;

const HISTORY_BEFORE = `import { useOrders } from './useOrders.js';
import { formatMoney } from '../lib/money.js';

export function OrderHistory({ customerId }: { customerId: string }) {
  const { orders, loading } = useOrders(customerId);
  if (loading) return <Spinner label="Loading your orders" />;
  return (
    <ul className="order-history">
      {orders.map((order) => (
        <li key={order.id}>
          <span>{new Date(order.createdAt).toLocaleDateString()}</span>
          <span>{order.lines.length} items</span>
          <span>{formatMoney(order.totalCents, order.currency)}</span>
        </li>
      ))}
    </ul>
  );
}
`;

const HISTORY_AFTER = `import { useState } from 'react';
import { useOrders } from './useOrders.js';
import { formatMoney } from '../lib/money.js';
import { reorder } from './api.js';

export function OrderHistory({ customerId }: { customerId: string }) {
  const { orders, loading, refresh } = useOrders(customerId);
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function onReorder(orderId: string) {
    setPending(orderId);
    try {
      const result = await reorder(orderId);
      setMessage(result.unavailable.length > 0 ? \`\${result.unavailable.length} items were out of stock\` : 'Reordered');
      await refresh();
    } catch {
      setMessage('We could not place the order. Your card was not charged.');
    } finally {
      setPending(null);
    }
  }

  if (loading) return <Spinner label="Loading your orders" />;
  return (
    <>
      {message && <p role="status">{message}</p>}
      <ul className="order-history">
        {orders.map((order) => (
          <li key={order.id}>
            <span>{new Date(order.createdAt).toLocaleDateString()}</span>
            <span>{order.lines.length} items</span>
            <span>{formatMoney(order.totalCents, order.currency)}</span>
            <button type="button" disabled={pending !== null} onClick={() => onReorder(order.id)}>
              {pending === order.id ? 'Reordering…' : 'Reorder'}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
`;

const API_BEFORE = `import type { Order } from './types.js';

export async function listOrders(customerId: string): Promise<Order[]> {
  const response = await fetch(\`/api/customers/\${encodeURIComponent(customerId)}/orders\`);
  if (!response.ok) throw new Error(\`orders: \${response.status}\`);
  return (await response.json()) as Order[];
}
`;

const API_AFTER = `import type { Order, OrderLine } from './types.js';

export async function listOrders(customerId: string): Promise<Order[]> {
  const response = await fetch(\`/api/customers/\${encodeURIComponent(customerId)}/orders\`);
  if (!response.ok) throw new Error(\`orders: \${response.status}\`);
  return (await response.json()) as Order[];
}

export async function reorder(orderId: string): Promise<{ order?: Order; unavailable: OrderLine[] }> {
  const response = await fetch(\`/api/orders/\${encodeURIComponent(orderId)}/reorder\`, { method: 'POST' });
  if (!response.ok) throw new Error(\`reorder: \${response.status}\`);
  return (await response.json()) as { order?: Order; unavailable: OrderLine[] };
}
`;

const API_TEST_BEFORE = `import { afterEach, expect, it, vi } from 'vitest';
import { listOrders } from './api.js';

afterEach(() => vi.restoreAllMocks());

it('lists a customer\\'s orders', async () => {
  vi.spyOn(globalThis, 'fetch').mockResolvedValue(Response.json([{ id: 'o1' }]));
  expect(await listOrders('c 1')).toEqual([{ id: 'o1' }]);
  expect(fetch).toHaveBeenCalledWith('/api/customers/c%201/orders');
});
`;

const API_TEST_AFTER = `import { afterEach, expect, it, vi } from 'vitest';
import { listOrders, reorder } from './api.js';

afterEach(() => vi.restoreAllMocks());

it('lists a customer\\'s orders', async () => {
  vi.spyOn(globalThis, 'fetch').mockResolvedValue(Response.json([{ id: 'o1' }]));
  expect(await listOrders('c 1')).toEqual([{ id: 'o1' }]);
  expect(fetch).toHaveBeenCalledWith('/api/customers/c%201/orders');
});

it('reorders with a POST and returns the lines that were out of stock', async () => {
  vi.spyOn(globalThis, 'fetch').mockResolvedValue(Response.json({ unavailable: [{ sku: 'A-1', quantity: 2 }] }));
  expect(await reorder('o1')).toEqual({ unavailable: [{ sku: 'A-1', quantity: 2 }] });
  expect(fetch).toHaveBeenCalledWith('/api/orders/o1/reorder', { method: 'POST' });
});
`;

/** A lockfile bump: long, and excluded from the size count. */
function lockfile(version: string): string {
  const packages = Array.from(
    { length: 60 },
    (_, i) =>
      `    "node_modules/dep-${i}": {\n      "version": "${version}.${i}",\n      "integrity": "sha512-${Buffer.from(`${version}-${i}`).toString('base64')}"\n    }`,
  );
  return `{\n  "name": "shop",\n  "lockfileVersion": 3,\n  "packages": {\n${packages.join(',\n')}\n  }\n}\n`;
}

export const FILES: FileChangeInput[] = [
  { filename: 'src/billing/reorder.ts', status: 'added', patch: githubPatch('', REORDER_AFTER) },
  { filename: 'src/billing/charge.ts', status: 'modified', patch: githubPatch(CHARGE_BEFORE, CHARGE_AFTER) },
  { filename: 'test/charge.test.ts', status: 'modified', patch: githubPatch(CHARGE_TEST_BEFORE, CHARGE_TEST_AFTER) },
  { filename: 'src/orders/OrderHistory.tsx', status: 'modified', patch: githubPatch(HISTORY_BEFORE, HISTORY_AFTER) },
  { filename: 'src/orders/api.ts', status: 'modified', patch: githubPatch(API_BEFORE, API_AFTER) },
  { filename: 'src/orders/api.test.ts', status: 'modified', patch: githubPatch(API_TEST_BEFORE, API_TEST_AFTER) },
  { filename: 'package-lock.json', status: 'modified', patch: githubPatch(lockfile('1.4'), lockfile('1.5')) },
];

export const PR_TITLE = 'feat(orders): reorder a past order in one click';
export const PR_BODY = 'Adds a Reorder button to the order history. Charges the card that paid for the original order.\n\nCloses #431';

/** Seeds the repository, its configuration on the default branch, and the pull request. */
export function seedPullRequest(gh: Emulator, options: { installationId?: number } = {}): void {
  gh.store.addRepo({ owner: OWNER, repo: REPO, ownerType: 'Organization', installationId: options.installationId });
  gh.store.setBranch(OWNER, REPO, 'main', BASE_SHA);
  gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', CONFIG_YAML);
  gh.store.setFile(OWNER, REPO, '.gitattributes', '*.snap linguist-generated\n');
  gh.store.addPullRequest({
    owner: OWNER,
    repo: REPO,
    number: PR_NUMBER,
    title: PR_TITLE,
    body: PR_BODY,
    user: 'mona',
    head: { ref: 'reorder-button', sha: HEAD_SHA },
    base: { ref: 'main', sha: BASE_SHA },
    files: FILES,
    commits: [{ sha: HEAD_SHA, message: PR_TITLE, author: 'mona' }],
  });
}
