import { describe, expect, it } from '@jest/globals';
import { FlagMatcher, aliasesAssigned, MAX_LINE_LENGTH } from '../../src/engine/flags/index.js';

const matcher = new FlagMatcher();
const keysOf = (line: string, m = matcher) => m.find(line).map((c) => `${c.sdk}:${c.key}`);

describe('a flags object is a flag check only where it comes from a flag SDK', () => {
  it("does not read any `flags.x` line as a flag check (a command line's `cli.flags.verbose` is not one)", () => {
    expect(new FlagMatcher().find('  if (flags.verbose) console.log(order.id);')).toEqual([]);
    expect(new FlagMatcher().find('  {flags.quickBuy && <QuickBuy />}')).toEqual([]);
  });
});

describe('flag calls recognised out of the box', () => {
  it.each([
    [`  if (await ldClient.variation('new-checkout', context, false)) {`, 'LaunchDarkly:new-checkout'],
    [`    boolean on = client.boolVariation(FeatureKeys.NEW_LEDGER, ctx, false);`, 'LaunchDarkly:FeatureKeys.NEW_LEDGER'],
    [`\tif on, _ := s.ld.BoolVariation("unified-search", ldctx, false); on {`, 'LaunchDarkly:unified-search'],
    [`  const { newNav } = useFlags();`, 'LaunchDarkly:*'],
    [`  if (unleash.isEnabled('charge-v2', { userId })) {`, 'Unleash:charge-v2'],
    [`  const enabled = useFlag('travel.landing');`, 'Unleash:travel.landing'],
    [`    if unleash_client.is_enabled("regional-pricing", ctx):`, 'Unleash:regional-pricing'],
    [`\tif s.features.IsEnabled(ctx, featuremgmt.FlagUnifiedSearch) {`, 'Unleash:featuremgmt.FlagUnifiedSearch'],
    [`  if (await client.getBooleanValue('new-tax-engine', false)) {`, 'OpenFeature:new-tax-engine'],
    [`\ton, _ := h.flags.BooleanValue(ctx, "payment-intents", false, openfeature.EvaluationContext{})`, 'OpenFeature:payment-intents'],
    [`    if client.get_boolean_value("regional-pricing", False):`, 'OpenFeature:regional-pricing'],
    [`  const drawer = useBooleanFlagValue('cart-drawer', false);`, 'OpenFeature:cart-drawer'],
    [`  if (flagsmith.hasFeature('dark_mode')) {`, 'Flagsmith:dark_mode'],
    [`  if (growthbook.isOn('fuzzy-search')) {`, 'GrowthBook:fuzzy-search'],
    [`  const promo = useFeatureIsOn('summer-promo');`, 'GrowthBook:summer-promo'],
    [`  const treatment = client.getTreatment(userId, 'new_onboarding');`, 'Split:new_onboarding'],
    [`  if (await configCatClient.getValueAsync('magicLinks', false)) {`, 'ConfigCat:magicLinks'],
    [`  if (statsig.checkGate(user, 'boosted_ranking')) {`, 'Statsig:boosted_ranking'],
    [`    if posthog.feature_enabled("onboarding-checklist", user.distinct_id):`, 'PostHog:onboarding-checklist'],
    [`    if Flipper.enabled?(:new_invoice, current_user)`, 'Flipper:new_invoice'],
    [`    return head(:not_found) unless Flipper.enabled? :bulk_export`, 'Flipper:bulk_export'],
    [`    lines = grouped if Flipper[:grouped_invoice].enabled?(account)`, 'Flipper:grouped_invoice'],
    [`    if Feature.enabled?(:ci_new_pipeline, project)`, 'Feature (GitLab):ci_new_pipeline'],
    [`    if flag_is_active(request, "one_page_checkout"):`, 'Waffle:one_page_checkout'],
    [`@waffle_flag("beta_reports")`, 'Waffle:beta_reports'],
    [`  {% flag "new_nav" %}`, 'Waffle:new_nav'],
    [`{% if waffle.flag("new_footer") %}`, 'Waffle:new_footer'],
    [`        if (Feature::active('orders-v2')) {`, 'Pennant:orders-v2'],
    [`    @feature('new-nav')`, 'Pennant:new-nav'],
    [`        if (Features.DOUBLE_ENTRY.isActive()) {`, 'Togglz:Features.DOUBLE_ENTRY'],
  ])('%s', (line, expected) => {
    expect(keysOf(line)).toContain(expected);
  });

  it.each([
    [`  if (event.key === 'Enter' && button.isEnabled()) {`],
    [`  if (!form.getValue('email')) form.setValue('email', user.email);`],
    [`  const variation = product.variation('red');`],
    [`        if (!payment.account().isEnabled()) return;`],
    [`  const flags = parseArgs(process.argv); flags.map((f) => f.trim());`],
    [`  // isEnabled is checked elsewhere`.replace('isEnabled', 'isEnabledLater')],
  ])('is not fooled by %s', (line) => {
    expect(matcher.find(line)).toEqual([]);
  });

  it('reads the key on the line after the parenthesis', () => {
    const lines = ['  if (', '    await client.getBooleanValue(', "      'new-tax-engine',", '      false,', '    )', '  ) {'];
    const checks = matcher.scan(lines);
    expect(checks[1]?.map((c) => c.key)).toEqual(['new-tax-engine']);
  });

  it('finds every check of many lines at once and says which line holds it', () => {
    const lines = ['const a = 1;', "if (ld.variation('k1', ctx, false)) {", '  go();', '}', 'x = Flipper.enabled?(:k2)'];
    const checks = matcher.scan(lines);
    expect(checks.map((c) => c?.map((x) => x.key))).toEqual([undefined, ['k1'], undefined, undefined, ['k2']]);
  });
});

