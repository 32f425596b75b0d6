/**
 * @module The Local Native timeout policy (V1-FR-SBX-005): 30 s by default, configurable only
 * within bounds. The spec names no bounds; docs/client/decisions.md records 1–600 s.
 */

export const NATIVE_TIMEOUT_SECONDS = { default: 30, min: 1, max: 600 } as const;

export class TimeoutOutOfBoundsError extends Error {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(readonly value: unknown) {
    super(
      `timeout must be an integer between ${NATIVE_TIMEOUT_SECONDS.min} and ${NATIVE_TIMEOUT_SECONDS.max} seconds (got ${String(value)})`,
    );
  }
}

/** Throws {@link TimeoutOutOfBoundsError} for a value outside the bounds. */
export function validateTimeoutSeconds(value: number): number {
  if (
    !Number.isInteger(value) ||
    value < NATIVE_TIMEOUT_SECONDS.min ||
    value > NATIVE_TIMEOUT_SECONDS.max
  )
    throw new TimeoutOutOfBoundsError(value);
  return value;
}

/**
 * The run's timeout: the server's request wins (a user's `increase_timeout` choice, V1-FR-SBX-007),
 * then the user's setting, then the default; whichever is used must be within bounds.
 * @example resolveTimeoutSeconds(null, undefined) // 30
 */
export function resolveTimeoutSeconds(
  requested: number | null | undefined,
  configured: number | undefined,
): number {
  return validateTimeoutSeconds(requested ?? configured ?? NATIVE_TIMEOUT_SECONDS.default);
}
