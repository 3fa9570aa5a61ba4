import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSyntax } from '../../src/engine/syntax/load.js';
import type { Syntax } from '../../src/engine/syntax/index.js';
import { FlagMatcher } from '../../src/engine/flags/index.js';
import { ChangeAnalysis, type ParsedFile } from '../../src/engine/guards/analysis.js';

let syntax: Syntax;
beforeAll(async () => {
  syntax = await loadSyntax(['kotlin', 'java']);
});

/** A changed file whose `added` lines (one-based) are new; `base` is its text before the change. */
function file(path: string, text: string, added: number[], base: string): ParsedFile {
  const rows = new Set(added.map((l) => l - 1));
  return {
    path,
    tree: syntax.parse(path.endsWith('.kt') ? 'kotlin' : 'java', text)!,
    isAdded: (row) => rows.has(row),
    existedBefore: (name) => new RegExp(`\\b${name}\\b`).test(base),
  };
}

const verdict = (f: ParsedFile, line: number) => new ChangeAnalysis([f], new FlagMatcher()).verdict(f.path, line - 1);

const koinBase = ['val paymentsModule = module {', '    single<PaymentGateway> { LegacyGateway(get()) }', '}'].join('\n');

describe('dependency-injection bindings run when something resolves them, not when the file loads', () => {
  it('a Koin binding this change adds is judged where it is resolved', () => {
    const head = [
      'val paymentsModule = module {',
      '    single<PaymentGateway> { LegacyGateway(get()) }',
      '    single { StripeGateway(get(), get()) }',
      '    singleOf(::RefundPoller)',
      '}',
    ].join('\n');
    const f = file('app/PaymentsModule.kt', head, [3, 4], koinBase);
    expect(verdict(f, 3)).toMatchObject({
      evidence: 'guarded',
      why: expect.stringContaining('binding of `StripeGateway` (Koin `single`)'),
    });
    expect(verdict(f, 4)).toMatchObject({
      evidence: 'guarded',
      why: expect.stringContaining('binding of `RefundPoller` (Koin `singleOf`)'),
    });
  });

  it('a change to a Koin binding that existed reaches everything that resolves it', () => {
    const head = ['val paymentsModule = module {', '    single<PaymentGateway> { StripeGateway(get()) }', '}'].join('\n');
    expect(verdict(file('app/PaymentsModule.kt', head, [2], koinBase), 2)).toEqual({
      evidence: 'unguarded',
      why: 'it is in the binding of `PaymentGateway` (Koin `single`), which exists before this change: everything that resolves it gets the change, with no flag check',
    });
  });

  it('code at file level outside a binding still runs when the file loads', () => {
    const head = [
      'val paymentsModule = module {',
      '    single<PaymentGateway> { LegacyGateway(get()) }',
      '}',
      'val started = Poller.start()',
    ].join('\n');
    expect(verdict(file('app/PaymentsModule.kt', head, [4], koinBase), 4)).toMatchObject({ evidence: 'unguarded' });
  });

  it('a Spring @Bean or Dagger @Provides method: new ones wait for an injection, changed ones reach every injection', () => {
    const base = [
      '@Configuration',
      'public class PaymentsConfig {',
      '    @Bean',
      '    PaymentGateway gateway(PaymentsApi api) { return new LegacyGateway(api); }',
      '}',
    ].join('\n');
    const added = [
      '@Configuration',
      'public class PaymentsConfig {',
      '    @Bean',
      '    PaymentGateway gateway(PaymentsApi api) { return new LegacyGateway(api); }',
      '    @Bean',
      '    StripeGateway stripeGateway(PaymentsApi api) { return new StripeGateway(api); }',
      '}',
    ].join('\n');
    expect(verdict(file('src/PaymentsConfig.java', added, [5, 6], base), 6)).toMatchObject({ evidence: 'guarded' });
    const swapped = base.replace('new LegacyGateway(api)', 'new StripeGateway(api)');
    expect(verdict(file('src/PaymentsConfig.java', swapped, [4], base), 4)).toMatchObject({
      evidence: 'unguarded',
      why: expect.stringContaining('binding of `PaymentGateway` (a `@Bean` method)'),
    });
  });
});
