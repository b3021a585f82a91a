/**
 * drand quicknet timelock encryption in the format the Bittensor chain decrypts (TLE over
 * BLS12-381 with an AES-256-GCM body), and the reveal-round arithmetic of the Python SDK.
 * Specified in spec/chain.md §4–§6.
 * @module
 */
export { timelockEncrypt } from "./timelockEncrypt.js";
export type { TimelockPublicKey } from "./timelockEncrypt.js";
export { timelockDecrypt } from "./timelockDecrypt.js";
export type { TimelockSignature } from "./timelockDecrypt.js";
export { revealRound } from "./revealRound.js";
export { estimateRevealBlock } from "./estimateRevealBlock.js";
export type { EstimateRevealBlockOptions } from "./estimateRevealBlock.js";
export { TLE_OVERHEAD_BYTES } from "./ciphertext.js";
export {
  QUICKNET_CHAIN_HASH,
  QUICKNET_G1_DST,
  QUICKNET_GENESIS_TIME_SECONDS,
  QUICKNET_PERIOD_SECONDS,
  QUICKNET_PUBLIC_KEY,
} from "./quicknet.js";
export type {
  EstimateRevealBlockError,
  InvalidArgumentError,
  InvalidPlaintextError,
  InvalidPublicKeyError,
  InvalidRoundError,
  RevealRoundError,
  TimelockDecodeError,
  TimelockDecodeField,
  TimelockDecryptError,
  TimelockDecryptionFailedError,
  TimelockEncryptError,
  TimelockError,
} from "./errors.js";
