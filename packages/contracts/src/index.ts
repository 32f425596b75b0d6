/** @module Public entry point of @iama/contracts. */
export * from './llm/patch-edit';
export * from './llm/common';
export * from './llm/proposal';
export * from './llm/spec';
export * from './llm/test-plan';
export * from './llm/patch-plan';
export * from './llm/failure-analysis';
export * from './llm/repo-scope';
export * from './llm/policy-violation';
export * from './llm/registry';
export * from './tiers/model-class';
export * from './workflow/states';
export * from './workflow/transitions';
export * from './tiers/tier';
export * from './tiers/tier-matrix';
export * from './tiers/credits';
export * from './config/dynamic-config';
