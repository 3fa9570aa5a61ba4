/**
 * The flag SDKs and conventions recognised out of the box, as data: each record says which argument of a call
 * holds the key and what a key may look like.
 */

/** What a key argument may be: a string literal, a Ruby symbol, a constant (`Flags.NEW_X`,
 * `featuremgmt.FlagNewSearch`), a constant of a flag type (`Feature.NEW_X`, `FeatureFlag.X`, `Flags::X`: one
 * whose qualifier names flags, features or toggles) or any identifier (typed SDK calls and team helpers pass
 * variables). */
export type KeyForm = 'string' | 'symbol' | 'constant' | 'flag-constant' | 'identifier';

export interface KeySpec {
  /** Zero-based argument position. */
  arg: number;
  forms: readonly KeyForm[];
}

export interface FlagCallRecord {
  /** The call as written in code: `boolVariation`, `Flipper.enabled?`, `Feature::active`, `flag_is_active`. */
  name: string;
  sdk: string;
  /**
   * call: `name(key, …)` (Ruby also `name :key`); index: `Flipper[:key]`; flags-object: `useFlags()` returns
   * every flag (its destructured names and property reads are flag reads); chain: `name(…).tail(…)`, a
   * call whose result is asked for the flag's state (`provider.provide(key).isEnabled()`,
   * `Feature::for($user)->active('key')`), the key in the call `chain.keyIn` says.
   */
  form: 'call' | 'index' | 'flags-object' | 'chain';
  /** For a chain: the names that may follow the call (a call or a property) and which of the two takes the key. */
  chain?: { tails: readonly string[]; keyIn: 'head' | 'tail' };
  /**
   * The receiver the call must have (its last name before the call's): `Features::isActive('x')` and
   * `flags.isActive(x)` check a flag, `tab.isActive('x')` does not.
   */
  receiver?: RegExp;
  /** Where the key may be; the first spec that matches wins. */
  keys: readonly KeySpec[];
  /** Fewest arguments a real call has (ConfigCat's getValue always passes a default), to skip look-alikes. */
  minArgs?: number;
}

const S: readonly KeyForm[] = ['string'];
export const SY: readonly KeyForm[] = ['string', 'symbol'];
/** Typed SDK calls (Java, Kotlin, Go, TypeScript) often pass the key as a constant or variable. */
const TYPED: readonly KeyForm[] = ['string', 'identifier'];
const CONST: readonly KeyForm[] = ['string', 'constant'];

/** A receiver that names a flag collection or facade: `Feature`, `Features`, `featureFlags`, `toggles`, `FeatureToggle`. */
export const FLAG_RECEIVER = /(?:flags?|features?|toggles?)$/i;

function chain(sdk: string, name: string, tails: readonly string[], keyIn: 'head' | 'tail', keys: readonly KeySpec[]): FlagCallRecord {
  return { name, sdk, form: 'chain', keys, chain: { tails, keyIn } };
}

export const at = (arg: number, forms: readonly KeyForm[]): KeySpec => ({ arg, forms });

function calls(sdk: string, names: readonly string[], keys: readonly KeySpec[], minArgs?: number): FlagCallRecord[] {
  return names.map((name) => ({ name, sdk, form: 'call' as const, keys, ...(minArgs ? { minArgs } : {}) }));
}

/** Pennant's checks, on the facade and on a scope. */
const PENNANT_CHECKS = ['active', 'inactive', 'value', 'when', 'allAreActive', 'someAreActive', 'allAreInactive', 'someAreInactive'];

