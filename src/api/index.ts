/**
 * `crusades/api`: the validator's read-only HTTP API over the store (spec crusades.md §J.2, §J.3):
 * the reference's paths and field names; rank 1, the score to beat and the threshold from the
 * stored leader record (§H.4) with the decay in blocks; submissions with both status vocabularies
 * (§C.10), runs with error codes, verification and provenance; code and URL disclosure per
 * `api.code_disclosure`; ingestion outcomes, the leader history, the last weights; Prometheus
 * metrics; an optional API key; standard JSON only. Built on `node:http`, nothing runs at import.
 * @module
 */
export { createApiServer } from "./create-api-server.js";
export type { ApiServer, ApiServerOptions } from "./create-api-server.js";
export type { ApiContext, ValidatorInfo } from "./context.js";
export { disclosureState, isDisclosed, mayDisclose } from "./disclosure.js";
export type { DisclosurePolicy, DisclosureState, DisclosureSubject } from "./disclosure.js";
export type { ApiError, ApiInternalError, ApiListenError, ApiQueryInvalidError } from "./errors.js";
export { METRICS_CONTENT_TYPE, renderMetrics } from "./metrics.js";
export { ROUTE_PATHS } from "./routes.js";
export { createValidatorMetrics, EVALUATION_DURATION_BUCKETS_SECONDS } from "./validator-metrics.js";
export type { ValidatorMetrics, WeightSettingOutcome } from "./validator-metrics.js";
export { toStandardJson } from "./http.js";
export { formatUptime } from "./stats.js";
export { DASHBOARD_PATHS, dashboardContentSecurityPolicy, dashboardHtml, serveDashboard } from "../web/index.js";
export type { DashboardPageOptions } from "../web/index.js";
