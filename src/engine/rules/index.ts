/**
 * The rule registry: every rule `evaluate` runs, in the order of the report's rows. A new rule is a folder
 * under rules/ exporting its `Rule`, a section (and an override label) in the configuration's schema, and a
 * line here.
 */
import type { Rule } from './rule.js';
import { sizeRule } from './size.js';
import { testsRule } from './tests.js';
import { riskyRule } from './risky/rule.js';
import { reviewRule } from './review/index.js';
import { migrationsRule } from './migrations/index.js';
import { flagsRule } from './flags/index.js';

export const RULES: readonly Rule[] = [sizeRule, testsRule, riskyRule, reviewRule, migrationsRule, flagsRule];

export type { EvaluationContext, FactNeeds, FactsWanted, Rule, RuleContext, RuleOutcome, TextWanted } from './rule.js';
