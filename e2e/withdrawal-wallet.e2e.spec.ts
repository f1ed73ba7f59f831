// Proves the withdrawal flow a user relies on, across the real wallet, deposit watcher, signer and
// withdrawal saga on the regtest simulator: a deposit is credited and withdrawn, the destination
// receives exactly the amount, the ledger shows the withdrawal and its fee once and still sums to the
// balance; a held withdrawal is paid when approved and refunded when rejected; a signer refusal
// refunds with the reason; crashes around the broadcast leave one payment and one debit; bad requests
// are refused with coded 4xx and reserve nothing; two users paid by one batch transaction both
// finalize once with their share of the miner fee; a 7-block reorganisation after withdrawal.confirmed
// that drops the transaction gets the same bytes sent again and an alert, and pays and debits nothing
// more; a withdrawal stuck under a congested miner is bumped from its change (child pays for parent)
// and finalized once, the bump's fee booked to network fees; replaying every withdrawal.* topic with kcat pays
// nothing again, debits nothing again and leaves every balance as it was.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { importPKCS8, SignJWT } from 'jose';
import { ECPair, outputScriptForAddress, p2pkhAddress, regtest, mainnet } from '@dbay/dogecoin';
import { parseDoge } from '@dbay/money';
import {
  Bus,
  Chain,
  replayTopics,
  sagaAlive,
  sagaApi,
  sagaDb,
  stackEnv,
  stackScript,
  waitForOutboxesFlushed,
  waitUntil,
  withdrawalTopics,
} from './withdrawal-support.js';
import { TOPICS } from '@dbay/contracts';

const WALLET_URL = 'http://127.0.0.1:7101';

interface Balance {
  available: string;
  locked: string;
  pending: string;
  total: string;
}
interface WalletWithdrawal {
  withdrawalId: string;
  status: string;
  amount: string;
  networkFee: string;
  txid: string | null;
  failureCode: string | null;
}
interface LedgerEntry {
  entryType: string;
  bucket: string;
  debit: string;
  credit: string;
  referenceId: string | null;
}

