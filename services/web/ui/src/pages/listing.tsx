/** One item and its Buy Now button. */
import { useRef } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPost, newIntentKey } from '../lib/api.js';
import type { Listing, Order } from '../lib/types.js';
import { useApp } from '../app.js';
import { Doge, ErrorNote, Loading } from '../components.js';

export function ListingPage() {
  const { id = '' } = useParams();
  const { session } = useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const intent = useRef(newIntentKey());
  const listing = useQuery({
    queryKey: ['listing', id],
    queryFn: () => apiGet<Listing>(`/v1/listings/${encodeURIComponent(id)}`),
  });
  const buy = useMutation({
    mutationFn: async () => (await apiPost<Order>('/v1/orders', { listingId: id }, intent.current)).body,
    onSuccess: (order) => {
      intent.current = newIntentKey();
      void client.invalidateQueries({ queryKey: ['orders'] });
      void client.invalidateQueries({ queryKey: ['balance'] });
      void navigate(`/orders#${order.id}`);
    },
  });
  if (listing.isPending) return <Loading what="the item" />;
  if (listing.isError) return <ErrorNote error={listing.error} retry={() => void listing.refetch()} />;
  const item = listing.data;
  const own = session?.userId === item.sellerId;
  return (
    <>
      <h1>{item.title}</h1>
      <p className="price">
        <Doge value={item.price} testId="listing-price" />
      </p>
      <p>{item.description || 'The seller gave no description.'}</p>
      <p className="muted">
        Ships within {item.shippingDays} days. Your payment is held in escrow until you confirm receipt.
      </p>
      {item.status !== 'OPEN' ? <p>This item is not on sale ({item.status.toLowerCase()}).</p> : null}
      {!session ? (
        <p>
          <Link to="/login">Sign in</Link> to buy.
        </p>
      ) : own ? (
        <p>This is your item.</p>
      ) : (
        <button type="button" onClick={() => buy.mutate()} disabled={buy.isPending}>
          {buy.isPending ? 'Buying…' : 'Buy Now'}
        </button>
      )}
      <ErrorNote error={buy.error} />
    </>
  );
}
