/**
 * The Subtensor client: connects by network name or URL (or wraps an injected ApiPromise) and
 * exposes the metagraph, commitment and weight operations with one timeout.
 * @module
 */
import { ApiPromise, WsProvider } from "@polkadot/api";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import type { ChainCall } from "../calls.js";
import type { RevealedCommitment } from "../storage.js";
import {
  commitPlain,
  commitTimelocked,
  precheckCommitment,
  readCommitment,
  readCommitments,
  readRevealedCommitments,
  readRevealedCommitmentsOf,
  type CommitmentError,
  type CommitmentReceipt,
  type CommitmentPlan,
  type CommitTimelockedParameters,
  type PrecheckCommitmentParameters,
  type StoredCommitment,
} from "./commitments.js";
import { blockHashAt, blockNumber, readHead, type ClientContext } from "./context.js";
import { redactUrl, withTimeout, type ChainConnectionError, type ChainRpcError, type ChainTimeoutError, type UnknownNetworkError } from "./errors.js";
import { readMetagraph, readSubnetWeightParameters, uidOfHotkey, type Metagraph, type MetagraphError, type WeightParameters } from "./metagraph.js";
import {
  payFee,
  quoteFee,
  readHotkeyStakeTaoRao,
  readOwner,
  readStake,
  verifyPayment,
  type PayFeeError,
  type PayFeeParameters,
  type PaymentQuote,
  type PaymentReceipt,
  type PaymentVerification,
  type QuoteFeeError,
  type QuoteFeeParameters,
  type VerifyPaymentError,
  type VerifyPaymentParameters,
} from "./payment.js";
import { submitCall, type SubmitError, type SubmitOptions, type TransactionOutcome } from "./submit.js";
import { readWeights, setWeights, type SetWeightsError, type SetWeightsParameters, type WeightsReceipt } from "./weights.js";

/** Endpoints of the named networks (chain.md §12). */
export const SUBTENSOR_NETWORKS = Object.freeze({
  finney: "wss://entrypoint-finney.opentensor.ai:443",
  test: "wss://test.finney.opentensor.ai:443",
  archive: "wss://archive.chain.opentensor.ai:443",
  local: "ws://127.0.0.1:9944",
});

/** A named network. */
export type SubtensorNetwork = keyof typeof SUBTENSOR_NETWORKS;

/** How to reach the chain: exactly one of `network`, `url`, `api`. */
export interface CreateSubtensorClientOptions {
  /** `finney`, `test`, `archive` or `local`. */
  readonly network?: string;
  /** A `ws://` or `wss://` URL. */
  readonly url?: string;
  /** An ApiPromise to use as is (its lifetime stays with the caller: `disconnect()` leaves it open). */
  readonly api?: ApiPromise;
  /**
   * Timeout of the connection and of each read, in ms.
   * @default 30_000
   */
  readonly timeoutMs?: number;
  /**
   * Delay between reconnection attempts after the socket drops, in ms; 0 disables reconnection.
   * @default 2_500
   */
  readonly reconnectDelayMs?: number;
}

