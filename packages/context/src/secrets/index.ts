/** @module Secret scanning entry point (V1-FR-SEC-003). */
export { scanSecrets, type SecretFinding } from './scan';
export { evaluateSecretGate, type SecretGateResult, type SecretWaiver } from './gate';
export { isSecretFileName } from './secret-files';
export { SECRET_RULES, type SecretRule, type SecretSeverity } from './rules';
