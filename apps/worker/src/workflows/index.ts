/** @module Every workflow the IAMA worker registers. Sandbox-safe imports only. */
export { healthProbeWorkflow } from './health-probe';
