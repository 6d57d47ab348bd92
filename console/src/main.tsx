import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, session } from './api';
import { ErrorBox } from './components';
import { useRoute } from './hooks';
import { DashboardPage } from './pages/dashboard';
import { FlashSalesPage } from './pages/flash-sales';
import { LinesPage } from './pages/lines';
import { MoneyPage } from './pages/money';
import { OrderPage } from './pages/order';
import { OrdersPage } from './pages/orders';

export interface Me {
  keyId: string;
  role: 'operator' | 'business';
  bizIds: string[] | null;
}

const NAV = [
  ['dashboard', 'Dashboard'],
  ['orders', 'Orders'],
  ['lines', 'Business lines'],
  ['flash-sales', 'Flash sales'],
  ['money', 'Money'],
] as const;

function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<Error>();
  const submit = async (e: Event) => {
    e.preventDefault();
    session.signIn(key.trim());
    try {
      onSignedIn(await get<Me>('/v1/me'));
    } catch (err) {
      session.signOut();
      setError(err as Error);
    }
  };
  return (
    <div class="card signin">
      <h1>Operators' console</h1>
      <p class="muted">Sign in with an API key. An operator key sees every business line; a business key only its own.</p>
      <ErrorBox error={error} />
      <form onSubmit={submit}>
        <label>
          API key
          <input type="password" name="apiKey" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} autoFocus />
        </label>
        <p>
          <button class="primary" type="submit">Sign in</button>
        </p>
      </form>
    </div>
  );
}

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(Boolean(session.key()));
  const route = useRoute();
  useEffect(() => {
    if (!session.key()) return;
    get<Me>('/v1/me').then(setMe, (err) => {
      if (err instanceof ApiError && err.status === 401) session.signOut();
    }).finally(() => setChecking(false));
  }, []);
  if (checking) return <p>Checking the key…</p>;
  if (!me) return <SignIn onSignedIn={setMe} />;
  const [page = 'dashboard', id] = route.path;
  return (
    <div>
      <header>
        <b>Order platform · Console</b>
        <nav>
          {NAV.map(([p, label]) => (
            <a href={`#/${p}`} class={page === p ? 'active' : ''}>
              {label}
            </a>
          ))}
          <a href="/console/api-docs/" target="_blank" rel="noopener">
            API reference
          </a>
        </nav>
        <span class="who" data-testid="who">
          {me.keyId} · {me.role}
          {me.bizIds ? ` (${me.bizIds.join(', ')})` : ''}
          <button
            onClick={() => {
              session.signOut();
              setMe(null);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <main>
        {page === 'dashboard' && <DashboardPage me={me} query={route.query} />}
        {page === 'orders' && !id && <OrdersPage query={route.query} />}
        {page === 'orders' && id && <OrderPage orderId={id} />}
        {page === 'lines' && <LinesPage />}
        {page === 'flash-sales' && <FlashSalesPage campaignId={id} />}
        {page === 'money' && <MoneyPage />}
      </main>
    </div>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the "loading" placeholder
render(<App />, root);
