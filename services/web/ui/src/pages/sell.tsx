/**
 * Sell: list an item at a fixed price (POST /v1/listings) or open an auction (POST /v1/auctions). Each
 * form checks its fields as the order service does (amounts with @dbay/money, days and minutes as
 * whole numbers in the API's ranges), shows the service's refusal as a sentence, and on success opens
 * the new item's page. One Idempotency-Key per intent, renewed when the form changes.
 */
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiPost, newIntentKey } from '../lib/api.js';
import { readWholeNumber } from '../lib/fields.js';
import { dogeText, readAmountInput, type AmountInput } from '../lib/money.js';
import type { Auction, Listing } from '../lib/types.js';
import { ErrorNote } from '../components.js';

/** The order service's ranges (services/order/src/entrypoints/http: listing and auction bodies). */
const SHIPPING_DAYS = { min: 1, max: 60, fallback: '14' } as const;
const DURATION_MINUTES = { min: 1, max: 60 * 24 * 60, fallback: '60' } as const;
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 5_000;

function titleProblem(title: string): string | null {
  if (title.trim() === '') return 'Give the item a title.';
  if (title.trim().length > TITLE_MAX) return `Keep the title under ${TITLE_MAX} characters.`;
  return null;
}

/** An optional amount: empty is fine (null), anything else must be a valid amount. */
function readOptionalAmount(text: string): AmountInput | null {
  return text.trim() === '' ? null : readAmountInput(text);
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  problem: string | null;
  shown: boolean;
  inputMode?: 'decimal' | 'numeric';
  multiline?: boolean;
  maxLength?: number;
  hint?: ReactNode;
}

function Field({
  id,
  label,
  value,
  onChange,
  problem,
  shown,
  inputMode,
  multiline,
  maxLength,
  hint,
}: FieldProps) {
  const invalid = shown && problem !== null;
  const describedBy = `${id}-problem${hint ? ` ${id}-hint` : ''}`;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          value={value}
          maxLength={maxLength}
          onChange={(event) => onChange(event.target.value)}
          aria-describedby={describedBy}
        />
      ) : (
        <input
          id={id}
          value={value}
          inputMode={inputMode}
          autoComplete="off"
          maxLength={maxLength}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        />
      )}
      {hint ? (
        <p id={`${id}-hint`} className="muted">
          {hint}
        </p>
      ) : null}
      <p id={`${id}-problem`} className="problem" role={invalid ? 'alert' : undefined}>
        {invalid ? problem : ''}
      </p>
    </>
  );
}

/** The state every sell form shares: its fields, whether to show problems, and its intent key. */
function useSellForm<Fields extends Record<string, string>>(initial: Fields) {
  const [fields, setFields] = useState(initial);
  const [touched, setTouched] = useState(false);
  const intent = useRef(newIntentKey());
  const set = (name: keyof Fields) => (value: string) => {
    setFields((current) => ({ ...current, [name]: value }));
    intent.current = newIntentKey();
  };
  return { fields, set, touched, setTouched, intent };
}

