/** @module Public entry point of @iama/contracts. */
export * from './llm/patch-edit';
