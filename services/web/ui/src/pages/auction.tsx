/**
 * An auction: the visible price, the time left (ticking; a soft close moves the end, which arrives
 * with the auction's nudge), the bid form and the answer to the last bid: leading, outbid, or refused
 * and why. Buy Now when the auction offers it.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiGet, apiPost, newIntentKey } from '../lib/api.js';
import { dogeText, readAmountInput, showDogeText } from '../lib/money.js';
import type { Auction, BidAnswer, Order } from '../lib/types.js';
import { useApp } from '../app.js';
import { errorSentence } from '../lib/error-sentences.js';
import { Doge, ErrorNote, Loading } from '../components.js';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function timeLeftWords(endsAtMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((endsAtMs - nowMs) / 1000));
  if (seconds === 0) return 'ending now';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days} d ${hours} h left`;
  if (hours > 0) return `${hours} h ${minutes} min left`;
  if (minutes > 0) return `${minutes} min ${rest} s left`;
  return `${rest} s left`;
}

export function TimeLeft({ endsAt, testId }: { endsAt: string; testId?: string }) {
  const now = useNow(1_000);
  const endsAtMs = Date.parse(endsAt);
  return (
    <time dateTime={endsAt} data-testid={testId} data-ends-at={endsAt}>
      {timeLeftWords(endsAtMs, now)}
    </time>
  );
}

type Answer =
  { kind: 'leading' | 'outbid' | 'pending'; text: string } | { kind: 'refused'; text: string; code: string };

function answerOf(result: BidAnswer): Answer {
  const { bid } = result;
  if (bid.outcome === 'LEADING')
    return { kind: 'leading', text: `You are leading at ${showDogeText(bid.priceAfterBid ?? bid.maximum)}.` };
  if (bid.outcome === 'OUTBID')
    return {
      kind: 'outbid',
      text: `Outbid: another bidder's maximum is higher. The price is now ${showDogeText(bid.auctionPrice ?? bid.priceAfterBid ?? bid.maximum)}.`,
    };
  if (bid.outcome === 'PENDING')
    return {
      kind: 'pending',
      text: 'Your bid is still being placed. Bid again to ask for its answer, or see My bids in a minute.',
    };
  return { kind: 'refused', text: 'Your bid did not count.', code: bid.refusalCode ?? 'UNKNOWN' };
}

export function AuctionPage() {
  const { id = '' } = useParams();
  const { session } = useApp();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [maximum, setMaximum] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const bidIntent = useRef(newIntentKey());
  const buyIntent = useRef(newIntentKey());
  const previousEnd = useRef<string | null>(null);
  const [extended, setExtended] = useState(false);
  const auction = useQuery({
    queryKey: ['auction', id],
    queryFn: () => apiGet<Auction>(`/v1/auctions/${encodeURIComponent(id)}`),
  });
  const endsAt = auction.data?.endsAt ?? null;
  useEffect(() => {
    if (endsAt === null) return;
    if (previousEnd.current !== null && Date.parse(endsAt) > Date.parse(previousEnd.current))
      setExtended(true);
    previousEnd.current = endsAt;
  }, [endsAt]);
  const bid = useMutation({
    mutationFn: async (maximumKoinu: bigint) =>
      (
        await apiPost<BidAnswer>(
          `/v1/auctions/${encodeURIComponent(id)}/bids`,
          { maximum: dogeText(maximumKoinu) },
          bidIntent.current,
        )
      ).body,
    onSuccess: (result) => {
      // A bid still being placed keeps its key: bidding again asks for that bid's answer.
      if (result.bid.outcome !== 'PENDING') bidIntent.current = newIntentKey();
      client.setQueryData(['auction', id], result.auction);
      void client.invalidateQueries({ queryKey: ['bids'] });
      void client.invalidateQueries({ queryKey: ['balance'] });
      setAnswer(answerOf(result));
    },
    onError: (error) => {
      if (error instanceof ApiError)
        setAnswer({ kind: 'refused', text: 'Your bid was refused.', code: error.code });
      else setAnswer(null);
    },
  });
  const buyNow = useMutation({
    mutationFn: async () =>
      (await apiPost<Order>(`/v1/auctions/${encodeURIComponent(id)}/buy-now`, {}, buyIntent.current)).body,
    onSuccess: (order) => {
      buyIntent.current = newIntentKey();
      void client.invalidateQueries({ queryKey: ['orders'] });
      void navigate(`/orders#${order.id}`);
    },
  });
  const amount = readAmountInput(maximum);
  const [touched, setTouched] = useState(false);
  if (auction.isPending) return <Loading what="the auction" />;
  if (auction.isError) return <ErrorNote error={auction.error} retry={() => void auction.refetch()} />;
  const data = auction.data;
  const own = session?.userId === data.sellerId;
  const open = data.status === 'OPEN';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (amount.ok) bid.mutate(amount.koinu);
  };
  return (
    <>
      <h1>{data.title}</h1>
      <p>{data.description || 'The seller gave no description.'}</p>
      <dl className="facts">
        <dt>{data.price === null ? 'Starting price' : 'Current price'}</dt>
        <dd>
          <Doge value={data.price ?? data.startPrice} testId="auction-price" />
        </dd>
        {data.minimumBid ? (
          <>
            <dt>Minimum bid</dt>
            <dd>
              <Doge value={data.minimumBid} testId="auction-minimum-bid" />
            </dd>
          </>
        ) : null}
        <dt>{open ? 'Time left' : 'Ended'}</dt>
        <dd>
          {open ? (
            <TimeLeft endsAt={data.endsAt} testId="auction-time-left" />
          ) : (
            <span data-testid="auction-time-left">ended</span>
          )}
          {extended && open ? (
            <span className="badge" role="status">
              {' '}
              Extended by a late bid
            </span>
          ) : null}
        </dd>
        <dt>Bids</dt>
        <dd>{data.bidCount}</dd>
        <dt>Leader</dt>
        <dd data-testid="auction-leader">
          {data.leader
            ? data.leader.bidder === 'you'
              ? `You (your maximum ${showDogeText(data.leader.maximum ?? '0')})`
              : data.leader.bidder
            : 'No bids yet'}
        </dd>
        {data.reserve.hasReserve ? (
          <>
            <dt>Reserve</dt>
            <dd>{data.reserve.met ? 'Met' : 'Not met yet'}</dd>
          </>
        ) : null}
      </dl>
      {data.ending ? (
        <p data-testid="auction-ending" data-outcome={data.ending.outcome}>
          {data.ending.outcome === 'SOLD'
            ? `Sold to ${data.ending.winner} for ${showDogeText(data.ending.price)}.`
            : 'Ended without a sale.'}{' '}
          {data.orderId ? <Link to={`/orders#${data.orderId}`}>See the order</Link> : null}
        </p>
      ) : null}
      {open && !session ? (
        <p>
          <Link to="/login">Sign in</Link> to bid.
        </p>
      ) : null}
      {open && session && own ? <p>This is your auction.</p> : null}
      {open && session && !own ? (
        <form className="stack card" onSubmit={submit} noValidate>
          <label htmlFor="bid-maximum">Your maximum bid (DOGE)</label>
          <input
            id="bid-maximum"
            inputMode="decimal"
            autoComplete="off"
            value={maximum}
            onChange={(event) => setMaximum(event.target.value)}
            aria-invalid={touched && !amount.ok}
            aria-describedby="bid-maximum-help bid-maximum-problem"
          />
          <p id="bid-maximum-help" className="muted">
            We bid for you up to this maximum, only as much as needed to lead. The maximum is held from your
            available balance while you lead.
          </p>
          <p id="bid-maximum-problem" className="problem">
            {touched && !amount.ok ? amount.problem : ''}
          </p>
          <button type="submit" disabled={bid.isPending}>
            {bid.isPending ? 'Bidding…' : 'Place bid'}
          </button>
          <div role="status" aria-live="polite">
            {answer ? (
              <p
                data-testid="bid-answer"
                data-answer={answer.kind}
                className={`answer answer-${answer.kind}`}
              >
                {answer.text}
                {answer.kind === 'refused' ? ` ${errorSentence(answer.code)}` : ''}
              </p>
            ) : null}
          </div>
        </form>
      ) : null}
      {open && session && !own && data.buyNow ? (
        <div className="card">
          <p>
            Buy it now for <Doge value={data.buyNow} />.
          </p>
          <button
            type="button"
            onClick={() => buyNow.mutate()}
            disabled={buyNow.isPending || data.buyNowPending}
          >
            Buy Now
          </button>
          <ErrorNote error={buyNow.error} />
        </div>
      ) : null}
    </>
  );
}
