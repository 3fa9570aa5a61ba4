import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSyntax } from '../../../src/engine/syntax/load.js';
import { grammarOf, type Syntax } from '../../../src/engine/syntax/index.js';
import { learnFlagIdioms, type SourceText } from '../../../src/engine/learn/flag-idioms.js';
import { pathMatcher } from '../../../src/engine/glob.js';
import { DEFAULT_TEST_GLOBS } from '../../../src/config/schema.js';

let syntax: Syntax;
beforeAll(async () => {
  syntax = await loadSyntax(['typescript', 'tsx', 'ruby', 'go', 'python', 'kotlin', 'php']);
});

const sources = (files: Record<string, string>): SourceText[] =>
  Object.entries(files).map(([path, text]) => ({ path, text, grammar: grammarOf(path)! }));
const learn = (files: Record<string, string>, flagCalls: string[] = []) =>
  learnFlagIdioms(sources(files), syntax, { isTest: pathMatcher(DEFAULT_TEST_GLOBS), flagCalls });
const names = (files: Record<string, string>, flagCalls?: string[]) => learn(files, flagCalls).flagCalls.map((c) => c.name);

describe('learnFlagIdioms', () => {
  it('finds a React hook that reads the flag map through an evaluator factory, and not a data hook named like an SDK call', () => {
    const result = learn({
      'web/src/hooks/useUiFlag.ts': [
        "import useUiConfig from './useUiConfig';",
        'export const useUiFlagEvaluator = () => {',
        '    const { uiConfig } = useUiConfig();',
        '    return (flag: string) => applyOverrides(uiConfig?.flags?.[flag], flag);',
        '};',
        'export const useUiFlag = (flag: string) => {',
        '    const evaluate = useUiFlagEvaluator();',
        '    return evaluate(flag);',
        '};',
      ].join('\n'),
      'web/src/hooks/useFeature.ts':
        'export const useFeature = (projectId: string, featureId: string) => useSWR(`/api/projects/${projectId}/features/${featureId}`);\n',
      'web/src/component/feature/FeatureView.tsx': [
        'export const FeatureView = ({ projectId, featureId }: Props) => {',
        '    const { feature } = useFeature(projectId, featureId);',
        "    const tabsEnabled = useUiFlag('featureTabs');",
        '    const sorted = rows.sort((a, b) => a.getValue(columnId) - b.getValue(columnId));',
        '    return tabsEnabled ? <Tabs feature={feature} /> : <Legacy feature={feature} />;',
        '};',
      ].join('\n'),
      'web/src/component/feature/FeatureMenu.tsx': "export const FeatureMenu = () => (useUiFlag('menu') ? <Menu /> : null);\n",
    });
    expect(result.flagCalls.map((c) => c.name)).toEqual(['useUiFlag']);
    expect(result.flagCalls[0]).toMatchObject({ callSites: 2 });
    expect(result.flagCalls[0].evidence).toMatch(
      /^web\/src\/hooks\/useUiFlag\.ts:6 passes flag to `evaluate \(from useUiFlagEvaluator\(\)\)`/,
    );
  });

  it('finds a Ruby toggle module over Flipper, its negation, a view helper over it and a route constraint that keeps the key', () => {
    const result = learn({
      'lib/shop/feature_toggle.rb': [
        'module Shop',
        '  module FeatureToggle',
        '    def self.enabled?(feature_name, *actors)',
        '      return Flipper.enabled?(feature_name) if actors.empty?',
        '',
        '      actors.any? { |actor| Flipper.enabled?(feature_name, actor) }',
        '    end',
        '',
        '    def self.disabled?(feature_name, *actors)',
        '      !enabled?(feature_name, *actors)',
        '    end',
        '  end',
        'end',
      ].join('\n'),
      'app/helpers/application_helper.rb': [
        'module ApplicationHelper',
        '  def feature?(feature, *actors)',
        '    Shop::FeatureToggle.enabled?(feature, *actors)',
        '  end',
        '',
        '  def inventory_enabled?(hub)',
        '    Shop::FeatureToggle.enabled?(:inventory, hub)',
        '  end',
        'end',
      ].join('\n'),
      'app/constraints/feature_toggle_constraint.rb': [
        'class FeatureToggleConstraint',
        '  def initialize(feature_name, negate: false)',
        '    @feature = feature_name',
        '    @negate = negate',
        '  end',
        '',
        '  def matches?(request)',
        '    enabled?(request) ^ @negate',
        '  end',
        '',
        '  def enabled?(request)',
        '    Shop::FeatureToggle.enabled?(@feature, request.env["warden"]&.user)',
        '  end',
        'end',
      ].join('\n'),
      'app/controllers/checkout_controller.rb': [
        'class CheckoutController < BaseController',
        '  def edit',
        '    return redirect_to(cart_path) if Shop::FeatureToggle.disabled?(:new_checkout, spree_current_user)',
        '    @split = feature?(:split_checkout, spree_current_user)',
        '  end',
        'end',
      ].join('\n'),
      'config/routes.rb':
        'constraints FeatureToggleConstraint.new(:admin_v3) do\n  get "/admin/products", to: "admin/products_v3#index"\nend\n',
      'spec/models/order_spec.rb': 'def with_feature(name)\n  Flipper.enable(name)\nend\n',
    });
    expect(result.flagCalls.map((c) => c.name).sort()).toEqual([
      'FeatureToggle.disabled?',
      'FeatureToggle.enabled?',
      'FeatureToggleConstraint.new',
      'feature?',
    ]);
    const constraint = result.flagCalls.find((c) => c.name === 'FeatureToggleConstraint.new')!;
    expect(constraint).toMatchObject({ callSites: 1 });
    expect(constraint.evidence).toContain('keeps its key in @feature, which enabled? passes to `Shop::FeatureToggle.enabled?`');
    // `inventory_enabled?(hub)` passes its parameter as the actor, not the key: a predicate, not a wrapper.
    expect(
      names({
        'app/helpers/application_helper.rb': 'module H\n  def inventory_enabled?(hub)\n    Flipper.enabled?(:inventory, hub)\n  end\nend\n',
      }),
    ).toEqual([]);
  });

  it('finds a Go flag client method over a flag map and a server method over the configured experimentals', () => {
    const result = learn({
      'pkg/featureflags/client.go': [
        'package featureflags',
        '',
        'type defaultClient struct {',
        '\tflags map[string]any',
        '}',
        '',
        'func (c *defaultClient) Boolean(flagName string, storeID string) bool {',
        '\t_, ok := c.flags[flagName]',
        '\treturn ok',
        '}',
      ].join('\n'),
      'pkg/server/server.go': [
        'package server',
        '',
        'func (s *Server) IsExperimentallyEnabled(flag ExperimentalFeatureFlag) bool {',
        '\treturn slices.Contains(s.experimentals, flag)',
        '}',
        '',
        'func (s *Server) Check(ctx context.Context, req *CheckRequest) (*CheckResponse, error) {',
        '\tif s.featureFlagClient.Boolean(serverconfig.ExperimentalWeightedGraphCheck, req.GetStoreId()) {',
        '\t\treturn s.v2Check(ctx, req)',
        '\t}',
        '\tif s.IsExperimentallyEnabled(ExperimentalCheckOptimizations) {',
        '\t\treturn s.fastCheck(ctx, req)',
        '\t}',
        '\treturn s.v1Check(ctx, req)',
        '}',
      ].join('\n'),
      'pkg/server/list_objects.go':
        'package server\n\nfunc (s *Server) ListObjects() bool {\n\treturn s.featureFlagClient.Boolean(serverconfig.ExperimentalPipeline, storeID)\n}\n',
    });
    expect(result.flagCalls.map((c) => [c.name, c.callSites])).toEqual([
      ['featureFlagClient.Boolean', 2],
      ['IsExperimentallyEnabled', 1],
    ]);
    expect(result.flagCalls[0].evidence).toBe('pkg/featureflags/client.go:7 passes flagName to `c.flags[flagName]`');
    expect(result.paths).toEqual([{ glob: 'pkg/server/**', checks: 3, files: 2 }]);
  });

  it('finds a Python helper over waffle and a wrapper of a configured flag_calls helper; proposes where checks concentrate', () => {
    const files: Record<string, string> = {
      'shop/flags.py': 'from waffle import switch_is_active\n\n\ndef switch_on(name):\n    return switch_is_active(name)\n',
      'shop/billing/flags.py': 'def billing_flag(key, account):\n    return flags_client.on(key, account)\n',
    };
    for (let i = 0; i < 3; i++)
      files[`shop/billing/views_${i}.py`] =
        `def view_${i}(request):\n    if switch_on("billing-v${i}"):\n        return new_view(request)\n    return old_view(request)\n`;
    const result = learn(files, ['flags_client.on']);
    expect(result.flagCalls.map((c) => c.name)).toEqual(['switch_on', 'billing_flag']);
    expect(result.paths).toEqual([{ glob: 'shop/billing/**', checks: 4, files: 4 }]);
  });
  it('finds a provider chain: a lookup that builds a flag object whose method checks the key it was built with', () => {
    const result = learn({
      'app/src/main/kotlin/com/acme/flags/FeatureFlagProvider.kt': [
        'package com.acme.flags',
        '',
        'class FeatureFlagProvider(private val unleash: Unleash) {',
        '    fun provide(feature: Feature): FeatureFlag = RemoteFeatureFlag(feature.key, unleash)',
        '}',
        '',
        'class RemoteFeatureFlag(private val key: String, private val unleash: Unleash) : FeatureFlag {',
        '    override fun isEnabled(): Boolean = unleash.isEnabled(key)',
        '}',
      ].join('\n'),
      'app/src/main/kotlin/com/acme/cart/CartRepository.kt': [
        'class CartRepository(private val featureFlagProvider: FeatureFlagProvider) {',
        '    fun load(id: String): Cart =',
        '        if (featureFlagProvider.provide(Feature.SAVED_CARTS).isEnabled()) saved(id) else plain(id)',
        '    fun save(cart: Cart) {',
        '        if (featureFlagProvider.provide(Feature.CART_SYNC).isEnabled()) sync(cart)',
        '    }',
        '}',
      ].join('\n'),
      'web/src/rollouts.ts': [
        'export class Rollout {',
        '  constructor(name: string, unleash: Unleash) {',
        '    this.name = name;',
        '    this.unleash = unleash;',
        '  }',
        '  isEnabled(): boolean {',
        '    return this.unleash.isEnabled(this.name);',
        '  }',
        '}',
        'export class Rollouts {',
        '  named(name: string): Rollout {',
        '    return new Rollout(name, this.unleash);',
        '  }',
        '}',
      ].join('\n'),
      'web/src/home.ts': "export const promo = () => release.named('summer-promo').isEnabled();\n",
    });
    expect(result.flagCalls.map((c) => [c.name, c.callSites])).toEqual([
      ['featureFlagProvider.provide(key).isEnabled', 2],
      ['release.named(key).isEnabled', 1],
    ]);
    expect(result.flagCalls[0].evidence).toBe(
      'app/src/main/kotlin/com/acme/flags/FeatureFlagProvider.kt:4 passes feature.key to `RemoteFeatureFlag`, whose isEnabled() passes the key it keeps to `unleash.isEnabled`',
    );
  });

  it("finds a flags object's isOn over GrowthBook and a PHP static Feature::isActive over the configured features", () => {
    const result = learn({
      'web/src/flags.ts': [
        "import { GrowthBook } from '@growthbook/growthbook';",
        'export class FeatureFlags {',
        '  constructor(private readonly gb: GrowthBook) {}',
        '  isOn(feature: Feature): boolean {',
        '    return this.gb.isOn(feature);',
        '  }',
        '}',
      ].join('\n'),
      'web/src/home.tsx': 'export const Home = () => (featureFlags.isOn(Feature.SummerPromo) ? <Promo /> : <Hero />);\n',
      'app/Support/Feature.php': [
        '<?php',
        'namespace App\\Support;',
        '',
        'class Feature',
        '{',
        '    public static function isActive(string $feature): bool',
        '    {',
        "        return in_array($feature, config('app.enabled_features', []), true);",
        '    }',
        '}',
      ].join('\n'),
      'app/Support/Rollout.php': [
        '<?php',
        'class Rollout',
        '{',
        '    public static function enabledFor(string $name, $user): bool',
        '    {',
        '        return \\Laravel\\Pennant\\Feature::for($user)->active($name);',
        '    }',
        '}',
      ].join('\n'),
      'app/Http/Controllers/OrderController.php': [
        '<?php',
        'class OrderController extends Controller',
        '{',
        '    public function index()',
        '    {',
        "        return Feature::isActive('orders-v2') && Rollout::enabledFor('orders-v2', $user) ? $this->v2() : $this->v1();",
        '    }',
        '}',
      ].join('\n'),
    });
    expect(result.flagCalls.map((c) => [c.name, c.callSites])).toEqual([
      ['Feature::isActive', 1],
      ['featureFlags.isOn', 1],
      ['Rollout::enabledFor', 1],
    ]);
    expect(result.flagCalls[0].evidence).toMatch(
      /^app\/Support\/Feature\.php:6 passes \$feature to `in_array\(\$feature, config\('app\.enabled_features'/,
    );
  });
});