/** The SDKs and conventions recognised out of the box (SPEC section 1, risky). */
export const KNOWN_FLAG_CALLS: readonly FlagCallRecord[] = [
  // LaunchDarkly: server SDKs take (key, context, default); Go capitalises; `variation` alone is common
  // English, so it needs its default argument too.
  ...calls('LaunchDarkly', ['variation', 'variationDetail', 'variation_detail'], [at(0, S)], 2),
  ...calls(
    'LaunchDarkly',
    [
      'boolVariation',
      'boolVariationDetail',
      'stringVariation',
      'stringVariationDetail',
      'numberVariation',
      'numberVariationDetail',
      'jsonVariation',
      'jsonVariationDetail',
      'intVariation',
      'intVariationDetail',
      'doubleVariation',
      'doubleVariationDetail',
      'jsonValueVariation',
      'BoolVariation',
      'BoolVariationDetail',
      'StringVariation',
      'StringVariationDetail',
      'IntVariation',
      'Float64Variation',
      'JSONVariation',
      'BoolVariationCtx',
      'StringVariationCtx',
    ],
    [at(0, TYPED)],
  ),
  { name: 'useFlags', sdk: 'LaunchDarkly', form: 'flags-object', keys: [] },
  // Unleash (Node, browser, React, Python, Go, Java, Ruby).
  ...calls('Unleash', ['isEnabled', 'IsEnabled', 'is_enabled', 'is_enabled?'], [at(0, CONST), at(1, ['constant'])]),
  ...calls('Unleash', ['getVariant', 'GetVariant', 'get_variant', 'useFlag', 'useVariant'], [at(0, S)]),
  // OpenFeature: JS/Java/Kotlin/Python take the key first, Go takes (ctx, key, default, evalCtx).
  ...calls(
    'OpenFeature',
    [
      'getBooleanValue',
      'getBooleanDetails',
      'getStringValue',
      'getStringDetails',
      'getNumberValue',
      'getNumberDetails',
      'getObjectValue',
      'getObjectDetails',
      'getIntegerValue',
      'getDoubleValue',
      'useBooleanFlagValue',
      'useBooleanFlagDetails',
      'useStringFlagValue',
      'useNumberFlagValue',
      'useObjectFlagValue',
      'get_boolean_value',
      'get_boolean_details',
      'get_string_value',
      'get_integer_value',
      'get_float_value',
      'get_object_value',
      'fetch_boolean_value',
      'fetch_string_value',
      'fetch_number_value',
    ],
    [at(0, TYPED)],
  ),
  ...calls(
    'OpenFeature',
    ['BooleanValue', 'BooleanValueDetails', 'StringValue', 'StringValueDetails', 'IntValue', 'FloatValue', 'ObjectValue'],
    [at(1, TYPED)],
    3,
  ),
  // Flagsmith.
  ...calls(
    'Flagsmith',
    ['hasFeature', 'isFeatureEnabled', 'IsFeatureEnabled', 'is_feature_enabled', 'getFeatureValue', 'get_feature_value'],
    [at(0, S)],
  ),
  // GrowthBook (`gb.isOn("key")`); `isOn(Feature.X)` on an app's flags object takes a flag constant.
  ...calls('GrowthBook', ['isOn', 'isOff', 'IsOn'], [at(0, ['string', 'flag-constant'])]),
  ...calls('GrowthBook', ['is_on', 'is_off', 'useFeatureIsOn', 'useFeatureValue', 'useFeature'], [at(0, S)]),
  // Split: browser SDKs take (splitName), server SDKs (key, splitName).
  ...calls('Split', ['getTreatment', 'getTreatmentWithConfig', 'get_treatment', 'GetTreatment', 'Treatment'], [at(0, S), at(1, S)]),
  // ConfigCat: always (key, default[, user]); Java (Class, key, default).
  ...calls(
    'ConfigCat',
    [
      'getValue',
      'getValueAsync',
      'getValueDetails',
      'getValueDetailsAsync',
      'get_value',
      'GetValue',
      'GetValueAsync',
      'GetBoolValue',
      'GetStringValue',
    ],
    [at(0, S), at(1, S)],
    2,
  ),
  ...calls('ConfigCat', ['useFeatureFlag'], [at(0, S)]),
  // Statsig: server SDKs take (user, gate), client SDKs (gate).
  ...calls(
    'Statsig',
    ['checkGate', 'checkGateSync', 'check_gate', 'CheckGate', 'getFeatureGate', 'useGate', 'useGateValue', 'useFeatureGate'],
    [at(0, S), at(1, S)],
  ),
  // PostHog.
  ...calls(
    'PostHog',
    [
      'isFeatureEnabled',
      'feature_enabled',
      'is_feature_enabled',
      'getFeatureFlag',
      'get_feature_flag',
      'useFeatureFlagEnabled',
      'useFeatureFlagVariantKey',
    ],
    [at(0, S)],
  ),
  // Flipper (Ruby) and GitLab's Feature wrapper, which Rails teams copy.
  ...calls('Flipper', ['Flipper.enabled?'], [at(0, SY)]),
  { name: 'Flipper', sdk: 'Flipper', form: 'index', keys: [at(0, SY)] },
  ...calls('Feature (GitLab)', ['Feature.enabled?', 'Feature.disabled?'], [at(0, SY)]),
  // Waffle (Django): views, decorators, Jinja templates. Template tags are recognised separately.
  ...calls('Waffle', ['flag_is_active'], [at(1, S)]),
  ...calls(
    'Waffle',
    ['switch_is_active', 'sample_is_active', 'waffle_flag', 'waffle_switch', 'waffle.flag', 'waffle.switch', 'waffle.sample'],
    [at(0, S)],
  ),
  // Laravel Pennant: the facade's static checks, and the same checks for a scope (`Feature::for($user)->active('x')`).
  ...calls(
    'Pennant',
    PENNANT_CHECKS.map((name) => `Feature::${name}`),
    [at(0, CONST)],
  ),
  chain('Pennant', 'Feature::for', PENNANT_CHECKS, 'tail', [at(0, CONST)]),
  // Static feature facades and flag collections asked whether a key is active: `Features::isActive('x')`,
  // `featureFlags.isActive(Feature.X)`. Only on a receiver that names flags: `tab.isActive('x')` is no check.
  ...['isActive', 'isInactive', 'isDisabled', 'is_active', 'isFeatureActive'].map((name): FlagCallRecord => ({
    name,
    sdk: 'feature facade',
    form: 'call',
    keys: [at(0, ['string', 'constant'])],
    receiver: FLAG_RECEIVER,
  })),
  // A flag looked up, then asked for its state: FF4J `ff4j.getFeature("x").isEnable()`, Optimizely
  // `user.decide("x").enabled`. Other lookups on a flag-named receiver (`flags.get("x").isEnabled()`) are read
  // by the matcher without a fixed name.
  chain('FF4J', 'getFeature', ['isEnable'], 'head', [at(0, S)]),
  chain('Optimizely', 'decide', ['enabled', 'getEnabled'], 'head', [at(0, S)]),
];
