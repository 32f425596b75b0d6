/**
 * @module The IAMA Router (issue #4; ADR-002 action items 3, 5, 9, 10; ARCHITECTURE D2): the
 * only code that talks to a model. One `call` = gates → route → context cap → prompt with cache
 * segments → streamed provider call(s) through the LiteLLM Proxy with bounded retries, output
 * cap and output contract → metering, route record, audit.
 */
import { responseFormat, type LlmSchemaFamily, type ModelClass } from '@iama/contracts';
import { SessionLimiter } from './concurrency';
import { applyContextCap } from './context-gate';
import { RouterError, type FailureClass } from './errors';
import { decideRoute, type RouteDecision } from './gates';
import {
  addTokens,
  creditsFor,
  FIXTURE_PRICES,
  ledgerKey,
  ZERO_TOKENS,
  type PriceTable,
} from './metering';
import { parseAnswer } from './output';
import { systemTemplate, reinforcement } from './prompts/templates';
import { buildMessages } from './prompts/segments';
import { ProviderError, streamChat, type StreamOutcome } from './provider/chat-stream';
import { ProviderHealth, type ProviderHealthEntry } from './provider-health';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import { RouteTable } from './route-table';
import {
  systemClock,
  type AuditSink,
  type Clock,
  type LedgerSink,
  type ProviderStatusSink,
  type RouteRecordSink,
  type RouteTableSource,
  type SecretsProvider,
} from './ports';
import type {
  CacheStatus,
  CallRequest,
  CallResult,
  ProgressEvent,
  RouteRecord,
  TokenCounts,
} from './types';

export type RouterOptions = {
  /** LiteLLM Proxy base URL, without `/v1`. */
  proxyUrl: string;
  /** Reference of the proxy's key (SERVICE_ARCHITECTURE §8.2 "LiteLLM master key"); none = no auth header. */
  proxyKeyRef?: string;
  secrets: SecretsProvider;
  routes: RouteTableSource;
  ledger: LedgerSink;
  audit: AuditSink;
  records?: RouteRecordSink;
  /** Provider status changes, for the admin health view in another process. */
  statusSink?: ProviderStatusSink;
  /** HMAC key of escalation confirmation tokens, shared with the workflow. */
  confirmationKey: string | Buffer;
  prices?: PriceTable;
  clock?: Clock;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  routeTableTtlMs?: number;
  /** Progress heartbeat period; must stay below 30 s (AGENT.md resolution 16). Default 10 s. */
  heartbeatIntervalMs?: number;
  l1SessionLimit?: number;
  l1MaxWaitMs?: number;
  /** Provider-native structured output (PRD V1 §11 item 6). Default `json_schema`. */
  structuredOutput?: 'json_schema' | 'json_object' | 'none';
};

export type IamaRouter = {
  call<F extends LlmSchemaFamily>(req: CallRequest<F>): Promise<CallResult<F>>;
  /** OK / DEGRADED / DOWN per alias, for the admin health view. */
  providerStatus(): ProviderHealthEntry[];
  /** Reload `model.l1|l2|l3` on the next call (operator changed the config). */
  invalidateRoutes(): void;
  /** L1 calls in flight for a session. */
  l1InFlight(sessionId: string): number;
};

type CallState = {
  tokens: TokenCounts;
  providerCalls: number;
  outputNow: number;
  cacheStatus: CacheStatus;
};

/** How an abort reason names its failure class: `controller.abort({ failureClass: 'CLIENT_DISCONNECTED' })`. */
const abortClass = (reason: unknown): FailureClass => {
  const fc = (reason as { failureClass?: unknown } | null)?.failureClass;
  return fc === 'CLIENT_DISCONNECTED' || fc === 'USER_CANCELLED' || fc === 'TIMEOUT_EXECUTION'
    ? fc
    : 'USER_CANCELLED';
};

/**
 * Builds the router. The worker's entry point supplies the adapters.
 * @example
 * const router = createRouter({ proxyUrl, secrets: envSecrets(), routes, ledger, audit, confirmationKey });
 * const { output } = await router.call({ snapshot, stage: 'test_generation', attemptNumber: 1, sessionId, family: 'test_plan', prompt: { task } });
 */
