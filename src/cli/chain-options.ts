/**
 * The chain and wallet flags shared by `submit`, `status` and `validate`, and the connection they
 * lead to, so that every command reads them the same way.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { createSubtensorClient, loadColdkey, loadHotkey, type SubtensorClient, type UnlockOptions, type WalletLocation } from "../chain/index.js";
import { type CliIo, UsageError } from "./io.js";
import { terminalPassword, terminalStreams, type PromptStreams } from "./password-prompt.js";

/** parseArgs option specs of the shared flags. */
export const CHAIN_FLAGS = {
  network: { type: "string" },
  "subtensor.network": { type: "string" },
  "subtensor.chain_endpoint": { type: "string" },
  "wallet.name": { type: "string" },
  "wallet.hotkey": { type: "string" },
  "wallet.path": { type: "string" },
} as const;

/** Help lines of the shared flags. */
export const CHAIN_FLAGS_HELP = `  --network N                 finney (default), test, archive, local, or a ws:// / wss:// URL
                              (also --subtensor.network, --subtensor.chain_endpoint; env SUBTENSOR_NETWORK)
  --wallet.name NAME          wallet (default: env CRUSADES_WALLET_NAME, else "default")
  --wallet.hotkey NAME        hotkey (default: env CRUSADES_WALLET_HOTKEY, else "default")
  --wallet.path DIR           wallets folder (default ~/.bittensor/wallets)`;

type ChainValues = Partial<Record<keyof typeof CHAIN_FLAGS, string | undefined>>;

/** The endpoint the flags name: an URL or a network name. */
export function chainTarget(values: ChainValues, io: CliIo): { readonly url?: string; readonly network?: string } {
  const given = values["subtensor.chain_endpoint"] ?? values.network ?? values["subtensor.network"] ?? io.env.SUBTENSOR_NETWORK ?? "finney";
  return /^wss?:\/\//i.test(given) ? { url: given } : { network: given };
}

/** The wallet the flags name. */
export function walletLocation(values: ChainValues, io: CliIo): WalletLocation {
  return {
    ...(values["wallet.path"] ? { root: values["wallet.path"] } : {}),
    wallet: values["wallet.name"] ?? io.env.CRUSADES_WALLET_NAME ?? "default",
    hotkey: values["wallet.hotkey"] ?? io.env.CRUSADES_WALLET_HOTKEY ?? "default",
  };
}

/** Connects, or throws a usage error naming the endpoint. */
export async function connect(values: ChainValues, io: CliIo, timeoutMs = 30_000): Promise<SubtensorClient> {
  const client = await createSubtensorClient({ ...chainTarget(values, io), timeoutMs });
  if (client.isErr()) throw new UsageError(client.error.message);
  return client.value;
}

/** `env` for btwallet's `BT_PW_…` variable, plus a terminal prompt when `terminal` is a TTY. */
function unlockOptions(io: CliIo, label: string, terminal: PromptStreams): UnlockOptions {
  const password = terminalPassword(label, terminal);
  return password === undefined ? { env: io.env } : { env: io.env, password };
}

/**
 * Loads the hotkey. An encrypted one takes its password from btwallet's `BT_PW_…` variable, else
 * from a prompt when `terminal` is a TTY.
 */
export async function hotkeyOf(values: ChainValues, io: CliIo, terminal: PromptStreams = terminalStreams()): Promise<KeyringPair> {
  const location = walletLocation(values, io);
  const key = await loadHotkey(location, unlockOptions(io, `${location.wallet}/${location.hotkey}`, terminal));
  if (key.isErr()) throw new UsageError(key.error.message);
  return key.value;
}

/** Loads the coldkey (needed for payments only); its password comes as for {@link hotkeyOf}. */
export async function coldkeyOf(values: ChainValues, io: CliIo, terminal: PromptStreams = terminalStreams()): Promise<KeyringPair> {
  const location = walletLocation(values, io);
  const key = await loadColdkey(location, unlockOptions(io, `${location.wallet}/coldkey`, terminal));
  if (key.isErr()) throw new UsageError(key.error.message);
  return key.value;
}