/** A connected client. Every method returns a `ResultAsync`; none throws. */
export interface SubtensorClient {
  /** The underlying ApiPromise (for reads the client does not cover). */
  readonly api: ApiPromise;
  /** The connected runtime's `spec_version`. */
  readonly specVersion: number;
  blockNumber(): ResultAsync<number, ChainTimeoutError | ChainRpcError>;
  readMetagraph(netuid: number): ResultAsync<Metagraph, MetagraphError>;
  readWeightParameters(netuid: number): ResultAsync<WeightParameters, MetagraphError>;
  uidOf(netuid: number, hotkey: string): ReturnType<typeof uidOfHotkey>;
  commitTimelocked(params: CommitTimelockedParameters): ResultAsync<CommitmentReceipt, CommitmentError>;
  commitPlain(params: Parameters<typeof commitPlain>[1]): ResultAsync<CommitmentReceipt, CommitmentError>;
  /** Every check of {@link SubtensorClient.commitTimelocked} / {@link SubtensorClient.commitPlain}; sends nothing and needs no secret. */
  precheckCommitment(params: PrecheckCommitmentParameters): ResultAsync<CommitmentPlan, CommitmentError>;
  readRevealedCommitments(netuid: number, options?: { readonly blockHash?: string }): ResultAsync<ReadonlyMap<string, readonly RevealedCommitment[]>, CommitmentError>;
  readRevealedCommitmentsOf(netuid: number, hotkey: string, options?: { readonly blockHash?: string }): ResultAsync<readonly RevealedCommitment[], CommitmentError>;
  readCommitment(netuid: number, hotkey: string): ResultAsync<StoredCommitment | null, CommitmentError>;
  /** Every hotkey's `CommitmentOf` entry (plain or pending), optionally at a pinned block. */
  readCommitments(netuid: number, options?: { readonly blockHash?: string }): ResultAsync<ReadonlyMap<string, StoredCommitment>, CommitmentError>;
  /** The hash of the block at `number`, `null` when the chain has none there (yet). */
  blockHashAt(number: number): ResultAsync<string | null, ChainTimeoutError | ChainRpcError>;
  /** The head: its number and hash. */
  readHead(): ResultAsync<{ readonly number: number; readonly hash: string }, ChainTimeoutError | ChainRpcError>;
  setWeights(params: SetWeightsParameters): ResultAsync<WeightsReceipt, SetWeightsError>;
  readWeights(netuid: number, uid: number): ResultAsync<readonly (readonly [number, number])[], SetWeightsError>;
  /** Pays the submission fee (crusades.md §C.8 miner side): add_stake, then transfer_stake of the new alpha. */
  payFee(params: PayFeeParameters): ResultAsync<PaymentReceipt, PayFeeError>;
  /** Every pre-check of {@link SubtensorClient.payFee} and its quote; sends nothing and needs no secret. */
  quoteFee(params: QuoteFeeParameters): ResultAsync<PaymentQuote, QuoteFeeError>;
  /** Verifies a commitment's referenced payment at its block (crusades.md §C.8 validator side). */
  verifyPayment(params: VerifyPaymentParameters): ResultAsync<PaymentVerification, VerifyPaymentError>;
  /** Alpha staked by `coldkey` on `hotkey` in `netuid`. */
  readStake(coldkey: string, hotkey: string, netuid: number): ResultAsync<bigint, ChainTimeoutError | ChainRpcError>;
  /** The TAO value (rao) of all alpha staked on `hotkey` in `netuid`, at the pool's price. */
  readHotkeyStakeTaoRao(hotkey: string, netuid: number): ResultAsync<bigint, ChainTimeoutError | ChainRpcError>;
  /** The coldkey that owns `hotkey` (`Owner`), `null` when none. */
  readOwner(hotkey: string): ResultAsync<string | null, ChainTimeoutError | ChainRpcError>;
  /** Signs and sends any call (e.g. one built with the offline builders). */
  submit(call: ChainCall, signer: KeyringPair, options?: SubmitOptions): ResultAsync<TransactionOutcome, SubmitError>;
  /** Closes the connection the client opened (not an injected ApiPromise). */
  disconnect(): Promise<void>;
}

/** Errors of {@link createSubtensorClient}. */
export type CreateSubtensorClientError = UnknownNetworkError | ChainConnectionError | ChainTimeoutError;

function endpointOf(options: CreateSubtensorClientOptions): ResultAsync<string, UnknownNetworkError> {
  const { network, url } = options;
  const given = url ?? network ?? "finney";
  if (url === undefined && network !== undefined && network in SUBTENSOR_NETWORKS) return okAsync(SUBTENSOR_NETWORKS[network as SubtensorNetwork]);
  if (/^wss?:\/\/[^\s]+$/i.test(given) && URL.canParse(given)) return okAsync(given);
  if (url === undefined && network === undefined) return okAsync(SUBTENSOR_NETWORKS.finney);
  return errAsync({
    type: "UnknownNetwork",
    message: `unknown network ${JSON.stringify(redactUrl(given))}: use finney, test, archive, local or a ws:// / wss:// URL`,
    network: redactUrl(given),
  });
}