export function createRouter(opts: RouterOptions): IamaRouter {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  const prices = opts.prices ?? FIXTURE_PRICES;
  const table = new RouteTable(opts.routes, opts.routeTableTtlMs ?? 10_000, clock.now);
  const health = new ProviderHealth(clock.now);
  const limiter = new SessionLimiter(opts.l1SessionLimit ?? 3, opts.l1MaxWaitMs ?? 10 * 60_000);
  const heartbeatMs = Math.min(opts.heartbeatIntervalMs ?? 10_000, 29_000);
  let proxyKey: Promise<string | undefined> | undefined;
  const getProxyKey = () =>
    (proxyKey ??= opts.proxyKeyRef
      ? opts.secrets.resolve(opts.proxyKeyRef)
      : Promise.resolve(undefined));

  async function call<F extends LlmSchemaFamily>(req: CallRequest<F>): Promise<CallResult<F>> {
    const started = clock.now();
    const { snapshot } = req;
    const state: CallState = {
      tokens: ZERO_TOKENS,
      providerCalls: 0,
      outputNow: 0,
      cacheStatus: 'NOT_CACHEABLE',
    };
    let decision: RouteDecision | null = null;
    let alias: string | null = null;
    let pruning: RouteRecord['pruning'];
    const record = (
      outcome: RouteRecord['outcome'],
      reason: string,
      errorCode?: string,
    ): RouteRecord => {
      const credits = alias ? creditsFor(state.tokens, prices[alias] ?? FIXTURE_PRICES.l1!) : 0;
      return {
        jobId: snapshot.jobId,
        attemptNumber: req.attemptNumber,
        tier: snapshot.tier,
        stage: req.stage,
        modelClass: decision?.modelClass ?? null,
        phase: decision?.phase ?? null,
        alias,
        reason,
        outcome,
        ...(errorCode ? { errorCode } : {}),
        cacheStatus: state.cacheStatus,
        tokens: state.tokens,
        credits,
        latencyMs: clock.now() - started,
        providerCalls: state.providerCalls,
        ...(pruning ? { pruning } : {}),
      };
    };
    const progress = (type: ProgressEvent['type'], summary?: string) => {
      if (!req.onProgress || !decision) return;
      req.onProgress({
        type,
        stage: req.stage,
        modelClass: decision.modelClass,
        outputTokens: state.outputNow,
        elapsedMs: clock.now() - started,
        ...(summary ? { summary } : {}),
      });
    };

    try {
      decision = await decideRoute(req, {
        confirmationKey: opts.confirmationKey,
        now: clock.now(),
        escalatedCredits: () => opts.ledger.jobCredits(snapshot.jobId, 2),
      });
    } catch (err) {
      if (err instanceof RouterError) {
        await opts.records?.(
          record('DENIED', String(err.detail.denial_reason ?? err.code), err.code),
        );
        const { modelClass: deniedClass, ...detail } = err.detail;
        await opts.audit.record({
          eventType: 'llm_route_denied',
          jobId: snapshot.jobId,
          actorId: snapshot.userId,
          modelClass: (deniedClass as ModelClass | undefined) ?? null,
          metadata: {
            code: err.code,
            ...detail,
            stage: req.stage,
            tier: snapshot.tier,
            attemptNumber: req.attemptNumber,
          },
        });
      }
      throw err;
    }
    const { modelClass } = decision;
    let release: (() => void) | undefined;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    try {
      const route = await table.resolve(modelClass);
      alias = route.alias;
      const cap = snapshot.outputCaps?.[modelClass] ?? route.config.output_token_limit;
      const system = systemTemplate(req.family, snapshot.operatingMode, modelClass, cap);
      const others = buildMessages(
        system,
        {
          ...req.prompt,
          slices: (req.prompt.slices ?? []).filter(
            (s) => s.role !== 'dependency' && s.role !== 'target' && s.role !== 'spec',
          ),
        },
        [],
      ).promptTokens;
      const fitted = await applyContextCap(req.prompt.slices, snapshot.contextCap, others);
      if (fitted.report)
        pruning = {
          tokensBefore: fitted.report.tokensBefore,
          tokensAfter: fitted.report.tokensAfter,
          prunedSlices: fitted.report.pruned.length,
        };
      if (modelClass === 'L3') {
        await opts.audit.record({
          eventType: 'llm_l3_dispatched',
          jobId: snapshot.jobId,
          actorId: snapshot.userId,
          modelClass,
          metadata: {
            attemptNumber: req.attemptNumber,
            authorization: decision.authorization,
            stage: req.stage,
          },
        });
      }
      if (modelClass === 'L1') release = await limiter.acquire(req.sessionId, req.signal);
      heartbeat = setInterval(() => progress('heartbeat'), heartbeatMs);
      heartbeat.unref?.();
      progress('dispatched', `${modelClass}/${alias}`);

      const extraFresh: string[] = [];
      let capRetries = 1;
      let repairRetries = 1;
      for (;;) {
        const built = buildMessages(system, { ...req.prompt, slices: fitted.slices }, extraFresh);
        const out = await providerCall(req, built, alias, cap, state, progress);
        const usage = out.usage ?? {
          promptTokens: built.promptTokens,
          cachedTokens: 0,
          completionTokens: out.estimatedOutputTokens,
        };
        state.tokens = addTokens(state.tokens, usage);
        if (built.cacheableTokens > 0)
          state.cacheStatus =
            usage.cachedTokens > 0 ? 'HIT' : state.cacheStatus === 'HIT' ? 'HIT' : 'MISS';
        const overCap = out.cut || out.finish === 'length' || usage.completionTokens > cap;
        if (overCap) {
          await opts.audit.record({
            eventType: 'model_output_policy_violation',
            jobId: snapshot.jobId,
            actorId: snapshot.userId,
            modelClass,
            metadata: {
              violation: 'OUTPUT_CAP_EXCEEDED',
              cap,
              completionTokens: usage.completionTokens,
              cutByRouter: out.cut,
              willRetry: capRetries > 0,
              attemptNumber: req.attemptNumber,
            },
          });
          progress('policy_violation', 'OUTPUT_CAP_EXCEEDED');
          if (capRetries-- > 0) {
            extraFresh.splice(
              0,
              extraFresh.length,
              reinforcement('OUTPUT_CAP', { cap, family: req.family }),
            );
            continue;
          }
          throw new RouterError(
            'LLM_OUTPUT_CAP_EXCEEDED',
            `${modelClass} output exceeded ${cap} tokens after a reinforced retry`,
            { cap, completionTokens: usage.completionTokens },
          );
        }
        const parsed = parseAnswer(req.family, out.content);
        if (parsed.ok) {
          const rec = record('OK', decision.reason);
          await meter(req, decision, rec, null);
          await opts.records?.(rec);
          progress('completed');
          return { output: parsed.value, repaired: parsed.repaired, record: rec };
        }
        if (repairRetries-- > 0) {
          progress('repair_retry', parsed.stage === 'json' ? 'INVALID_JSON' : 'SCHEMA_INVALID');
          extraFresh.splice(
            0,
            extraFresh.length,
            reinforcement('INVALID_OUTPUT', { cap, family: req.family, issues: parsed.issues }),
          );
          continue;
        }
        await opts.audit.record({
          eventType: 'llm_output_fail_closed',
          jobId: snapshot.jobId,
          actorId: snapshot.userId,
          modelClass,
          metadata: {
            family: req.family,
            stage: parsed.stage,
            issueCount: parsed.issues.length,
            attemptNumber: req.attemptNumber,
          },
        });
        throw new RouterError(
          'LLM_OUTPUT_INVALID',
          `${req.family} output invalid after the repair retry`,
          { family: req.family, stage: parsed.stage, issues: parsed.issues.slice(0, 10) },
        );
      }
    } catch (caught) {
      let err = caught;
      if (
        req.signal?.aborted &&
        !(caught instanceof RouterError && caught.code !== 'LLM_CALL_ABORTED')
      ) {
        err = new RouterError(
          'LLM_CALL_ABORTED',
          'the call was aborted',
          { outputTokensSoFar: state.outputNow },
          abortClass(req.signal.reason),
        );
      }
      if (err instanceof RouterError) {
        const rec = record(
          err.code === 'LLM_CALL_ABORTED'
            ? 'ABORTED'
            : err.code === 'CONTEXT_CAP_EXCEEDED'
              ? 'DENIED'
              : 'FAILED',
          decision.reason,
          err.code,
        );
        await meter(req, decision, rec, err.failureClass);
        await opts.records?.(rec);
        progress('failed', err.code);
      }
      throw err;
    } finally {
      clearInterval(heartbeat);
      release?.();
    }
  }

  async function providerCall(
    req: CallRequest,
    built: ReturnType<typeof buildMessages>,
    alias: string,
    cap: number,
    state: CallState,
    progress: (t: ProgressEvent['type'], s?: string) => void,
  ): Promise<StreamOutcome> {
    const apiKey = await getProxyKey();
    const format = opts.structuredOutput ?? 'json_schema';
    const body: Record<string, unknown> = {
      model: alias,
      messages: built.messages,
      max_tokens: cap,
      ...(format === 'json_schema'
        ? { response_format: responseFormat(req.family) }
        : format === 'json_object'
          ? { response_format: { type: 'json_object' } }
          : {}),
    };
    let lastStreamEvent = 0;
    for (let attempt = 1; ; attempt++) {
      state.providerCalls += 1;
      state.outputNow = 0;
      try {
        const out = await streamChat({
          baseUrl: opts.proxyUrl,
          ...(apiKey ? { apiKey } : {}),
          body,
          ...(req.signal ? { signal: req.signal } : {}),
          // A provider that ignores max_tokens is cut once clearly past the cap.
          cutAtTokens: Math.ceil(cap * 1.2) + 32,
          onDelta: (n) => {
            state.outputNow = n;
            const now = clock.now();
            if (now - lastStreamEvent >= 1000) {
              lastStreamEvent = now;
              progress('streaming');
            }
          },
        });
        await observeHealth(alias, () => health.success(alias));
        return out;
      } catch (err) {
        if (req.signal?.aborted) {
          // Tokens already streamed were spent: meter them as estimated (prompt + partial output).
          state.tokens = addTokens(state.tokens, {
            promptTokens: built.promptTokens,
            cachedTokens: 0,
            completionTokens: state.outputNow,
          });
          throw err;
        }
        if (!(err instanceof ProviderError)) throw err;
        await observeHealth(alias, () => health.failure(alias, (err as ProviderError).kind));
        if (err.retryable && attempt < retry.maxAttempts) {
          const delay = backoffDelay(attempt, retry, err.retryAfterMs, random);
          progress(
            'retrying',
            `${err.kind}${err.status ? ` ${err.status}` : ''}; retry ${attempt} in ${delay} ms`,
          );
          await clock.sleep(delay, req.signal);
          continue;
        }
        throw new RouterError(
          err.kind === 'client' ? 'LLM_REQUEST_REJECTED' : 'LLM_PROVIDER_UNAVAILABLE',
          err.message,
          { kind: err.kind, status: err.status, attempts: attempt, alias },
        );
      }
    }
  }

  /**
   * Applies a health update and tells the status sink when the alias's status or DEGRADED window
   * moved (every failure extends the window; a success only matters when it ends DOWN). Best
   * effort: persisting status must never fail the model call it observes.
   */
  async function observeHealth(alias: string, update: () => void) {
    const before = health.entryOf(alias);
    update();
    const after = health.entryOf(alias);
    if (
      !opts.statusSink ||
      (after.status === before.status && after.degradedUntil === before.degradedUntil)
    )
      return;
    try {
      await opts.statusSink({ ...after, previous: before.status });
    } catch {
      // The in-process status stays authoritative; the next change writes a fresh snapshot.
    }
  }

  /**
   * One ledger row per logical call. Infrastructure failures are not written: they are never
   * billable (V1-FR-BIL-002) and writing them would burn the idempotency key the activity's
   * retry needs; the route record keeps them.
   */
  async function meter(
    req: CallRequest,
    decision: RouteDecision,
    rec: RouteRecord,
    failureClass: FailureClass | null,
  ) {
    if (
      rec.providerCalls === 0 ||
      failureClass === 'INFRA_FAILURE' ||
      failureClass === 'POLICY_BLOCKED'
    )
      return;
    await opts.ledger.record({
      idempotencyKey: ledgerKey(req.snapshot.jobId, decision.modelClass, req.attemptNumber),
      userId: req.snapshot.userId,
      jobId: req.snapshot.jobId,
      modelClass: decision.modelClass,
      phase: decision.phase,
      eventType: `phase_${decision.phase}_call`,
      attemptNumber: req.attemptNumber,
      credits: rec.credits,
      promptTokens: rec.tokens.promptTokens,
      cachedTokens: rec.tokens.cachedTokens,
      completionTokens: rec.tokens.completionTokens,
      billable: true,
      failureClass,
      recordedAt: new Date(clock.now()),
    });
  }

  return {
    call,
    providerStatus: () => health.snapshot(),
    invalidateRoutes: () => table.invalidate(),
    l1InFlight: (sessionId) => limiter.inFlight(sessionId),
  };
}
