/** Open listings and auctions (no sign-in needed to look). */
import { Link } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiGet } from '../lib/api.js';
import type { Auction, Listing } from '../lib/types.js';
import { Doge, Empty, ErrorNote, Loading } from '../components.js';
import { TimeLeft } from './auction.js';

type Paged<K extends string, T> = Record<K, T[]> & { nextCursor: string | null };

const pagePath = (path: string, cursor: string | null) =>
  `${path}?limit=20${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;

export function MarketPage() {
  const listings = useInfiniteQuery({
    queryKey: ['listings'],
    queryFn: ({ pageParam }) => apiGet<Paged<'listings', Listing>>(pagePath('/v1/listings', pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const auctions = useInfiniteQuery({
    queryKey: ['auctions'],
    queryFn: ({ pageParam }) => apiGet<Paged<'auctions', Auction>>(pagePath('/v1/auctions', pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const listingItems = listings.data?.pages.flatMap((page) => page.listings) ?? [];
  const auctionItems = auctions.data?.pages.flatMap((page) => page.auctions) ?? [];
  return (
    <>
      <h1>Market</h1>
      <section aria-labelledby="listings-title" className="card">
        <h2 id="listings-title">Buy now</h2>
        {listings.isPending ? <Loading what="items" /> : null}
        <ErrorNote error={listings.error} retry={() => void listings.refetch()} />
        {listings.isSuccess && listingItems.length === 0 ? (
          <Empty>Nothing is for sale right now.</Empty>
        ) : null}
        <ul className="rows">
          {listingItems.map((listing) => (
            <li key={listing.id} className="row-item" data-testid="listing-row">
              <Link to={`/listings/${listing.id}`}>{listing.title}</Link>
              <Doge value={listing.price} />
            </li>
          ))}
        </ul>
        {listings.hasNextPage ? (
          <button
            type="button"
            onClick={() => void listings.fetchNextPage()}
            disabled={listings.isFetchingNextPage}
          >
            More items
          </button>
        ) : null}
      </section>
      <section aria-labelledby="auctions-title" className="card">
        <h2 id="auctions-title">Auctions</h2>
        {auctions.isPending ? <Loading what="auctions" /> : null}
        <ErrorNote error={auctions.error} retry={() => void auctions.refetch()} />
        {auctions.isSuccess && auctionItems.length === 0 ? (
          <Empty>No auctions are open right now.</Empty>
        ) : null}
        <ul className="rows">
          {auctionItems.map((auction) => (
            <li key={auction.id} className="row-item" data-testid="auction-row">
              <Link to={`/auctions/${auction.id}`}>{auction.title}</Link>
              <Doge value={auction.price ?? auction.startPrice} />
              <span>
                {auction.bidCount} bids · <TimeLeft endsAt={auction.endsAt} />
              </span>
            </li>
          ))}
        </ul>
        {auctions.hasNextPage ? (
          <button
            type="button"
            onClick={() => void auctions.fetchNextPage()}
            disabled={auctions.isFetchingNextPage}
          >
            More auctions
          </button>
        ) : null}
      </section>
    </>
  );
}
