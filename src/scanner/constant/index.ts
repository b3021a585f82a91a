/**
 * The constant-expression evaluator (scanner.md R8) and the reference obfuscation resolvers
 * (scanner.md §7), used by the `string.*` construction rules.
 * @module
 */
export { BUDGET_EXHAUSTED, evaluateConstant, withConstantBudget, type ConstantBudget } from "./evaluate.js";
export { referenceResolvers, referencePercent, resolveConcatenation, type ResolverOutcome } from "./reference-resolvers.js";
export { concatSummaries, firstForbidden, summarise, summaryEntry, type TextSummary } from "./search.js";
export { lookupCodec, decodeBytes, encodeText, CodecError, type CodecName } from "./codecs.js";
export { latin1, type Evaluation, type PyValue } from "./values.js";