function ListingForm() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const form = useSellForm({ title: '', description: '', price: '', shippingDays: SHIPPING_DAYS.fallback });
  const { fields } = form;
  const price = readAmountInput(fields.price);
  const days = readWholeNumber(fields.shippingDays, SHIPPING_DAYS.min, SHIPPING_DAYS.max, 'days');
  const problems = {
    title: titleProblem(fields.title),
    price: price.ok ? null : price.problem,
    shippingDays: days.ok ? null : days.problem,
  };
  const list = useMutation({
    mutationFn: async (body: object) =>
      (await apiPost<Listing>('/v1/listings', body, form.intent.current)).body,
    onSuccess: (listing) => {
      form.intent.current = newIntentKey();
      void client.invalidateQueries({ queryKey: ['listings'] });
      void navigate(`/listings/${listing.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.setTouched(true);
    if (!price.ok || !days.ok || problems.title !== null) return;
    list.mutate({
      title: fields.title.trim(),
      description: fields.description.trim(),
      price: dogeText(price.koinu),
      shippingDays: days.value,
    });
  };
  return (
    <section className="card" aria-labelledby="sell-fixed-title">
      <h2 id="sell-fixed-title">Sell at a fixed price</h2>
      <form className="stack" aria-labelledby="sell-fixed-title" onSubmit={submit} noValidate>
        <Field
          id="listing-title"
          label="Title"
          value={fields.title}
          onChange={form.set('title')}
          problem={problems.title}
          shown={form.touched}
          maxLength={TITLE_MAX}
        />
        <Field
          id="listing-description"
          label="Description (optional)"
          value={fields.description}
          onChange={form.set('description')}
          problem={null}
          shown={form.touched}
          multiline
          maxLength={DESCRIPTION_MAX}
        />
        <Field
          id="listing-price"
          label="Price (DOGE)"
          value={fields.price}
          onChange={form.set('price')}
          problem={problems.price}
          shown={form.touched}
          inputMode="decimal"
          hint="The first buyer pays this at once; it is held in escrow until they confirm receipt."
        />
        <Field
          id="listing-shipping-days"
          label="Ships within (days)"
          value={fields.shippingDays}
          onChange={form.set('shippingDays')}
          problem={problems.shippingDays}
          shown={form.touched}
          inputMode="numeric"
        />
        <button type="submit" disabled={list.isPending}>
          {list.isPending ? 'Listing…' : 'List the item'}
        </button>
        <ErrorNote error={list.error} />
      </form>
    </section>
  );
}

function AuctionForm() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const form = useSellForm({
    title: '',
    description: '',
    startPrice: '',
    reserve: '',
    buyNow: '',
    durationMinutes: DURATION_MINUTES.fallback,
    shippingDays: SHIPPING_DAYS.fallback,
  });
  const { fields } = form;
  const startPrice = readAmountInput(fields.startPrice);
  const reserve = readOptionalAmount(fields.reserve);
  const buyNow = readOptionalAmount(fields.buyNow);
  const minutes = readWholeNumber(
    fields.durationMinutes,
    DURATION_MINUTES.min,
    DURATION_MINUTES.max,
    'minutes',
  );
  const days = readWholeNumber(fields.shippingDays, SHIPPING_DAYS.min, SHIPPING_DAYS.max, 'days');
  const problems = {
    title: titleProblem(fields.title),
    startPrice: startPrice.ok ? null : startPrice.problem,
    reserve: reserve && !reserve.ok ? reserve.problem : null,
    buyNow: buyNow && !buyNow.ok ? buyNow.problem : null,
    durationMinutes: minutes.ok ? null : minutes.problem,
    shippingDays: days.ok ? null : days.problem,
  };
  const openAuction = useMutation({
    mutationFn: async (body: object) =>
      (await apiPost<Auction>('/v1/auctions', body, form.intent.current)).body,
    onSuccess: (auction) => {
      form.intent.current = newIntentKey();
      void client.invalidateQueries({ queryKey: ['auctions'] });
      void navigate(`/auctions/${auction.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.setTouched(true);
    if (Object.values(problems).some((problem) => problem !== null)) return;
    if (!startPrice.ok || !minutes.ok || !days.ok) return;
    openAuction.mutate({
      title: fields.title.trim(),
      description: fields.description.trim(),
      startPrice: dogeText(startPrice.koinu),
      ...(reserve?.ok ? { reserve: dogeText(reserve.koinu) } : {}),
      ...(buyNow?.ok ? { buyNow: dogeText(buyNow.koinu) } : {}),
      durationMinutes: minutes.value,
      shippingDays: days.value,
    });
  };
  return (
    <section className="card" aria-labelledby="sell-auction-title">
      <h2 id="sell-auction-title">Open an auction</h2>
      <form className="stack" aria-labelledby="sell-auction-title" onSubmit={submit} noValidate>
        <Field
          id="auction-title"
          label="Title"
          value={fields.title}
          onChange={form.set('title')}
          problem={problems.title}
          shown={form.touched}
          maxLength={TITLE_MAX}
        />
        <Field
          id="auction-description"
          label="Description (optional)"
          value={fields.description}
          onChange={form.set('description')}
          problem={null}
          shown={form.touched}
          multiline
          maxLength={DESCRIPTION_MAX}
        />
        <Field
          id="auction-start-price"
          label="Starting price (DOGE)"
          value={fields.startPrice}
          onChange={form.set('startPrice')}
          problem={problems.startPrice}
          shown={form.touched}
          inputMode="decimal"
        />
        <Field
          id="auction-reserve"
          label="Reserve price (optional, DOGE)"
          value={fields.reserve}
          onChange={form.set('reserve')}
          problem={problems.reserve}
          shown={form.touched}
          inputMode="decimal"
          hint="Below this price the item is not sold. Bidders see only whether it is met."
        />
        <Field
          id="auction-buy-now"
          label="Buy Now price (optional, DOGE)"
          value={fields.buyNow}
          onChange={form.set('buyNow')}
          problem={problems.buyNow}
          shown={form.touched}
          inputMode="decimal"
        />
        <Field
          id="auction-duration"
          label="Duration (minutes)"
          value={fields.durationMinutes}
          onChange={form.set('durationMinutes')}
          problem={problems.durationMinutes}
          shown={form.touched}
          inputMode="numeric"
          hint="A bid in the last minutes moves the end later, so nobody wins by bidding at the last second."
        />
        <Field
          id="auction-shipping-days"
          label="Ships within (days)"
          value={fields.shippingDays}
          onChange={form.set('shippingDays')}
          problem={problems.shippingDays}
          shown={form.touched}
          inputMode="numeric"
        />
        <button type="submit" disabled={openAuction.isPending}>
          {openAuction.isPending ? 'Opening…' : 'Open the auction'}
        </button>
        <ErrorNote error={openAuction.error} />
      </form>
    </section>
  );
}

export function SellPage() {
  return (
    <>
      <h1>Sell</h1>
      <p className="muted">
        Buyers pay into escrow; you are paid, minus the platform&apos;s fee, when the buyer confirms receipt.
      </p>
      <ListingForm />
      <AuctionForm />
    </>
  );
}
