// Proves the wallet's pure rules: given a book, when a command, then the postings, ledger entries and
// events, or a coded rejection that changes nothing.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { depositKey, WalletInvariantViolation, applyPostings, userPosting } from '../src/domain/index.js';
import { DOGE, REGTEST_ADDRESS, bookSum, bookWith, policy, run } from './fixtures.js';
import { TOPICS } from '@dbay/contracts';

const buyer = randomUUID();
const seller = randomUUID();
const orderId = randomUUID();

describe('wallet domain', () => {
  describe('pay order and escrow', () => {
    it('moves available to locked, creates a LOCKED escrow and emits escrow.locked + balance.changed', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      const result = run(book, {
        type: 'PayOrder',
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: 4n * DOGE,
        feeKoinu: DOGE / 10n,
      });
      expect(result.ok).to.equal(true);
      const wallet = book.wallets.get(buyer)!;
      expect([wallet.availableKoinu, wallet.lockedKoinu, wallet.version]).to.deep.equal([
        6n * DOGE,
        4n * DOGE,
        1,
      ]);
      expect(book.escrows.get(orderId)?.status).to.equal('LOCKED');
      expect(
        result.applied!.entries.map((e) => [e.bucket, e.debitKoinu, e.creditKoinu, e.balanceAfterKoinu]),
      ).to.deep.equal([
        ['AVAILABLE', 4n * DOGE, 0n, 6n * DOGE],
        ['LOCKED', 0n, 4n * DOGE, 4n * DOGE],
      ]);
      expect(result.applied!.events.map((e) => e.topic)).to.deep.equal([
        TOPICS.escrowLocked,
        TOPICS.balanceChanged,
      ]);
      expect(bookSum(book)).to.equal(0n);
    });

    it('refuses more than available with WALLET_INSUFFICIENT_FUNDS and escrow.lock-failed, changing nothing', () => {
      const book = bookWith({ [buyer]: DOGE });
      const result = run(book, {
        type: 'PayOrder',
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: DOGE + 1n,
        feeKoinu: 0n,
      });
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.error.code).to.equal('WALLET_INSUFFICIENT_FUNDS');
      expect(result.events.map((e) => e.topic)).to.deep.equal([TOPICS.escrowLockFailed]);
      expect(book.wallets.get(buyer)!.availableKoinu).to.equal(DOGE);
      expect(book.escrows.size).to.equal(0);
    });

    for (const [name, command, code] of [
      ['an unknown buyer', { buyerId: randomUUID() }, 'WALLET_NOT_FOUND'],
      ['buyer = seller', { sellerId: buyer }, 'WALLET_SAME_BUYER_AND_SELLER'],
      ['a fee above the amount', { feeKoinu: 2n * DOGE }, 'WALLET_FEE_EXCEEDS_AMOUNT'],
      ['a zero amount', { amountKoinu: 0n }, 'WALLET_AMOUNT_INVALID'],
    ] as const) {
      it(`refuses ${name} with ${code}`, () => {
        const book = bookWith({ [buyer]: 10n * DOGE });
        const result = run(book, {
          type: 'PayOrder',
          orderId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: DOGE,
          feeKoinu: 0n,
          ...command,
        });
        expect(result.ok ? 'accepted' : result.error.code).to.equal(code);
      });
    }

    it('refuses a second escrow for the same order', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      run(book, {
        type: 'PayOrder',
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: DOGE,
        feeKoinu: 0n,
      });
      const again = run(book, {
        type: 'PayOrder',
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: DOGE,
        feeKoinu: 0n,
      });
      expect(again.ok ? 'accepted' : again.error.code).to.equal('WALLET_ESCROW_ALREADY_EXISTS');
    });

    it('releases: buyer locked out, seller credited amount - fee (wallet created), fee to MARKETPLACE_FEES', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      run(book, {
        type: 'PayOrder',
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: 4n * DOGE,
        feeKoinu: DOGE / 4n,
      });
      const result = run(book, { type: 'ReleaseEscrow', orderId });
      expect(result.ok).to.equal(true);
      expect(book.wallets.get(buyer)!.lockedKoinu).to.equal(0n);
      expect(book.wallets.get(seller)!.availableKoinu).to.equal(4n * DOGE - DOGE / 4n);
      expect(book.platformAccounts.get('MARKETPLACE_FEES')!.balanceKoinu).to.equal(DOGE / 4n);
      expect(book.escrows.get(orderId)!.status).to.equal('RELEASED');
      expect(result.applied!.createdUserIds).to.deep.equal([seller]);
      expect(bookSum(book)).to.equal(0n);
    });

    it('refuses to release a refunded escrow (wrong state) and a disputed one until it is resolved', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      run(book, {
        type: 'PayOrder',
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: DOGE,
        feeKoinu: 0n,
      });
      expect(run(book, { type: 'DisputeEscrow', orderId, reason: 'not received' }).ok).to.equal(true);
      const release = run(book, { type: 'ReleaseEscrow', orderId });
      expect(release.ok ? 'accepted' : release.error.code).to.equal('WALLET_ESCROW_DISPUTED');
      const refund = run(book, { type: 'RefundEscrow', orderId });
      expect(refund.ok ? 'accepted' : refund.error.code).to.equal('WALLET_ESCROW_DISPUTED');
      expect(run(book, { type: 'ResolveDispute', orderId, outcome: 'REFUND' }).ok).to.equal(true);
      expect(book.wallets.get(buyer)!.availableKoinu).to.equal(10n * DOGE);
      const late = run(book, { type: 'ReleaseEscrow', orderId });
      expect(late.ok ? 'accepted' : late.error.code).to.equal('WALLET_ESCROW_WRONG_STATE');
      if (!late.ok) expect(late.events.map((e) => e.topic)).to.deep.equal([TOPICS.escrowCommandFailed]);
    });
  });

  describe('dispute resolved by a split', () => {
    const amountKoinu = 10n * DOGE;
    /** A buyer with 10 DOGE more than the order, and the order's escrow DISPUTED. */
    const disputed = () => {
      const book = bookWith({ [buyer]: 20n * DOGE });
      run(book, { type: 'PayOrder', orderId, buyerId: buyer, sellerId: seller, amountKoinu, feeKoinu: DOGE });
      run(book, { type: 'DisputeEscrow', orderId, reason: 'half of it arrived' });
      return book;
    };
    const split = (buyerRefundKoinu: bigint, feeKoinu: bigint) =>
      ({ type: 'ResolveDispute', orderId, outcome: 'SPLIT', buyerRefundKoinu, feeKoinu }) as const;

    it('pays exactly x to the buyer, amount - x - fee to the seller and the fee to MARKETPLACE_FEES, and ends SPLIT', () => {
      const book = disputed();
      const result = run(book, split(3n * DOGE, DOGE / 2n));
      expect(result.ok).to.equal(true);
      expect(book.wallets.get(buyer)).to.include({
        availableKoinu: 10n * DOGE + 3n * DOGE,
        lockedKoinu: 0n,
      });
      expect(book.wallets.get(seller)!.availableKoinu).to.equal(7n * DOGE - DOGE / 2n);
      expect(book.platformAccounts.get('MARKETPLACE_FEES')!.balanceKoinu).to.equal(DOGE / 2n);
      expect(book.escrows.get(orderId)).to.deep.include({
        status: 'SPLIT',
        feeKoinu: DOGE,
        split: { buyerRefundKoinu: 3n * DOGE, sellerCreditKoinu: 7n * DOGE - DOGE / 2n, feeKoinu: DOGE / 2n },
      });
      // One balanced transaction: the buyer's locked amount leaves, and the three parts arrive.
      expect(
        result.applied!.entries.map((e) => [
          e.userId ?? e.platformAccount,
          e.bucket,
          e.creditKoinu - e.debitKoinu,
        ]),
      ).to.deep.equal([
        [buyer, 'LOCKED', -3n * DOGE],
        [buyer, 'AVAILABLE', 3n * DOGE],
        [buyer, 'LOCKED', -7n * DOGE],
        [seller, 'AVAILABLE', 7n * DOGE - DOGE / 2n],
        ['MARKETPLACE_FEES', 'PLATFORM', DOGE / 2n],
      ]);
      expect(bookSum(book)).to.equal(0n);
      expect(result.applied!.events.map((e) => [e.topic, e.key])).to.deep.equal([
        ['escrow.split', orderId],
        ['balance.changed', buyer],
        ['balance.changed', seller],
      ]);
      expect(result.applied!.events[0]!.payload).to.deep.include({
        amountKoinu: String(10n * DOGE),
        buyerRefundKoinu: String(3n * DOGE),
        sellerCreditKoinu: String(7n * DOGE - DOGE / 2n),
        feeKoinu: String(DOGE / 2n),
      });
    });

    it('credits the seller nothing when the fee takes the whole seller part, and posts no fee when it is zero', () => {
      const wholePart = disputed();
      const taken = run(wholePart, split(4n * DOGE, 6n * DOGE));
      expect(taken.ok && taken.postings.some((p) => p.entryType === 'SALE')).to.equal(false);
      expect(wholePart.wallets.has(seller)).to.equal(false);
      expect(wholePart.platformAccounts.get('MARKETPLACE_FEES')!.balanceKoinu).to.equal(6n * DOGE);
      const noFee = disputed();
      const free = run(noFee, split(4n * DOGE, 0n));
      expect(free.ok && free.postings.some((p) => p.entryType === 'FEE')).to.equal(false);
      expect(noFee.wallets.get(seller)!.availableKoinu).to.equal(6n * DOGE);
      expect(bookSum(wholePart) + bookSum(noFee)).to.equal(0n);
    });

    for (const [name, command, code] of [
      ['x = 0', split(0n, 0n), 'WALLET_SPLIT_REFUND_OUT_OF_RANGE'],
      ['x = amount', split(10n * DOGE, 0n), 'WALLET_SPLIT_REFUND_OUT_OF_RANGE'],
      ['x above the amount', split(11n * DOGE, 0n), 'WALLET_SPLIT_REFUND_OUT_OF_RANGE'],
      [
        'a fee above the seller part',
        split(4n * DOGE, 6n * DOGE + 1n),
        'WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART',
      ],
      ['a negative fee', split(4n * DOGE, -1n), 'WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART'],
    ] as const) {
      it(`refuses ${name} with ${code} and escrow.command-failed, changing nothing`, () => {
        const book = disputed();
        const before = structuredClone(book);
        const result = run(book, command);
        expect(result.ok ? 'accepted' : result.error.code).to.equal(code);
        if (!result.ok) {
          expect(
            result.events.map((e) => [e.topic, 'command' in e.payload ? e.payload.command : null]),
          ).to.deep.equal([['escrow.command-failed', 'RESOLVE_DISPUTE']]);
        }
        expect(book).to.deep.equal(before);
      });
    }

    it('refuses a split of an escrow that is not DISPUTED (LOCKED, or already split) and changes nothing', () => {
      const locked = bookWith({ [buyer]: 20n * DOGE });
      run(locked, { type: 'PayOrder', orderId, buyerId: buyer, sellerId: seller, amountKoinu, feeKoinu: 0n });
      const notDisputed = run(locked, split(DOGE, 0n));
      expect(notDisputed.ok ? 'accepted' : notDisputed.error.code).to.equal('WALLET_ESCROW_WRONG_STATE');
      expect(locked.wallets.get(buyer)!.lockedKoinu).to.equal(amountKoinu);

      const book = disputed();
      expect(run(book, split(DOGE, 0n)).ok).to.equal(true);
      const after = structuredClone(book);
      // Resolving it again, by the same split or otherwise, is refused: SPLIT is final.
      for (const again of [
        split(DOGE, 0n),
        { type: 'ResolveDispute', orderId, outcome: 'REFUND' } as const,
      ]) {
        const result = run(book, again);
        expect(result.ok ? 'accepted' : result.error.code).to.equal('WALLET_ESCROW_WRONG_STATE');
      }
      expect(book).to.deep.equal(after);
    });
  });

  describe('bids', () => {
    const auctionId = randomUUID();

    it('locks, raises by the difference, refuses a lower bid, unlocks', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      expect(run(book, { type: 'LockBid', auctionId, userId: buyer, amountKoinu: 3n * DOGE }).ok).to.equal(
        true,
      );
      const raise = run(book, { type: 'LockBid', auctionId, userId: buyer, amountKoinu: 5n * DOGE });
      const raised = raise.ok ? raise.events[0] : undefined;
      expect(raised?.topic === TOPICS.bidLocked && raised.payload.increaseKoinu).to.equal(
        (2n * DOGE).toString(),
      );
      expect(book.wallets.get(buyer)!.lockedKoinu).to.equal(5n * DOGE);
      const lower = run(book, { type: 'LockBid', auctionId, userId: buyer, amountKoinu: 4n * DOGE });
      expect(lower.ok ? 'accepted' : lower.error.code).to.equal('WALLET_BID_NOT_HIGHER');
      expect(run(book, { type: 'UnlockBid', auctionId, userId: buyer }).ok).to.equal(true);
      expect(book.wallets.get(buyer)!.availableKoinu).to.equal(10n * DOGE);
      const twice = run(book, { type: 'UnlockBid', auctionId, userId: buyer });
      expect(twice.ok ? 'accepted' : twice.error.code).to.equal('WALLET_BID_LOCK_WRONG_STATE');
    });

    it('converts the winning lock into an escrow, returning the part above the price', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      run(book, { type: 'LockBid', auctionId, userId: buyer, amountKoinu: 5n * DOGE });
      const result = run(book, {
        type: 'ConvertBid',
        auctionId,
        userId: buyer,
        orderId,
        sellerId: seller,
        amountKoinu: 4n * DOGE,
        feeKoinu: 0n,
      });
      expect(result.ok).to.equal(true);
      expect(book.wallets.get(buyer)!.lockedKoinu).to.equal(4n * DOGE);
      expect(book.escrows.get(orderId)).to.include({
        status: 'LOCKED',
        source: 'BID',
        amountKoinu: 4n * DOGE,
      });
      expect(result.events.map((e) => e.topic)).to.deep.equal([TOPICS.bidConverted, TOPICS.escrowLocked]);
      const over = run(book, {
        type: 'ConvertBid',
        auctionId,
        userId: buyer,
        orderId: randomUUID(),
        sellerId: seller,
        amountKoinu: DOGE,
        feeKoinu: 0n,
      });
      expect(over.ok ? 'accepted' : over.error.code).to.equal('WALLET_BID_LOCK_WRONG_STATE');
    });
  });

  describe('withdrawals', () => {
    const withdrawalId = randomUUID();
    const request = {
      type: 'RequestWithdrawal',
      withdrawalId,
      userId: buyer,
      destinationAddress: REGTEST_ADDRESS,
    } as const;

    it('holds amount + fee in pending, then finalizes to the chain and the fee accounts', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      expect(run(book, { ...request, amountKoinu: 5n * DOGE }).ok).to.equal(true);
      expect(book.wallets.get(buyer)!.pendingKoinu).to.equal(5n * DOGE + policy.withdrawalNetworkFeeKoinu);
      const txid = 'ab'.repeat(32);
      const finalize = run(book, {
        type: 'FinalizeWithdrawal',
        withdrawalId,
        userId: buyer,
        txid,
        blockHash: 'cd'.repeat(32),
        blockHeight: 10,
        confirmations: 6,
        minerFeeShareKoinu: 226_000n,
      });
      expect(finalize.ok).to.equal(true);
      expect(book.wallets.get(buyer)!.pendingKoinu).to.equal(0n);
      expect(book.platformAccounts.get('NETWORK_FEES')!.balanceKoinu).to.equal(
        policy.withdrawalNetworkFeeKoinu - 226_000n,
      );
      expect(bookSum(book)).to.equal(0n);
      // The same confirmation again (a re-emitted event) changes nothing; a failure after it is refused.
      const again = run(book, {
        type: 'FinalizeWithdrawal',
        withdrawalId,
        userId: buyer,
        txid,
        blockHash: 'cd'.repeat(32),
        blockHeight: 10,
        confirmations: 7,
        minerFeeShareKoinu: 226_000n,
      });
      expect(again.ok && again.postings.length).to.equal(0);
      const fail = run(book, {
        type: 'FailWithdrawal',
        withdrawalId,
        userId: buyer,
        reasonCode: 'X',
        reason: 'x',
      });
      expect(fail.ok ? 'accepted' : fail.error.code).to.equal('WALLET_WITHDRAWAL_WRONG_STATE');
    });

    it('returns pending to available when the withdrawal fails', () => {
      const book = bookWith({ [buyer]: 10n * DOGE });
      run(book, { ...request, amountKoinu: 5n * DOGE });
      expect(
        run(book, {
          type: 'FailWithdrawal',
          withdrawalId,
          userId: buyer,
          reasonCode: 'FRAUD_REJECTED',
          reason: 'velocity',
        }).ok,
      ).to.equal(true);
      expect(book.wallets.get(buyer)).to.include({ availableKoinu: 10n * DOGE, pendingKoinu: 0n });
    });

    for (const [name, change, code] of [
      [
        'a mainnet address on regtest',
        { destinationAddress: 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L' },
        'WITHDRAWAL_ADDRESS_INVALID',
      ],
      [
        'a bad checksum',
        { destinationAddress: REGTEST_ADDRESS.slice(0, -1) + 'j' },
        'WITHDRAWAL_ADDRESS_INVALID',
      ],
      [
        'an amount below the minimum',
        { amountKoinu: policy.withdrawalMinimumKoinu - 1n },
        'WALLET_WITHDRAWAL_BELOW_MINIMUM',
      ],
      ['amount + fee above available', { amountKoinu: 10n * DOGE }, 'WALLET_INSUFFICIENT_FUNDS'],
    ] as const) {
      it(`refuses ${name} with ${code}`, () => {
        const book = bookWith({ [buyer]: 10n * DOGE });
        const result = run(book, { ...request, amountKoinu: 2n * DOGE, ...change });
        expect(result.ok ? 'accepted' : result.error.code).to.equal(code);
        expect(book.wallets.get(buyer)!.pendingKoinu).to.equal(0n);
      });
    }
  });

  describe('deposits', () => {
    const txid = 'ef'.repeat(32);
    const base = {
      userId: buyer,
      address: REGTEST_ADDRESS,
      txid,
      vout: 1,
      amountKoinu: 7n * DOGE,
      blockHash: null,
      blockHeight: null,
    };
    /** A book in which REGTEST_ADDRESS is the buyer's assigned deposit address. */
    const depositBook = () => {
      const book = bookWith({});
      book.depositAddressOwners.set(REGTEST_ADDRESS, buyer);
      return book;
    };

    it("refuses a detection or a confirmation naming an address that is not the user's, and changes nothing", () => {
      const confirm = {
        type: 'CreditDeposit',
        ...base,
        confirmations: 6,
        eventOccurredAt: '2026-11-24T12:00:00Z',
      } as const;
      const detect = { type: 'RecordIncomingDeposit', ...base, confirmations: 0 } as const;
      // Another user's assigned address, and an address never handed out.
      const othersBook = bookWith({ [seller]: 0n });
      othersBook.depositAddressOwners.set(REGTEST_ADDRESS, seller);
      for (const book of [othersBook, bookWith({})]) {
        const before = structuredClone(book);
        for (const command of [confirm, detect]) {
          const refused = run(book, command);
          expect(refused.ok ? 'accepted' : refused.error.code).to.equal('WALLET_DEPOSIT_ADDRESS_NOT_USERS');
        }
        expect(book).to.deep.equal(before);
      }
    });

    it('answers a replay of a credited deposit as before, even where the address owner is not known', () => {
      const book = depositBook();
      const confirm = {
        type: 'CreditDeposit',
        ...base,
        confirmations: 6,
        eventOccurredAt: '2026-11-24T12:00:00Z',
      } as const;
      expect(run(book, confirm).ok).to.equal(true);
      // A restored database, or rows from before the check: the replay must stay a no-op, not a DLQ.
      book.depositAddressOwners.clear();
      const replay = run(book, confirm);
      expect(replay.ok && replay.postings).to.deep.equal([]);
      const redetected = run(book, { type: 'RecordIncomingDeposit', ...base, confirmations: 6 });
      expect(redetected.ok && redetected.changes).to.deep.equal([]);
      expect(book.wallets.get(buyer)!.availableKoinu).to.equal(7n * DOGE);
    });

    it('shows an incoming deposit without crediting, credits once at confirmation, ignores a repeat', () => {
      const book = depositBook();
      run(book, { type: 'RecordIncomingDeposit', ...base, confirmations: 0 });
      expect(book.deposits.get(depositKey(txid, 1))?.status).to.equal('INCOMING');
      expect(book.wallets.has(buyer)).to.equal(false);
      const confirm = {
        type: 'CreditDeposit',
        ...base,
        confirmations: 6,
        eventOccurredAt: '2026-11-24T12:00:00Z',
      } as const;
      const credited = run(book, confirm);
      expect(credited.ok && credited.events.map((e) => e.topic)).to.deep.equal([TOPICS.depositCredited]);
      expect(book.wallets.get(buyer)!.availableKoinu).to.equal(7n * DOGE);
      const repeat = run(book, confirm);
      expect(repeat.ok && repeat.postings.length).to.equal(0);
      expect(book.wallets.get(buyer)!.availableKoinu).to.equal(7n * DOGE);
      expect(bookSum(book)).to.equal(0n);
    });

    it('changes nothing, not even the row, when the same detection or confirmation count arrives again', () => {
      const book = depositBook();
      const detected = { type: 'RecordIncomingDeposit', ...base, confirmations: 0 } as const;
      expect(run(book, detected).ok && run(book, detected)).to.deep.include({ changes: [] });
      const update = {
        type: 'UpdateDepositConfirmations',
        userId: buyer,
        txid,
        vout: 1,
        blockHash: 'aa'.repeat(32),
        blockHeight: 9,
      } as const;
      const changed = run(book, { ...update, confirmations: 2 });
      expect(changed.ok && changed.changes).to.have.length(1);
      expect(run(book, { ...update, confirmations: 2 })).to.deep.include({ changes: [] });
      // A new detection report that differs (a reorg moved it) is written.
      const moved = run(book, { ...detected, confirmations: 1, blockHash: 'bb'.repeat(32), blockHeight: 10 });
      expect(moved.ok && moved.changes).to.have.length(1);
      expect(book.deposits.get(depositKey(txid, 1))).to.include({ confirmations: 1, blockHeight: 10 });
    });

    it('drops a reversed incoming deposit, and flags (never claws back) a reversed credited one', () => {
      const book = depositBook();
      run(book, { type: 'RecordIncomingDeposit', ...base, confirmations: 1 });
      run(book, {
        type: 'ReverseDeposit',
        ...base,
        wasConfirmed: false,
        reason: 'reorg',
        eventOccurredAt: '2026-11-24T12:00:01Z',
      });
      expect(book.deposits.get(depositKey(txid, 1))?.status).to.equal('REVERSED');
      const other = { ...base, txid: '12'.repeat(32) };
      run(book, {
        type: 'CreditDeposit',
        ...other,
        confirmations: 6,
        eventOccurredAt: '2026-11-24T12:00:02Z',
      });
      const flagged = run(book, {
        type: 'ReverseDeposit',
        ...other,
        wasConfirmed: true,
        reason: 'deep reorg',
        eventOccurredAt: '2026-11-24T12:00:03Z',
      });
      expect(
        flagged.ok &&
          flagged.events.map((e) => [
            e.topic,
            e.topic === TOPICS.depositReversalFlagged && e.payload.severity,
          ]),
      ).to.deep.equal([[TOPICS.depositReversalFlagged, 'CRITICAL']]);
      expect(book.wallets.get(buyer)!.availableKoinu).to.equal(7n * DOGE);
      expect(book.deposits.get(depositKey(other.txid, 1))?.reversedAfterCreditAt).to.not.equal(null);
    });

    it('does not credit a confirmation that was emitted before the reversal it arrives after', () => {
      const book = depositBook();
      run(book, {
        type: 'ReverseDeposit',
        ...base,
        wasConfirmed: true,
        reason: 'reorg',
        eventOccurredAt: '2026-11-24T12:00:05Z',
      });
      const stale = run(book, {
        type: 'CreditDeposit',
        ...base,
        confirmations: 6,
        eventOccurredAt: '2026-11-24T12:00:04Z',
      });
      expect(
        stale.ok &&
          stale.events.map((e) => [e.topic, e.topic === TOPICS.depositReversalFlagged && e.payload.severity]),
      ).to.deep.equal([[TOPICS.depositReversalFlagged, 'WARNING']]);
      expect(book.wallets.has(buyer)).to.equal(false);
    });
  });

  describe('invariants', () => {
    it('throws WalletInvariantViolation instead of letting a bucket go negative or postings not balance', () => {
      const book = bookWith({ [buyer]: DOGE });
      const reference = { type: 'order', id: orderId } as const;
      expect(() =>
        applyPostings(
          book,
          [
            userPosting(buyer, 'AVAILABLE', -2n * DOGE, 'ESCROW_LOCK'),
            userPosting(buyer, 'LOCKED', 2n * DOGE, 'ESCROW_LOCK'),
          ],
          reference,
        ),
      ).to.throw(WalletInvariantViolation);
      expect(() =>
        applyPostings(book, [userPosting(buyer, 'AVAILABLE', DOGE, 'DEPOSIT')], reference),
      ).to.throw(WalletInvariantViolation, /sum/);
    });
  });
});