function clientOf(ctx: ClientContext, ownsApi: boolean): SubtensorClient {
  return {
    api: ctx.api,
    specVersion: ctx.api.runtimeVersion.specVersion.toNumber(),
    blockNumber: () => blockNumber(ctx),
    readMetagraph: (netuid) => readMetagraph(ctx, netuid),
    readWeightParameters: (netuid) => readSubnetWeightParameters(ctx, netuid),
    uidOf: (netuid, hotkey) => uidOfHotkey(ctx, netuid, hotkey),
    commitTimelocked: (params) => commitTimelocked(ctx, params),
    commitPlain: (params) => commitPlain(ctx, params),
    precheckCommitment: (params) => precheckCommitment(ctx, params),
    readRevealedCommitments: (netuid, options) => readRevealedCommitments(ctx, netuid, options),
    readRevealedCommitmentsOf: (netuid, hotkey, options) => readRevealedCommitmentsOf(ctx, netuid, hotkey, options),
    readCommitment: (netuid, hotkey) => readCommitment(ctx, netuid, hotkey),
    readCommitments: (netuid, options) => readCommitments(ctx, netuid, options),
    readHead: () => readHead(ctx),
    blockHashAt: (number) => blockHashAt(ctx, number),
    setWeights: (params) => setWeights(ctx, params),
    readWeights: (netuid, uid) => readWeights(ctx, netuid, uid),
    payFee: (params) => payFee(ctx, params),
    quoteFee: (params) => quoteFee(ctx, params),
    verifyPayment: (params) => verifyPayment(ctx, params),
    readStake: (coldkey, hotkey, netuid) => readStake(ctx, coldkey, hotkey, netuid),
    readOwner: (hotkey) => readOwner(ctx, hotkey),
    readHotkeyStakeTaoRao: (hotkey, netuid) => readHotkeyStakeTaoRao(ctx, hotkey, netuid),
    submit: (call, signer, options) => submitCall(ctx, call, signer, options),
    disconnect: async () => {
      if (ownsApi) await ctx.api.disconnect();
    },
  };
}

/**
 * Connects to a Subtensor chain. polkadot-js derives calls, storage and transaction extensions from
 * the node's metadata (`noInitWarn`: subtensor's data-less custom extensions are expected).
 * After a drop the socket reconnects every `reconnectDelayMs`; reads in flight fail with
 * `ChainRpc` or `ChainTimeout` and can be retried.
 *
 * @returns The client, or `UnknownNetwork`, `ChainConnection` (connection refused or lost during
 *   start-up) or `ChainTimeout`.
 *
 * @example
 * ```ts
 * import { createSubtensorClient } from "crusades/chain";
 * const client = await createSubtensorClient({ network: "finney", timeoutMs: 20_000 });
 * if (client.isOk()) {
 *   const metagraph = await client.value.readMetagraph(3);
 *   await client.value.disconnect();
 * }
 * ```
 */
export function createSubtensorClient(options: CreateSubtensorClientOptions = {}): ResultAsync<SubtensorClient, CreateSubtensorClientError> {
  const { api: injected, timeoutMs = 30_000, reconnectDelayMs = 2_500 } = options;
  if (injected) {
    return ResultAsync.fromSafePromise(cryptoWaitReady()).map(() => clientOf({ api: injected, timeoutMs }, false));
  }
  return endpointOf(options).andThen((url) => {
    const shown = redactUrl(url);
    // Credentials leave the URL for a Basic header: polkadot-js logs the URL it connects to.
    const parsed = new URL(url);
    const headers: Record<string, string> = {};
    if (parsed.username || parsed.password) {
      const user = decodeURIComponent(parsed.username);
      const password = decodeURIComponent(parsed.password);
      headers["Authorization"] = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
      parsed.username = "";
      parsed.password = "";
    }
    const provider = new WsProvider(parsed.toString(), reconnectDelayMs > 0 ? reconnectDelayMs : false, headers, timeoutMs);
    const connecting = (async () => {
      await cryptoWaitReady();
      // throwOnConnect: a refused first connection rejects instead of retrying forever.
      return ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
    })();
    return ResultAsync.fromPromise(withTimeout(connecting, timeoutMs, `connect to ${shown}`), (cause): CreateSubtensorClientError => {
      void provider.disconnect().catch(() => undefined);
      if ((cause as { type?: string })?.type === "ChainTimeout") return cause as ChainTimeoutError;
      const reason = cause instanceof Error ? cause.message : String((cause as { message?: unknown })?.message ?? cause);
      return { type: "ChainConnection", message: `could not connect to ${shown}: ${reason.split("\n")[0]}`, url: shown, cause };
    }).map((api) => clientOf({ api, timeoutMs }, true));
  });
}