async function userToken(userId: string): Promise<string> {
  const env = stackEnv();
  const key = await importPKCS8(
    readFileSync(path.join(env.STACK_SECRETS_DIR!, 'user-jwt-private.pem'), 'utf8'),
    'ES256',
  );
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(userId)
    .setIssuer('dbay-auth')
    .setAudience('dbay-wallet')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

class User {
  readonly id = randomUUID();
  private token: string | undefined;

  async call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }> {
    this.token ??= await userToken(this.id);
    const response = await fetch(`${WALLET_URL}/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async balance(): Promise<Balance> {
    const answer = await this.call<Balance>('GET', '/balance');
    if (answer.status !== 200) throw new Error(`balance: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  withdraw(destinationAddress: string, amount: string) {
    return this.call<WalletWithdrawal & { error?: { code: string } }>('POST', '/withdrawals', {
      destinationAddress,
      amount,
    });
  }

  async withdrawal(withdrawalId: string): Promise<WalletWithdrawal> {
    return (await this.call<WalletWithdrawal>('GET', `/withdrawals/${withdrawalId}`)).body;
  }

  async ledger(): Promise<LedgerEntry[]> {
    return (await this.call<{ entries: LedgerEntry[] }>('GET', '/ledger?limit=100')).body.entries;
  }

  waitForWithdrawal(withdrawalId: string, status: string, timeoutMs = 90_000): Promise<WalletWithdrawal> {
    return waitUntil(
      `wallet withdrawal ${withdrawalId} ${status}`,
      async () => {
        const withdrawal = await this.withdrawal(withdrawalId);
        return withdrawal.status === status ? withdrawal : undefined;
      },
      timeoutMs,
    );
  }
}

function newDestination(): { address: string; scriptHex: string } {
  const address = p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
  return { address, scriptHex: Buffer.from(outputScriptForAddress(address, regtest)).toString('hex') };
}

/** Credits `amount` DOGE to a new user through the real deposit flow (address, chain, watcher, wallet). */
async function fundedUser(chain: Chain, amount: string): Promise<User> {
  const user = new User();
  const assigned = await user.call<{ address: string }>('POST', '/deposit-address', {});
  expect(assigned.status, JSON.stringify(assigned.body)).to.be.oneOf([200, 201]);
  await chain.fund(assigned.body.address, amount);
  await chain.mine(7);
  await waitUntil(
    `deposit of ${amount} credited`,
    async () => {
      const answer = await user.call<Balance>('GET', '/balance');
      return answer.status === 200 && parseDoge(answer.body.available) >= parseDoge(amount);
    },
    120_000,
  );
  return user;
}

/** SUM(credit) - SUM(debit) over the user's ledger equals available + locked + pending. */
function expectLedgerMatchesBalance(entries: LedgerEntry[], balance: Balance): void {
  const net = entries.reduce(
    (sum, entry) =>
      sum + parseDoge(entry.credit, { allowZero: true }) - parseDoge(entry.debit, { allowZero: true }),
    0n,
  );
  expect(net).to.equal(parseDoge(balance.total, { allowZero: true }));
}

describe('withdrawals through the wallet (wallet, watcher, signer, saga, simulator)', function () {
  this.timeout(300_000);
  let chain: Chain;
  let bus: Bus;

  before(async () => {
    chain = Chain.fromStack();
    bus = new Bus();
    await bus.collect(withdrawalTopics());
    if (!(await sagaAlive())) await stackScript(['start-service', 'withdrawal-saga']);
  });

  after(async () => {
    await bus?.close();
  });

  it('deposit then withdraw: the destination receives exactly the amount, the ledger shows it and its fee once', async () => {
    const user = await fundedUser(chain, '100');
    const heightBefore = await chain.height();
    const destination = newDestination();
    const requested = await user.withdraw(destination.address, '25.5');
    expect(requested.status, JSON.stringify(requested.body)).to.equal(201);
    const { withdrawalId } = requested.body;
    const held = await user.balance();
    expect(held).to.include({ available: '73.50000000', pending: '26.50000000' });
    const broadcast = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId, 90_000)).event
      .payload;
    const paid = await chain.paymentsTo(destination.scriptHex, heightBefore);
    expect(paid.map((p) => [p.txid, p.valueKoinu])).to.deep.equal([[broadcast.txid, 2_550_000_000n]]);
    await chain.mine(6);
    const finalized = await user.waitForWithdrawal(withdrawalId, 'FINALIZED');
    expect(finalized.txid).to.equal(broadcast.txid);
    const balance = await user.balance();
    expect(balance).to.include({ available: '73.50000000', pending: '0.00000000' });
    const entries = await user.ledger();
    const own = entries.filter((entry) => entry.referenceId === withdrawalId);
    expect(own.filter((entry) => entry.entryType === 'WITHDRAWAL')).to.have.length(1);
    expect(own.filter((entry) => entry.entryType === 'NETWORK_FEE')).to.have.length(1);
    expectLedgerMatchesBalance(entries, balance);
  });

  it('refuses bad requests with coded 4xx and reserves nothing', async () => {
    const user = await fundedUser(chain, '10');
    const before = await user.balance();
    const mainnetAddress = p2pkhAddress(ECPair.makeRandom({ network: mainnet }).publicKey, mainnet);
    const cases: [string, string, number, string][] = [
      ['not-an-address', '1', 400, 'WITHDRAWAL_ADDRESS_INVALID'],
      [mainnetAddress, '1', 400, 'WITHDRAWAL_ADDRESS_INVALID'],
      [newDestination().address, '0.0001', 422, 'WALLET_WITHDRAWAL_BELOW_MINIMUM'],
      [newDestination().address, '1000', 422, 'WALLET_INSUFFICIENT_FUNDS'],
      [newDestination().address, '-1', 400, 'WALLET_AMOUNT_INVALID'],
      [newDestination().address, '1.000000001', 400, 'WALLET_AMOUNT_INVALID'],
    ];
    for (const [address, amount, status, code] of cases) {
      const answer = await user.withdraw(address, amount);
      expect(answer.status, `${address} ${amount}: ${JSON.stringify(answer.body)}`).to.equal(status);
      expect(answer.body.error?.code, `${address} ${amount}`).to.be.oneOf([code, 'WALLET_VALIDATION_FAILED']);
    }
    expect(await user.balance()).to.deep.equal(before);
    expect(
      (await user.call<{ withdrawals: unknown[] }>('GET', '/withdrawals')).body.withdrawals,
    ).to.deep.equal([]);
  });

  it('pays a held withdrawal approved by hand; refunds one rejected by hand', async () => {
    const user = await fundedUser(chain, '5000');
    const approvedDestination = newDestination();
    const heightBefore = await chain.height();
    const first = (await user.withdraw(approvedDestination.address, '1500')).body.withdrawalId;
    const second = (await user.withdraw(newDestination().address, '2000')).body.withdrawalId;
    await bus.waitForEvent(TOPICS.withdrawalHeld, first);
    await bus.waitForEvent(TOPICS.withdrawalHeld, second);
    expect(
      (await sagaApi('POST', `/internal/withdrawals/${first}/approve`, { note: 'known customer' })).status,
    ).to.equal(200);
    expect(
      (await sagaApi('POST', `/internal/withdrawals/${second}/reject`, { note: 'suspicious' })).status,
    ).to.equal(200);
    const refunded = await user.waitForWithdrawal(second, 'FAILED');
    expect(refunded.failureCode).to.equal('WITHDRAWAL_REJECTED_IN_REVIEW');
    await bus.waitForEvent(TOPICS.withdrawalBroadcast, first, 90_000);
    expect(
      (await chain.paymentsTo(approvedDestination.scriptHex, heightBefore)).map((p) => p.valueKoinu),
    ).to.deep.equal([1500n * 100_000_000n]);
    await chain.mine(6);
    await user.waitForWithdrawal(first, 'FINALIZED');
    const balance = await user.balance();
    // 5000 - (1500 + 1 fee) paid; the rejected 2000 + 1 fee came back.
    expect(balance).to.include({ available: '3499.00000000', pending: '0.00000000' });
    expectLedgerMatchesBalance(await user.ledger(), balance);
  });

  it('refunds with the signer reason when the signer refuses (over its cap)', async () => {
    const user = await fundedUser(chain, '150010');
    const withdrawalId = (await user.withdraw(newDestination().address, '150000')).body.withdrawalId;
    await bus.waitForEvent(TOPICS.withdrawalHeld, withdrawalId);
    expect((await sagaApi('POST', `/internal/withdrawals/${withdrawalId}/approve`, {})).status).to.equal(200);
    const failed = await user.waitForWithdrawal(withdrawalId, 'FAILED');
    expect(failed.failureCode).to.equal('WITHDRAWAL_SIGNER_REFUSED');
    const event = (await bus.waitForEvent(TOPICS.withdrawalFailed, withdrawalId)).event.payload;
    expect(String(event.reason)).to.match(/^SIGNER_[A-Z_]+: /);
    expect(await user.balance()).to.include({ available: '150010.00000000', pending: '0.00000000' });
  });

  for (const point of ['after-store-before-broadcast', 'after-broadcast-before-record'] as const) {
    it(`pays once and debits once when the saga is killed ${point}`, async () => {
      const user = await fundedUser(chain, '50');
      const heightBefore = await chain.height();
      const destination = newDestination();
      await stackScript(['restart-service', 'withdrawal-saga'], {
        SAGA_CRASH_AT: point,
        SAGA_CRASH_FOR_ADDRESS: destination.address,
      });
      const withdrawalId = (await user.withdraw(destination.address, '10')).body.withdrawalId;
      await waitUntil('the saga to die at its crash point', async () => !(await sagaAlive()), 90_000);
      await stackScript(['start-service', 'withdrawal-saga']);
      await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId, 90_000);
      await chain.mine(6);
      await user.waitForWithdrawal(withdrawalId, 'FINALIZED');
      expect(
        (await chain.paymentsTo(destination.scriptHex, heightBefore)).map((p) => p.valueKoinu),
      ).to.deep.equal([1_000_000_000n]);
      const entries = await user.ledger();
      expect(
        entries.filter((e) => e.referenceId === withdrawalId && e.entryType === 'WITHDRAWAL'),
      ).to.have.length(1);
      const balance = await user.balance();
      expect(balance).to.include({ available: '39.00000000', pending: '0.00000000' });
      expectLedgerMatchesBalance(entries, balance);
    });
  }

  it('pays two users in one batch transaction; both finalize once, each with its share of the miner fee', async () => {
    const [first, second] = await Promise.all([fundedUser(chain, '40'), fundedUser(chain, '40')]);
    const heightBefore = await chain.height();
    const destinations = [newDestination(), newDestination()];
    // Requested together, they come out of the cool-down within one batching window.
    const [a, b] = await Promise.all([
      first.withdraw(destinations[0]!.address, '12'),
      second.withdraw(destinations[1]!.address, '13'),
    ]);
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    const ids = [a.body.withdrawalId, b.body.withdrawalId];
    const broadcasts = await Promise.all(
      ids.map(async (id) => (await bus.waitForEvent(TOPICS.withdrawalBroadcast, id, 90_000)).event.payload),
    );
    expect(broadcasts[0]!.txid, 'both withdrawals in one transaction').to.equal(broadcasts[1]!.txid);
    const txid = String(broadcasts[0]!.txid);
    expect(Number(broadcasts[0]!.withdrawalsInTransaction)).to.be.at.least(2);
    expect(
      (await chain.paymentsTo(destinations[0]!.scriptHex, heightBefore)).map((p) => [p.txid, p.valueKoinu]),
    ).to.deep.equal([[txid, 1_200_000_000n]]);
    expect(
      (await chain.paymentsTo(destinations[1]!.scriptHex, heightBefore)).map((p) => [p.txid, p.valueKoinu]),
    ).to.deep.equal([[txid, 1_300_000_000n]]);
    await chain.mine(6);
    const users = [first, second];
    for (const [index, user] of users.entries()) {
      const finalized = await user.waitForWithdrawal(ids[index]!, 'FINALIZED');
      expect(finalized.txid).to.equal(txid);
      const entries = await user.ledger();
      const own = entries.filter((entry) => entry.referenceId === ids[index]);
      expect(own.filter((entry) => entry.entryType === 'WITHDRAWAL')).to.have.length(1);
      expect(own.filter((entry) => entry.entryType === 'NETWORK_FEE')).to.have.length(1);
      const balance = await user.balance();
      // 40 deposited, the amount and the flat 1 DOGE network fee gone, nothing left pending.
      expect(balance).to.include({
        available: index === 0 ? '27.00000000' : '26.00000000',
        pending: '0.00000000',
      });
      expectLedgerMatchesBalance(entries, balance);
    }
    // The miner fee of the transaction is shared between every withdrawal it paid, to the koinu.
    const db = sagaDb();
    try {
      const batch = await db('withdrawal_saga.batches')
        .where({ txid })
        .first<{ batch_id: string; fee_koinu: string } | undefined>();
      if (!batch) throw new Error(`no saga batch has txid ${txid}`);
      const inTransaction = await db('withdrawal_saga.withdrawals')
        .where({ batch_id: batch.batch_id })
        .select<{ withdrawal_id: string }[]>('withdrawal_id');
      const shares = await Promise.all(
        inTransaction.map(async ({ withdrawal_id }) =>
          BigInt(
            String(
              (await bus.waitForEvent(TOPICS.withdrawalConfirmed, withdrawal_id)).event.payload
                .minerFeeShareKoinu,
            ),
          ),
        ),
      );
      const fee = BigInt(batch.fee_koinu);
      expect(shares.reduce((sum, share) => sum + share, 0n)).to.equal(fee);
      const equalShare = fee / BigInt(shares.length);
      for (const share of shares)
        expect(share === equalShare || share === equalShare + 1n, `share ${share} of ${fee}`).to.equal(true);
      for (const id of ids) expect(bus.events(TOPICS.withdrawalConfirmed, id)).to.have.length(1);
    } finally {
      await db.destroy();
    }
  });

  it('a 7-block reorg after withdrawal.confirmed: the same bytes go out again, an alert, paid once, debited once', async () => {
    const user = await fundedUser(chain, '30');
    const destination = newDestination();
    const heightBefore = await chain.height();
    const asked = await user.withdraw(destination.address, '11');
    expect(asked.status, JSON.stringify(asked.body)).to.equal(201);
    const id = asked.body.withdrawalId;
    const txid = String((await bus.waitForEvent(TOPICS.withdrawalBroadcast, id, 90_000)).event.payload.txid);
    const rawHex = await chain.rawTransaction(txid);
    await chain.mine(7);
    await user.waitForWithdrawal(id, 'FINALIZED');
    const balanceBefore = await user.balance();
    const ledgerBefore = await user.ledger();
    const db = sagaDb();
    try {
      const watched = await db('withdrawal_saga.batches')
        .where({ txid })
        .first<{ status: string; block_hash: string; block_height: string; watch_ended_at: Date | null }>();
      expect(watched).to.include({ status: 'CONFIRMED', watch_ended_at: null });

      // Seven blocks, the withdrawal's among them, leave the chain and the transaction leaves every
      // mempool: the node knows it only from its transaction index, in a block off the best chain.
      const reorg = await chain.reorg({ depth: 7, blocks: 8, drop: [txid] });
      expect(reorg.disconnected).to.include(watched.block_hash);
      expect(reorg.dropped).to.include(txid);
      const left = await bus.waitForEventWith(TOPICS.withdrawalReorged, txid, 'stage', 'LEFT_CHAIN');
      expect(left.event.payload).to.deep.include({
        txid,
        withdrawalIds: [id],
        paidKoinu: '1100000000',
        confirmedBlockHash: watched.block_hash,
        confirmedBlockHeight: Number(watched.block_height),
        blockHash: null,
        confirmations: 0,
        rebroadcast: true,
        inputsSpentElsewhere: [],
      });
      // The saga sent the same signed bytes again: nothing re-signed, nothing new paid.
      expect(await chain.inMempool(txid)).to.equal(true);
      expect(await chain.rawTransaction(txid)).to.equal(rawHex);
      expect(
        await db('withdrawal_saga.batches')
          .where({ txid })
          .first<{ chain_exit: string; chain_exits: number }>(),
      ).to.include({ chain_exit: 'LEFT_CHAIN', chain_exits: 1 });

      await chain.mine(6);
      const back = await bus.waitForEventWith(TOPICS.withdrawalReorged, txid, 'stage', 'BACK_IN_CHAIN');
      expect(back.event.payload.confirmations).to.be.at.least(6);
      expect(back.event.payload.blockHash).to.be.a('string').and.not.equal(watched.block_hash);
      const after = await db('withdrawal_saga.batches').where({ txid }).first<{
        status: string;
        chain_exit: string | null;
        block_hash: string;
        change_index: number | null;
      }>();
      expect(after).to.include({
        status: 'CONFIRMED',
        chain_exit: null,
        block_hash: back.event.payload.blockHash,
      });
      // The hot wallet's coins agree with the chain again: the change is unspent with its value.
      const change = await db('withdrawal_saga.coins')
        .where({ txid })
        .first<{ vout: number; amount_koinu: string; status: string } | undefined>();
      if (change) {
        const out = await chain.rpc<{ value: number } | null>('gettxout', [txid, change.vout, true]);
        expect(out, 'the change output is unspent on chain').to.not.equal(null);
      }
    } finally {
      await db.destroy();
    }

    // One payment on the chain, exactly the amount; one confirmation event; the wallet did not move.
    expect(
      (await chain.paymentsTo(destination.scriptHex, heightBefore)).map((p) => [p.txid, p.valueKoinu]),
    ).to.deep.equal([[txid, 1_100_000_000n]]);
    expect(bus.events(TOPICS.withdrawalConfirmed, id)).to.have.length(1);
    expect(bus.events(TOPICS.withdrawalFailed, id)).to.deep.equal([]);
    expect((await user.withdrawal(id)).status).to.equal('FINALIZED');
    expect(await user.balance()).to.deep.equal(balanceBefore);
    const ledgerAfter = await user.ledger();
    expect(ledgerAfter).to.deep.equal(ledgerBefore);
    expect(
      ledgerAfter.filter((entry) => entry.referenceId === id && entry.entryType === 'WITHDRAWAL'),
    ).to.have.length(1);
    expectLedgerMatchesBalance(ledgerAfter, balanceBefore);
  });

  it('a withdrawal stuck under congestion is bumped from its change (CPFP), confirms and is finalized once; the bump fee is booked to network fees', async () => {
    const user = await fundedUser(chain, '40');
    const destination = newDestination();
    const heightBefore = await chain.height();
    const db = sagaDb();
    // Miners take only packages of at least 0.05 DOGE/kB; the saga pays 0.01.
    await chain.congestion('0.05');
    try {
      const asked = await user.withdraw(destination.address, '12');
      expect(asked.status, JSON.stringify(asked.body)).to.equal(201);
      const id = asked.body.withdrawalId;
      const broadcast = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, id, 90_000)).event.payload;
      const txid = String(broadcast.txid);
      await chain.mine(2);
      expect(await chain.inMempool(txid), 'stuck: two blocks went by without it').to.equal(true);

      // FEE_BUMP_AFTER_BLOCKS (2 on the stack) later, the saga spends the stuck change in a child.
      const bump = await waitUntil(
        'the fee bump broadcast',
        async () =>
          (await db('withdrawal_saga.batches')
            .where({ purpose: 'FEE_BUMP', status: 'BROADCAST' })
            .whereIn('bumps_batch_id', db('withdrawal_saga.batches').select('batch_id').where({ txid }))
            .first<
              | { txid: string; fee_koinu: string; inputs: { txid: string }[]; signed_size_bytes: number }
              | undefined
            >()) ?? undefined,
        60_000,
      );
      expect(bump.inputs.map((input) => input.txid)).to.deep.equal([txid]);
      const stuck = await db('withdrawal_saga.batches')
        .where({ txid })
        .first<{ fee_koinu: string; signed_size_bytes: number }>();
      // The package pays at least the congested floor, so the next block takes both.
      const packageFee = BigInt(stuck.fee_koinu) + BigInt(bump.fee_koinu);
      const packageBytes = BigInt(stuck.signed_size_bytes + bump.signed_size_bytes);
      expect(packageFee * 1000n >= packageBytes * 5_000_000n, 'package at 0.05 DOGE/kB').to.equal(true);
      const [mined] = (await chain.mine(1)).blockHashes;
      const block = await chain.rpc<{ tx: string[] }>('getblock', [mined, true]);
      expect(block.tx).to.include.members([txid, bump.txid]);
      await chain.congestion(null);

      await chain.mine(6);
      const finalized = await user.waitForWithdrawal(id, 'FINALIZED');
      expect(finalized.txid).to.equal(txid);
      expect(
        (await chain.paymentsTo(destination.scriptHex, heightBefore)).map((p) => [p.txid, p.valueKoinu]),
      ).to.deep.equal([[txid, 1_200_000_000n]]);
      const confirmations = bus.events(TOPICS.withdrawalConfirmed, id);
      expect(confirmations).to.have.length(1);
      // The withdrawal's miner fee share now includes its share of the bump.
      const inTransaction = Number(broadcast.withdrawalsInTransaction);
      const share = BigInt(String(confirmations[0]!.event.payload.minerFeeShareKoinu));
      const ownShare = BigInt(String(broadcast.minerFeeShareKoinu));
      const bumpShare = share - ownShare;
      const bumpFee = BigInt(bump.fee_koinu);
      const equalShare = bumpFee / BigInt(inTransaction);
      expect(
        bumpShare === equalShare || bumpShare === equalShare + 1n,
        `bump share ${bumpShare} of ${bumpFee}`,
      ).to.equal(true);
      // Booked once to the platform's network fees, against this withdrawal.
      const minerFees = await db('wallet.ledger_entries')
        .where({ reference_id: id, platform_account: 'NETWORK_FEES', entry_type: 'MINER_FEE' })
        .select<{ debit: string; credit: string }[]>('debit', 'credit');
      expect(minerFees).to.have.length(1);
      expect(
        parseDoge(minerFees[0]!.debit, { allowZero: true }) +
          parseDoge(minerFees[0]!.credit, { allowZero: true }),
      ).to.equal(share);
      // The user paid the amount and the flat fee once, whatever the miners got.
      const entries = await user.ledger();
      expect(
        entries.filter((entry) => entry.referenceId === id && entry.entryType === 'WITHDRAWAL'),
      ).to.have.length(1);
      const balance = await user.balance();
      expect(balance).to.include({ available: '27.00000000', pending: '0.00000000' });
      expectLedgerMatchesBalance(entries, balance);
    } finally {
      await chain.congestion(null);
      await db.destroy();
    }
  });

  it('changes nothing when every withdrawal.* topic is replayed with kcat: no second payment, no second debit', async () => {
    const user = await fundedUser(chain, '30');
    const topics = withdrawalTopics();
    const replayFrom = await bus.endOffsets(topics);
    const heightBefore = await chain.height();
    const destination = newDestination();
    const withdrawalId = (await user.withdraw(destination.address, '10')).body.withdrawalId;
    await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId, 90_000);
    await chain.mine(6);
    await user.waitForWithdrawal(withdrawalId, 'FINALIZED');
    const db = sagaDb();
    // Everything a replay could disturb: the user's money and history, the destination's payments, the
    // saga's settled withdrawals, steps and transactions, and the distinct events about this withdrawal.
    const snapshot = async () => {
      const settled = await db('withdrawal_saga.withdrawals')
        .whereIn('withdrawal_id', settledIds)
        .select('withdrawal_id', 'status', 'batch_id', 'failure_code')
        .orderBy('withdrawal_id');
      return {
        balance: await user.balance(),
        ledger: await user.ledger(),
        withdrawal: await user.withdrawal(withdrawalId),
        payments: await chain.paymentsTo(destination.scriptHex, heightBefore),
        settled,
        steps: await db('withdrawal_saga.withdrawal_steps')
          .whereIn('withdrawal_id', settledIds)
          .count<{ count: string }[]>({ count: '*' }),
        batches: await db('withdrawal_saga.batches')
          .whereIn('status', ['CONFIRMED', 'REFUSED', 'CANCELLED', 'DROPPED'])
          .where('created_at', '<=', snapshotAt)
          .select('batch_id', 'status', 'txid', 'raw_tx_hex', 'broadcast_attempts')
          .orderBy('batch_id'),
        eventIds: [
          ...new Set(
            bus.seen
              .filter((entry) => entry.event.payload.withdrawalId === withdrawalId)
              .map((entry) => `${entry.topic} ${entry.event.envelope.eventId}`),
          ),
        ].sort(),
      };
    };
    const snapshotAt = new Date();
    const settledIds = (
      await db('withdrawal_saga.withdrawals')
        .whereIn('status', ['CONFIRMED', 'FAILED'])
        .select<{ withdrawal_id: string }[]>('withdrawal_id')
    ).map((row) => row.withdrawal_id);
    try {
      await waitUntil('the wallet to record the finalization', () =>
        Promise.resolve(
          bus.seen.some(
            (entry) =>
              entry.topic === TOPICS.withdrawalFinalized && entry.event.payload.withdrawalId === withdrawalId,
          ) || undefined,
        ),
      );
      const before = await snapshot();
      expect(before.payments).to.have.length(1);
      const seenBefore = bus.seen.length;
      const replayed = await replayTopics(bus, topics, replayFrom);
      // At least requested, approved, held (cool-down), signing-requested, signed, broadcast, confirmed
      // and finalized of this withdrawal.
      expect(replayed.messages).to.be.at.least(8);
      // Every consumer of these topics has processed the copies (the signer may answer a replayed
      // signing request; the saga then processes that answer too).
      // The wallet is only waited for on the partitions that carry this withdrawal's events: it works
      // through copies of other tests' withdrawals it never knew (retried, then dead-lettered) slowly.
      const walletPartitions = (topic: string) => ({
        topic,
        partitions: [
          ...new Set(
            bus.seen
              .filter((e) => e.topic === topic && e.event.payload.withdrawalId === withdrawalId)
              .map((e) => e.partition),
          ),
        ],
      });
      const groups = {
        'withdrawal-saga': [
          { topic: TOPICS.withdrawalRequested },
          { topic: TOPICS.withdrawalSigned },
          { topic: TOPICS.withdrawalSigningRefused },
        ],
        wallet: [walletPartitions(TOPICS.withdrawalConfirmed), walletPartitions(TOPICS.withdrawalFailed)],
        signer: [{ topic: TOPICS.withdrawalSigningRequested }],
      };
      await bus.waitForGroupsCaughtUp(groups, 180_000);
      // Whatever they produced in answer to the copies is published, then consumed in its turn.
      await waitForOutboxesFlushed(db, ['signer', 'withdrawal_saga', 'wallet']);
      await bus.waitForGroupsCaughtUp(groups, 180_000);
      await waitUntil('the replayed copies to reach this test', () =>
        Promise.resolve(bus.seen.length >= seenBefore + replayed.messages || undefined),
      );
      const after = await snapshot();
      expect(after).to.deep.equal(before);
    } finally {
      await db.destroy();
    }
  });
});
