/**
 * The Dogecoin Core 1.14.9 regtest constants the simulator honours, each with the source file it was
 * read from (github.com/dogecoin/dogecoin, branch 1.14). Consensus and policy live together here so
 * a reader can check every number against Core in one place.
 */

export const COIN = 100_000_000n;

/** src/amount.h: MAX_MONEY = 10,000,000,000 DOGE. */
export const MAX_MONEY = 10_000_000_000n * COIN;

// ---------------------------------------------------------------- src/chainparams.cpp, CRegTestParams

/** consensus.nCoinbaseMaturity = 60 ("For easier testability in RPC tests"). */
export const COINBASE_MATURITY = 60;
/** consensus.nSubsidyHalvingInterval = 150, with fSimplifiedRewards = true. */
export const SUBSIDY_HALVING_INTERVAL = 150;
/** consensus.nAuxpowChainId = 0x0062; blocks carry it in the top half of nVersion. */
export const AUXPOW_CHAIN_ID = 0x62;
/** consensus.powLimit 0x7fff..ff; compact form used by every regtest block. */
export const POW_LIMIT_BITS = 0x207fffff;
/** consensus.BIP34Height / BIP66Height / BIP65Height on regtest. */
export const BIP34_HEIGHT = 100_000_000;
export const BIP66_HEIGHT = 1251;
export const BIP65_HEIGHT = 1351;
/** consensus.nMinerConfirmationWindow = 720 and nRuleChangeActivationThreshold = 540 on regtest. */
export const MINER_CONFIRMATION_WINDOW = 720;
/** vDeployments[CSV] bit 0 and [SEGWIT] bit 1, both nStartTime 0 and nTimeout 999999999999. */
export const BIP9_DEPLOYMENTS = [
  { name: 'csv', bit: 0, startTime: 0, timeout: 999_999_999_999 },
  { name: 'segwit', bit: 1, startTime: 0, timeout: 999_999_999_999 },
] as const;

/**
 * Genesis: CreateGenesisBlock(1296688602, 2, 0x207fffff, 1, 88 * COIN) with Dogecoin's "Nintondo"
 * coinbase; asserted hash 3d2160a3... and merkle root 5b2a3f53... in chainparams.cpp. The bytes are
 * those of the first block in qa/rpc-tests/data/getblock.json.
 */
export const GENESIS_BLOCK_HEX =
  '0100000000000000000000000000000000000000000000000000000000000000000000006' +
  '96ad20e2dd4365c7459b4a4a5af743d5e92c6da3229e6532cd605f6533f2a5bdae5494dffff7f200200000001010000000100' +
  '00000000000000000000000000000000000000000000000000000000000000ffffffff1004ffff001d0104084e696e746f6e' +
  '646fffffffff010058850c020000004341040184710fa689ad5023690c80f3a49c8f13f8d45b8c857fbcbc8bc4a8e4d3eb4b' +
  '10f4d4604fa08dce601aaf0f470216fe1b51850b4acf21b179c45070ac7b03a9ac00000000';
export const GENESIS_HASH = '3d2160a3b5dc4a9d62e7e66a295f70313ac808440ef7400d6c0772171ce973a5';

/**
 * src/miner.cpp sets base version 4 with the chain id (SetBaseVersion(4, nChainId)), so every mined
 * regtest block has nVersion 0x00620004 = 6422532, as in qa/rpc-tests/data/getblock.json.
 */
export const MINED_BLOCK_VERSION = (AUXPOW_CHAIN_ID << 16) | 4;

/** src/dogecoin.cpp GetDogecoinBlockSubsidy with fSimplifiedRewards (regtest). */
export function blockSubsidy(height: number): bigint {
  if (height >= 6 * SUBSIDY_HALVING_INTERVAL) return 10_000n * COIN;
  const halvings = BigInt(Math.floor(height / SUBSIDY_HALVING_INTERVAL));
  return (500_000n * COIN) >> halvings;
}

// ---------------------------------------------------------------- src/policy/policy.h, validation.h

