/** @module The default task queue shared by the API (client) and the worker. */
export const DEFAULT_TASK_QUEUE = 'iama-refactor';
