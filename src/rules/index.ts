import type { Rule } from '../model/rule.js';
import { OAS_RULES } from './oas/index.js';
import { GATEWAY_RULES } from './gateway/index.js';

/**
 * The registry of built-in rules: one file per rule, file name = rule id. The meta-test checks
 * that every rule here has docs, fixtures and a place in `gwctl:all`.
 */
export const RULES: readonly Rule[] = [...OAS_RULES, ...GATEWAY_RULES];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));