describe('the team’s own helpers and patterns', () => {
  const team = new FlagMatcher({
    flagCalls: ['useUiFlag', 'FeatureToggle.enabled?', 'feature?', 'featureFlagClient.Boolean'],
    flagPatterns: ['isRolledOut\\(\\s*"([^"]+)"'],
  });
  it.each([
    [`  const v3 = useUiFlag('checkout-v3-summary');`, 'checkout-v3-summary'],
    [`    return %w[month year] if FeatureToggle.enabled?(:annual_plans)`, 'annual_plans'],
    [`    if feature?(:bulk_export)`, 'bulk_export'],
    [`\tif featureFlagClient.Boolean(NewSearchKey, user.ID) {`, 'NewSearchKey'],
    [`  if (isRolledOut("new-search")) {`, 'new-search'],
  ])('%s', (line, key) => {
    expect(team.find(line).map((c) => c.key)).toContain(key);
  });
  it('does not treat the helper without a key as a check', () => {
    expect(team.find('  const all = useUiFlag();')).toEqual([]);
  });
});

describe('flags looked up, then asked for their state, and boolean methods on a flags object', () => {
  const checks = (m: FlagMatcher, line: string) => m.find(line).map((c) => `${c.sdk}:${c.key}`);
  it.each([
    [`  if (featureFlagProvider.provide(Feature.NEW_CHECKOUT).isEnabled()) {`, 'flag lookup:Feature.NEW_CHECKOUT'],
    [`    val saved = flags.get(FeatureFlag.SAVED_CARTS).isEnabled`, 'flag lookup:FeatureFlag.SAVED_CARTS'],
    [`  if (flags.get('summer-promo').isEnabled()) {`, 'flag lookup:summer-promo'],
    [`  return toggles.of(Toggle.BULK)?.isActive == true`, 'flag lookup:Toggle.BULK'],
    [`  if (ff4j.getFeature("new-ledger").isEnable()) {`, 'FF4J:new-ledger'],
    [`  if (user.decide('checkout-v2').enabled) {`, 'Optimizely:checkout-v2'],
    [`  if (gb.isOn('fuzzy-search')) {`, 'GrowthBook:fuzzy-search'],
    [`  if (featureFlags.isOn(Feature.SummerPromo)) {`, 'GrowthBook:Feature.SummerPromo'],
    [`  if (isOn(Feature.SUMMER_PROMO)) {`, 'GrowthBook:Feature.SUMMER_PROMO'],
    [`        if (Feature::for($request->user())->active('orders-v2')) {`, 'Pennant:orders-v2'],
    [`        if (Feature::active(OrdersV2::class)) {`, 'Pennant:OrdersV2::class'],
    [`        if (Feature::someAreInactive('orders-v2')) {`, 'Pennant:orders-v2'],
    [`        if (Features::isActive('orders-v2')) {`, 'feature facade:orders-v2'],
    [`        if ($this->features->isActive('orders-v2')) {`, 'feature facade:orders-v2'],
  ])('%s', (line, check) => {
    expect(checks(matcher, line)).toEqual([check]);
  });

  it.each([
    `  if (users.get(id).isActive()) {`,
    `  if (accounts.find(userId).isActive()) {`,
    `  if (tab.isActive('settings')) {`,
    `  if (lamp.isOn(room.light)) {`,
    `  if (Subscription::for($user)->active('pro')) {`,
    `  if (flags.get('x').size > 0) {`,
  ])('no check: %s', (line) => {
    expect(matcher.find(line)).toEqual([]);
  });

  it('reads a configured chain, whichever call takes the key', () => {
    const team = new FlagMatcher({ flagCalls: ['rollout.provide(key).isEnabled', 'Plan::for().allows(key)'] });
    expect(checks(team, '  if (rollout.provide(Release.SAVED_CARTS).isEnabled()) {')).toEqual(['risky.flag_calls:Release.SAVED_CARTS']);
    expect(checks(team, "  if (Plan::for($team)->allows('exports')) {")).toEqual(['risky.flag_calls:exports']);
    expect(team.find('  if (rollout.provide(Release.SAVED_CARTS).isVisible()) {')).toEqual([]);
    // The check spans the chain, so the guard analysis places it on the whole expression.
    const [check] = team.find('if (rollout.provide(K).isEnabled()) go();');
    expect(check).toMatchObject({ index: 4, end: 34 });
  });
});

