/**
 * `crusades/chain`: the Subtensor chain layer (spec/chain.md): offline encoding against runtime
 * metadata, u16 weights, payload budgets, wallet files, and a client for metagraph reads,
 * commitments and weights.
 * @module
 */
export { SS58_PREFIX, accountIdOf, toSs58 } from "./args.js";
export {
  DEFAULT_MAX_SPACE_BYTES,
  MAX_BIG_RAW_FIELD_BYTES,
  MAX_RAW_FIELD_BYTES,
  MAX_TIMELOCK_CIPHERTEXT_BYTES,
  MAX_WEIGHTS_COMMIT_BYTES,
  MIN_COMMITMENT_COST_BYTES,
  checkCommitmentSpace,
  checkPayloadSize,
  commitmentCost,
} from "./budget.js";
export type { CheckCommitmentSpaceParameters, CommitmentFieldSize, CommitmentSpace, CommitmentUsage } from "./budget.js";
export { encodeCall } from "./calls.js";
export type { ChainCall } from "./calls.js";
export { DEFAULT_MAX_COMMITMENT_FIELDS, commitmentFieldSizes, setCommitmentCall } from "./commitmentCalls.js";
export type { CommitmentField, SetCommitmentCallOptions } from "./commitmentCalls.js";
export type {
  ChainArgumentError,
  ChainEncodingError,
  CodecError,
  CommitmentPayloadError,
  CommitmentSpaceExceededError,
  InvalidAddressError,
  InvalidWeightsError,
  MetadataDecodeError,
  PayloadTooLargeError,
  UnsupportedCallError,
  UnsupportedStorageError,
} from "./errors.js";
export { loadOfflineMetadata } from "./metadata.js";
export type { OfflineMetadata } from "./metadata.js";
export { decodeCommitmentPayload, encodeCommitmentPayload } from "./payload.js";
export { signCallOffline } from "./signOffline.js";
export type { SignOfflineOptions, SignedExtrinsic } from "./signOffline.js";
export { decodeRevealedCommitments, decodeStorageValue, revealedCommitmentsFromCodec, storageKey } from "./storage.js";
export type { RevealedCommitment } from "./storage.js";
export { U16_MAX, roundHalfEven, weightsToU16 } from "./weights.js";
export type { U16Weights } from "./weights.js";
export {
  commitTimelockedMechanismWeightsCall,
  encodeWeightsTlockPayload,
  setMechanismWeightsCall,
  setWeightsCall,
} from "./weightsCalls.js";
export type { CommitTimelockedWeightsParameters, WeightsCallParameters, WeightsTlockPayloadParameters } from "./weightsCalls.js";
export type {
  KeyfileCorruptError,
  KeyfileNotFoundError,
  KeyfilePasswordRequiredError,
  KeyfilePublicOnlyError,
  KeyfileReadError,
  KeyfileUnsupportedEncryptionError,
  KeyfileWrongPasswordError,
  WalletError,
} from "./wallet/errors.js";
export { keyringPairFromKeyfile, parseKeyfileJson, schnorrkelToEd25519Expanded } from "./wallet/keyfile.js";
export type { KeyfileData } from "./wallet/keyfile.js";
export { loadColdkey, loadColdkeyAddress, loadHotkey, loadKeyfile, walletPaths } from "./wallet/loadWallet.js";
export type { PasswordSource, UnlockOptions, WalletLocation, WalletPaths } from "./wallet/loadWallet.js";
export { NACL_KDF_SENSITIVE, NACL_PREFIX, decryptNaclKeyfile, encryptNaclKeyfile, isNaclEncrypted } from "./wallet/nacl.js";
export type { NaclKdfParameters } from "./wallet/nacl.js";
export { decodeEnvPassword, encodeEnvPassword, passwordEnvVar } from "./wallet/password.js";
export { precheckWeights, weightsRevealRound } from "./weightsPrecheck.js";
export {
  DEFAULT_PAYMENT_FEE_RAO,
  DEFAULT_PAYMENT_MAX_AGE_BLOCKS,
  PAYMENT_FEE_BUFFER_RAO,
  PAYMENT_LOOKBACK_BLOCKS,
  addStakeCall,
  checkPaymentAge,
  decodeBlockExtrinsic,
  expectedAlpha,
  failedExtrinsicIndexes,
  findPayment,
  minimumAlpha,
  paymentBlockFromCodecs,
  paymentIdKey,
  transferStakeCall,
  verifyPaymentFacts,
} from "./payment.js";
export type {
  AcceptedPayment,
  BlockExtrinsic,
  EventRecordLike,
  ExtrinsicCodecLike,
  PaymentBlock,
  PaymentFacts,
  PaymentId,
  PaymentReference,
  PaymentRejectedError,
  PaymentRejectionReason,
  PaymentSearch,
  PoolState,
  TransferStakeArguments,
  TransferStakeParameters,
} from "./payment.js";
export { paymentReceiptToJson } from "./client/payment.js";
export type {
  PayFeeError,
  PayFeeParameters,
  PaymentIncompleteError,
  PaymentPrecheckError,
  PaymentQuote,
  PaymentReceipt,
  PaymentTransientError,
  PaymentVerification,
  QuoteFeeError,
  QuoteFeeParameters,
  VerifyPaymentError,
  VerifyPaymentParameters,
} from "./client/payment.js";
export type { WeightsPrecheckRequest, WeightsPrecheckState, WeightsRevealRoundParameters } from "./weightsPrecheck.js";
export { SUBTENSOR_NETWORKS, createSubtensorClient } from "./client/createSubtensorClient.js";
export type {
  CreateSubtensorClientError,
  CreateSubtensorClientOptions,
  SubtensorClient,
  SubtensorNetwork,
} from "./client/createSubtensorClient.js";
export type {
  CommitmentError,
  CommitmentPlan,
  CommitmentReceipt,
  CommitTimelockedParameters,
  PrecheckCommitmentParameters,
  StoredCommitment,
  StoredCommitmentField,
} from "./client/commitments.js";
export type {
  ChainClientError,
  ChainConnectionError,
  ChainRpcError,
  ChainTimeoutError,
  CommitmentRateLimitedError,
  DispatchFailedError,
  HotkeyNotRegisteredError,
  RevealRoundTooEarlyError,
  SubnetNotFoundError,
  TransactionRejectedError,
  UnknownNetworkError,
  WeightsPrecheckError,
} from "./client/errors.js";
export type { Metagraph, MetagraphError, WeightParameters } from "./client/metagraph.js";
export type { OutcomeEvent, SubmitError, SubmitOptions, TransactionOutcome } from "./client/submit.js";
export type { SetWeightsError, SetWeightsParameters, WeightsReceipt } from "./client/weights.js";
