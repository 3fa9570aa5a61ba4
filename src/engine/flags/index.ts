/**
 * Feature-flag checks: the SDK catalogue (catalogue.ts), the matcher that finds checks in lines
 * (matcher.ts, with its prefilter in anchors.ts and its argument reader in arguments.ts), and the names a
 * check's result is assigned to (aliases.ts).
 */
export { KNOWN_FLAG_CALLS, type FlagCallRecord, type KeyForm, type KeySpec } from './catalogue.js';
export { FlagMatcher, flagMatcherFor, type FlagCheck, type FlagMatcherOptions } from './matcher.js';
export { MAX_LINE_LENGTH } from './text.js';
export { aliasesAssigned } from './aliases.js';
