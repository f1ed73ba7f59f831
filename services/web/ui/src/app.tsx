/**
 * The application shell: the deployment's config (GET /config.json), the session, the live stream of
 * nudges (with polling every 5 s while it is down), the navigation, and the routes (hash routes, so
 * the server serves one index.html).
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { HashRouter, NavLink, Navigate, Route, Routes, useNavigate } from 'react-router';
import { EventSource } from 'eventsource';
import { apiGet, onSignedOut } from './lib/api.js';
import { clearSession, readSession, saveSession, type Session } from './lib/session.js';
import { eventId, LIVE_EVENT_TYPES, staleKeysFor } from './lib/live-events.js';
import type { WebConfig } from './lib/types.js';
import { ErrorNote, Loading } from './components.js';
import { LoginPage } from './pages/login.js';
import { WalletPage } from './pages/wallet.js';
import { WithdrawPage } from './pages/withdraw.js';
import { WithdrawalPage } from './pages/withdrawal.js';
import { LedgerPage } from './pages/ledger.js';
import { MarketPage } from './pages/market.js';
import { ListingPage } from './pages/listing.js';
import { AuctionPage } from './pages/auction.js';
import { OrdersPage } from './pages/orders.js';
import { BidsPage } from './pages/bids.js';
import { SellPage } from './pages/sell.js';

/** How often the pages poll while the live stream is down. */
export const POLL_WHILE_OFFLINE_MS = 5_000;

/**
 * A nudge comes from the same Kafka event the owning service consumes, so it can reach the page before
 * that service has applied it (a deposit's new confirmation count, say): a refetch at once could read
 * the old state, and no second nudge would follow. Each nudge therefore refetches at once and again
 * after each of these delays.
 */
export const REFETCH_AFTER_NUDGE_MS = [1_000, 3_000] as const;

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 2_000 } },
});

interface AppState {
  config: WebConfig;
  session: Session | null;
  signIn: (session: Session) => void;
  signOut: () => void;
}

const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside <App>');
  return state;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <HashRouter>
        <ConfigGate />
      </HashRouter>
    </QueryClientProvider>
  );
}

function ConfigGate() {
  const config = useQuery({ queryKey: ['config'], queryFn: () => apiGet<WebConfig>('/config.json') });
  if (config.isPending) return <Loading what="DBay" />;
  if (config.isError)
    return (
      <main className="page">
        <h1>DBay</h1>
        <ErrorNote error={config.error} retry={() => void config.refetch()} />
      </main>
    );
  return <Shell config={config.data} />;
}

type LiveState = 'live' | 'reconnecting' | 'off';

function useLiveEvents(session: Session | null): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('off');
  useEffect(() => {
    if (!session) {
      setState('off');
      return;
    }
    setState('reconnecting');
    const source = new EventSource('/v1/events', {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${session.token}` } }),
    });
    source.addEventListener('open', () => setState('live'));
    source.addEventListener('ready', () => setState('live'));
    source.addEventListener('error', () => setState('reconnecting'));
    const timers = new Set<ReturnType<typeof setTimeout>>();
    for (const type of LIVE_EVENT_TYPES)
      source.addEventListener(type, (event) => {
        const keys = staleKeysFor(type, eventId(String(event.data)));
        const refetch = () => {
          for (const queryKey of keys) void client.invalidateQueries({ queryKey });
        };
        refetch();
        for (const delayMs of REFETCH_AFTER_NUDGE_MS) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            refetch();
          }, delayMs);
          timers.add(timer);
        }
      });
    return () => {
      source.close();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [session, client]);
  useEffect(() => {
    if (state !== 'reconnecting') return;
    const timer = setInterval(() => void client.invalidateQueries(), POLL_WHILE_OFFLINE_MS);
    return () => clearInterval(timer);
  }, [state, client]);
  return state;
}

function LiveIndicator({ state }: { state: LiveState }) {
  if (state === 'off') return null;
  return (
    <span className={`live live-${state}`} data-testid="live-indicator" data-state={state} role="status">
      {state === 'live' ? 'Live' : 'Reconnecting… (checking every 5 s meanwhile)'}
    </span>
  );
}

function Shell({ config }: { config: WebConfig }) {
  const [session, setSession] = useState<Session | null>(readSession);
  const client = useQueryClient();
  const navigate = useNavigate();
  const state: AppState = {
    config,
    session,
    signIn: (next) => {
      saveSession(next);
      client.clear();
      setSession(next);
    },
    signOut: () => {
      clearSession();
      client.clear();
      setSession(null);
    },
  };
  useEffect(
    () =>
      onSignedOut(() => {
        clearSession();
        setSession(null);
        void navigate('/login');
      }),
    [navigate],
  );
  const live = useLiveEvents(session);
  return (
    <AppContext.Provider value={state}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">DBay</span>
        <nav aria-label="Main">
          <NavLink to="/wallet">Wallet</NavLink>
          <NavLink to="/market">Market</NavLink>
          {session ? <NavLink to="/orders">My orders</NavLink> : null}
          {session ? <NavLink to="/bids">My bids</NavLink> : null}
          {session ? <NavLink to="/sell">Sell</NavLink> : null}
        </nav>
        <span className="who">
          <LiveIndicator state={live} />
          {config.network !== 'mainnet' ? <span className="badge">{config.network}</span> : null}
          {session ? (
            <>
              <span>Signed in as {session.name}</span>
              <button type="button" onClick={state.signOut}>
                Sign out
              </button>
            </>
          ) : (
            <NavLink to="/login">Sign in</NavLink>
          )}
        </span>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Navigate to={session ? '/wallet' : '/market'} replace />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/wallet" element={<SignedIn page={<WalletPage />} />} />
          <Route path="/wallet/withdraw" element={<SignedIn page={<WithdrawPage />} />} />
          <Route path="/wallet/withdrawals/:id" element={<SignedIn page={<WithdrawalPage />} />} />
          <Route path="/wallet/ledger" element={<SignedIn page={<LedgerPage />} />} />
          <Route path="/market" element={<MarketPage />} />
          <Route path="/listings/:id" element={<ListingPage />} />
          <Route path="/auctions/:id" element={<AuctionPage />} />
          <Route path="/orders" element={<SignedIn page={<OrdersPage />} />} />
          <Route path="/bids" element={<SignedIn page={<BidsPage />} />} />
          <Route path="/sell" element={<SignedIn page={<SellPage />} />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </AppContext.Provider>
  );
}

function SignedIn({ page }: { page: ReactNode }) {
  const { session } = useApp();
  return session ? page : <Navigate to="/login" replace />;
}

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing here. Go to your <NavLink to="/wallet">wallet</NavLink> or the{' '}
        <NavLink to="/market">market</NavLink>.
      </p>
    </>
  );
}