describe('safety on hostile input', () => {
  it('cuts lines longer than 2,000 characters before matching', () => {
    const far = `${' '.repeat(MAX_LINE_LENGTH)}if (ld.variation('late', ctx, false)) {`;
    const near = `if (ld.variation('early', ctx, false)) {${' '.repeat(MAX_LINE_LENGTH * 2)}`;
    expect(matcher.find(far)).toEqual([]);
    expect(matcher.find(near).map((c) => c.key)).toEqual(['early']);
    expect(matcher.scan([far, near]).map((c) => c?.map((x) => x.key))).toEqual([undefined, ['early']]);
  });

  it('runs a catastrophic user pattern in linear time (RE2): `(a+)+$` on a long line of a’s ending in "!"', () => {
    const hostile = new FlagMatcher({ flagPatterns: ['(a+)+$'] });
    const line = `${'a'.repeat(MAX_LINE_LENGTH - 1)}!`;
    // A backtracking engine would not finish this within the test timeout (2^1999 paths).
    expect(hostile.find(line)).toEqual([]);
    expect(hostile.scan(Array.from({ length: 200 }, () => line)).every((c) => c === undefined)).toBe(true);
  });
});

describe('aliases of a flag check', () => {
  const alias = (line: string) => aliasesAssigned(line, matcher.find(line)[0]);
  it.each([
    ['  const useIntents = await ld.boolVariation("payment-intents", context, false);', ['useIntents']],
    ['    enabled = Flipper.enabled?(:daily_digest, user)', ['enabled']],
    ['\ton, _ := h.flags.BooleanValue(ctx, "k", false, ec)', ['on']],
    ['  const { newNav, darkMode: dark } = useFlags();', ['newNav', 'dark']],
    ['        boolean doubleEntry = ldClient.boolVariation(FeatureKeys.DOUBLE_ENTRY, ctx, false);', ['doubleEntry']],
    ['  const on: boolean = client.getBooleanValue("k", false);', ['on']],
    ['  if (ld.variation("k", ctx, false) === true) go();', []],
  ])('%s', (line, names) => {
    expect(alias(line)).toEqual(names);
  });
});
