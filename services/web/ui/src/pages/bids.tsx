/** My bids and what became of each. */
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../lib/api.js';
import { errorSentence } from '../lib/error-sentences.js';
import type { Bid, BidOutcome } from '../lib/types.js';
import { Doge, Empty, ErrorNote, Loading } from '../components.js';

const OUTCOME_WORDS: Record<BidOutcome, string> = {
  PENDING: 'Being placed',
  LEADING: 'Leading',
  OUTBID: 'Outbid',
  REFUSED: 'Refused',
  WON: 'Won',
  LOST: 'Lost',
  SUPERSEDED: 'Replaced by your higher bid',
};

export function BidsPage() {
  const bids = useQuery({ queryKey: ['bids'], queryFn: () => apiGet<{ bids: Bid[] }>('/v1/bids?limit=100') });
  if (bids.isPending) return <Loading what="your bids" />;
  if (bids.isError) return <ErrorNote error={bids.error} retry={() => void bids.refetch()} />;
  return (
    <>
      <h1>My bids</h1>
      {bids.data.bids.length === 0 ? (
        <Empty>
          You have not bid yet. <Link to="/market">See the auctions</Link>.
        </Empty>
      ) : null}
      <ul className="rows">
        {bids.data.bids.map((bid) => (
          <li key={bid.id} className="row-item" data-testid="bid-row" data-outcome={bid.outcome}>
            <Link to={`/auctions/${bid.auctionId}`}>{bid.auctionTitle}</Link>
            <span>
              Your maximum <Doge value={bid.maximum} />
            </span>
            <span>{OUTCOME_WORDS[bid.outcome]}</span>
            {bid.refusalCode ? <span className="problem">{errorSentence(bid.refusalCode)}</span> : null}
            {bid.auctionPrice ? (
              <span>
                Price now <Doge value={bid.auctionPrice} />
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
