/** My orders, as buyer or as seller, with what each side can do now: ship, cancel, confirm receipt, dispute. */
import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPost, newIntentKey } from '../lib/api.js';
import type { Order, OrderStatus } from '../lib/types.js';
import { Doge, Empty, ErrorNote, Loading, When } from '../components.js';

const STATUS_WORDS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: 'Waiting for the payment to be confirmed',
  PAYMENT_FAILED: 'Payment failed: nothing was bought',
  PAID: 'Paid: waiting for the seller to ship',
  SHIPPED: 'Shipped: waiting for the buyer to confirm receipt',
  DISPUTED: 'In dispute: an operator will decide',
  RELEASING: 'Paying the seller',
  REFUNDING: 'Refunding the buyer',
  SPLITTING: 'Splitting the payment',
  COMPLETED: 'Completed: the seller was paid',
  REFUNDED: 'Refunded to the buyer',
  SPLIT: 'Split between buyer and seller',
};

type Role = 'buyer' | 'seller';

export function OrdersPage() {
  const [role, setRole] = useState<Role>('buyer');
  const orders = useInfiniteQuery({
    queryKey: ['orders', role],
    queryFn: ({ pageParam }) =>
      apiGet<{ orders: Order[]; nextCursor: string | null }>(
        `/v1/orders?role=${role}&limit=20${pageParam === null ? '' : `&cursor=${encodeURIComponent(pageParam)}`}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = orders.data?.pages.flatMap((page) => page.orders) ?? [];
  return (
    <>
      <h1>My orders</h1>
      <div className="row" role="group" aria-label="Show orders where I am">
        <button type="button" aria-pressed={role === 'buyer'} onClick={() => setRole('buyer')}>
          Bought
        </button>
        <button type="button" aria-pressed={role === 'seller'} onClick={() => setRole('seller')}>
          Sold
        </button>
      </div>
      {orders.isPending ? <Loading what="your orders" /> : null}
      <ErrorNote error={orders.error} retry={() => void orders.refetch()} />
      {orders.isSuccess && items.length === 0 ? (
        <Empty>
          {role === 'buyer' ? 'You have not bought anything yet.' : 'You have not sold anything yet.'}{' '}
          <Link to="/market">Go to the market</Link>.
        </Empty>
      ) : null}
      <ul className="rows">
        {items.map((order) => (
          <OrderRow key={order.id} order={order} role={role} />
        ))}
      </ul>
      {orders.hasNextPage ? (
        <button
          type="button"
          onClick={() => void orders.fetchNextPage()}
          disabled={orders.isFetchingNextPage}
        >
          More orders
        </button>
      ) : null}
    </>
  );
}

function useOrderAction(order: Order, path: string) {
  const client = useQueryClient();
  const intent = useRef(newIntentKey());
  return useMutation({
    mutationFn: async (body: object) =>
      (await apiPost<Order>(`/v1/orders/${order.id}/${path}`, body, intent.current)).body,
    onSuccess: () => {
      intent.current = newIntentKey();
      void client.invalidateQueries({ queryKey: ['orders'] });
      void client.invalidateQueries({ queryKey: ['balance'] });
    },
  });
}

function OrderRow({ order, role }: { order: Order; role: Role }) {
  const ship = useOrderAction(order, 'ship');
  const cancel = useOrderAction(order, 'cancel');
  const confirm = useOrderAction(order, 'confirm-receipt');
  const dispute = useOrderAction(order, 'dispute');
  const [tracking, setTracking] = useState('');
  const [reason, setReason] = useState('');
  const busy = ship.isPending || cancel.isPending || confirm.isPending || dispute.isPending;
  const error = ship.error ?? cancel.error ?? confirm.error ?? dispute.error;
  const seller = role === 'seller';
  const canDispute = !seller && (order.status === 'PAID' || order.status === 'SHIPPED');
  const submitDispute = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() !== '') dispute.mutate({ reason: reason.trim() });
  };
  return (
    <li
      id={order.id}
      className="row-item order"
      data-testid="order-row"
      data-status={order.status}
      data-order-id={order.id}
    >
      <strong>{order.title}</strong>
      <span>
        <Doge value={order.amount} />
        {seller ? (
          <>
            {' '}
            (you receive <Doge value={order.sellerReceives} /> after the <Doge value={order.fee} /> fee)
          </>
        ) : null}
      </span>
      <span>{STATUS_WORDS[order.status]}</span>
      {order.failure ? <span className="problem">{order.failure.reason ?? order.failure.code}</span> : null}
      {order.trackingNote ? <span>Tracking: {order.trackingNote}</span> : null}
      {order.deadlines.map((deadline) => (
        <span key={deadline.kind} className="muted">
          {deadline.kind === 'SHIPPING_DEADLINE'
            ? 'Must ship by '
            : deadline.kind === 'AUTO_RELEASE'
              ? 'Paid to the seller automatically on '
              : 'Refunded automatically on '}
          <When iso={deadline.dueAt} />
        </span>
      ))}
      {seller && order.status === 'PAID' ? (
        <div className="row">
          <label htmlFor={`tracking-${order.id}`}>Tracking note (optional)</label>
          <input
            id={`tracking-${order.id}`}
            value={tracking}
            maxLength={500}
            onChange={(event) => setTracking(event.target.value)}
          />
          <button
            type="button"
            disabled={busy}
            onClick={() => ship.mutate({ trackingNote: tracking.trim() || null })}
          >
            Mark as shipped
          </button>
          <button type="button" disabled={busy} onClick={() => cancel.mutate({})}>
            Cancel and refund
          </button>
        </div>
      ) : null}
      {!seller && order.status === 'SHIPPED' ? (
        <button type="button" disabled={busy} onClick={() => confirm.mutate({})}>
          Confirm receipt
        </button>
      ) : null}
      {canDispute ? (
        <details>
          <summary>Open a dispute</summary>
          <form onSubmit={submitDispute} className="stack">
            <label htmlFor={`dispute-${order.id}`}>What went wrong?</label>
            <textarea
              id={`dispute-${order.id}`}
              value={reason}
              maxLength={2000}
              required
              onChange={(event) => setReason(event.target.value)}
            />
            <button type="submit" disabled={busy}>
              Open dispute
            </button>
          </form>
        </details>
      ) : null}
      <ErrorNote error={error} />
    </li>
  );
}