/** policy.h RECOMMENDED_MIN_TX_FEE = COIN / 100 (0.01 DOGE per kB). */
export const RECOMMENDED_MIN_TX_FEE_PER_KB = COIN / 100n;
/** validation.h DEFAULT_MIN_RELAY_TX_FEE = RECOMMENDED_MIN_TX_FEE / 10: 0.001 DOGE per kB. */
export const MIN_RELAY_TX_FEE_PER_KB = RECOMMENDED_MIN_TX_FEE_PER_KB / 10n;
/** policy.h DEFAULT_INCREMENTAL_RELAY_FEE = RECOMMENDED_MIN_TX_FEE / 100: 0.0001 DOGE per kB. */
export const INCREMENTAL_RELAY_FEE_PER_KB = RECOMMENDED_MIN_TX_FEE_PER_KB / 100n;
/** policy.h DEFAULT_BLOCK_MIN_TX_FEE = RECOMMENDED_MIN_TX_FEE: what the miner needs by fee rate. */
export const BLOCK_MIN_TX_FEE_PER_KB = RECOMMENDED_MIN_TX_FEE_PER_KB;
/** policy.h DEFAULT_DUST_LIMIT (soft, adds fee per output below it) = RECOMMENDED_MIN_TX_FEE. */
export const SOFT_DUST_LIMIT = RECOMMENDED_MIN_TX_FEE_PER_KB;
/** policy.h DEFAULT_HARD_DUST_LIMIT = DEFAULT_DUST_LIMIT / 10: outputs below are "dust" (nonstandard). */
export const HARD_DUST_LIMIT = SOFT_DUST_LIMIT / 10n;
/** policy.h DEFAULT_BLOCK_MAX_SIZE: the largest block the miner assembles. */
export const BLOCK_MAX_SIZE = 750_000;
/** policy.h DEFAULT_BLOCK_PRIORITY_SIZE: block space reserved for high-priority (old, big) coins. */
export const BLOCK_PRIORITY_SIZE = 27_000;
/** policy.h MAX_STANDARD_TX_WEIGHT. */
export const MAX_STANDARD_TX_WEIGHT = 400_000;
/** policy.h DEFAULT_MAX_MEMPOOL_SIZE (MB), reported by getmempoolinfo. */
export const MAX_MEMPOOL_BYTES = 300 * 1_000_000;
/** validation.h DEFAULT_TRANSACTION_MAXFEE = RECOMMENDED_MIN_TX_FEE * 10000 (sendrawtransaction's cap). */
export const MAX_TX_FEE = RECOMMENDED_MIN_TX_FEE_PER_KB * 10_000n;
/** validation.h DEFAULT_ANCESTOR_LIMIT / DEFAULT_DESCENDANT_LIMIT and their size limits (kB). */
export const ANCESTOR_LIMIT = 25;
export const DESCENDANT_LIMIT = 25;
export const ANCESTOR_SIZE_LIMIT = 101_000;
export const DESCENDANT_SIZE_LIMIT = 101_000;
/** validation.h DEFAULT_MEMPOOL_EXPIRY: unconfirmed transactions leave after 24 hours. */
export const MEMPOOL_EXPIRY_SECONDS = 24 * 60 * 60;
/** validation.h DEFAULT_MAX_TIP_AGE: a tip older than this means initial block download. */
export const MAX_TIP_AGE_SECONDS = 24 * 60 * 60;
/** txmempool.h AllowFreeThreshold() = COIN * 144 / 250; DEFAULT_RELAYPRIORITY = true. */
export const ALLOW_FREE_THRESHOLD = Number((COIN * 144n) / 250n);
/** script/standard.h MAX_OP_RETURN_RELAY (nMaxDatacarrierBytes). */
export const MAX_OP_RETURN_RELAY = 83;
/** consensus/consensus.h MAX_BLOCK_BASE_SIZE. */
export const MAX_BLOCK_BASE_SIZE = 1_000_000;
/** policy.h DEFAULT_BYTES_PER_SIGOP, used by the virtual size. */
export const BYTES_PER_SIGOP = 20;
/** primitives/transaction.h CTransaction::MAX_STANDARD_VERSION. */
export const MAX_STANDARD_TX_VERSION = 2;
/** policy/fees.h MAX_BLOCK_CONFIRMS: the farthest target the fee estimator tracks. */
export const MAX_BLOCK_CONFIRMS = 25;
/** consensus/consensus.h LOCKTIME_THRESHOLD. */
export const LOCKTIME_THRESHOLD = 500_000_000;
/** txmempool.h MEMPOOL_HEIGHT: the height Core gives coins that exist only in the mempool. */
export const MEMPOOL_HEIGHT = 0x7fffffff;

// ---------------------------------------------------------------- consensus/validation.h reject codes

export const REJECT_INVALID = 0x10;
export const REJECT_DUPLICATE = 0x12;
export const REJECT_NONSTANDARD = 0x40;
export const REJECT_INSUFFICIENTFEE = 0x42;
/** validation.h: REJECT_HIGHFEE 0x100, REJECT_ALREADY_KNOWN 0x101, REJECT_CONFLICT 0x102. */
export const REJECT_HIGHFEE = 0x100;
export const REJECT_ALREADY_KNOWN = 0x101;
export const REJECT_CONFLICT = 0x102;

// ---------------------------------------------------------------- what getnetworkinfo says

/** clientversion.h: 1.14.9.0; net.cpp strSubVersion uses Dogecoin's client name "Shibetoshi". */
export const CLIENT_VERSION = 1_140_900;
export const SUB_VERSION = '/Shibetoshi:1.14.9/';
/** version.h PROTOCOL_VERSION in Dogecoin 1.14. */
export const PROTOCOL_VERSION = 70015;
/** protocol.h ServiceFlags. */
export const NODE_NETWORK = 1 << 0;
export const NODE_BLOOM = 1 << 2;
export const NODE_WITNESS = 1 << 3;
/**
 * nLocalServices as getnetworkinfo prints it (strprintf("%016x"), src/rpc/net.cpp). src/init.cpp
 * (inherited from Bitcoin Core 0.14) starts from NODE_NETWORK (no pruning), adds NODE_BLOOM because
 * -peerbloomfilters defaults to true, and adds NODE_WITNESS whenever the SEGWIT deployment's nTimeout
 * is not 0, which on regtest it is not (BIP9_DEPLOYMENTS above), although segwit never activates
 * here. Hence 0x0d on regtest.
 */
export const LOCAL_SERVICES = (NODE_NETWORK | NODE_BLOOM | NODE_WITNESS).toString(16).padStart(16, '0');
