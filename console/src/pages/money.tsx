import { get, money } from '../api';
import { Card, ErrorBox } from '../components';
import { useLoad } from '../hooks';

const Verdict = ({ ok }: { ok: boolean }) => <span class={`badge ${ok ? 'ok' : 'bad'}`}>{ok ? 'consistent' : 'DRIFT'}</span>;

/** Reconciliation of balances against ledgers, and the accounting journal against the ledger (operators). */
export function MoneyPage() {
  const recon = useLoad(() => get('/v1/admin/reconciliation'), []);
  const accounting = useLoad(() => get('/v1/admin/accounting/check'), []);
  const r = recon.data;
  const a = accounting.data;
  return (
    <div>
      <h1>Money</h1>
      <Card title="Reconciliation: balances against their ledgers" testid="reconciliation">
        <ErrorBox error={recon.error} />
        {r && (
          <div>
            <p>
              <Verdict ok={r.ok} /> points {r.totalPoints} of {r.openingPoints} opened
            </p>
            <h2>Accounts that drift ({r.drifting.length})</h2>
            <table>
              <thead><tr><th>Account</th><th>Balance</th><th>Ledger</th><th>Frozen</th><th>Ledger</th><th>Points</th><th>Ledger</th></tr></thead>
              <tbody>
                {r.drifting.map((d: any) => (
                  <tr><td class="mono">{d.accountId}</td><td>{money(d.balance)}</td><td>{money(d.ledgerBalance)}</td><td>{money(d.frozen)}</td><td>{money(d.ledgerFrozen)}</td><td>{d.points}</td><td>{d.ledgerPoints}</td></tr>
                ))}
              </tbody>
            </table>
            <h2>Unbalanced movements ({r.unbalancedTxns.length}) · broken sequences ({r.brokenSequences.length})</h2>
            <ul>
              {r.unbalancedTxns.map((t: any) => (
                <li class="mono">{t.txnId}: Σ {money(t.sum)}, points {t.pointsSum}</li>
              ))}
              {r.brokenSequences.map((s: string) => (
                <li class="mono">{s}</li>
              ))}
            </ul>
          </div>
        )}
      </Card>
      <Card title="Accounting: the journal against the merchant ledgers" testid="accounting">
        <ErrorBox error={accounting.error} />
        {a && (
          <div>
            <p>
              <Verdict ok={a.ok} /> {a.pendingEvents} event(s) not yet journaled
            </p>
            <table>
              <thead><tr><th>Line</th><th>Journal sales</th><th>Ledger sales</th><th>Journal refunds</th><th>Ledger refunds</th><th>Merchant balance</th><th></th></tr></thead>
              <tbody>
                {a.lines.map((l: any) => (
                  <tr><td>{l.bizId}</td><td>{money(l.journalSales)}</td><td>{money(l.ledgerSales)}</td><td>{money(l.journalRefunds)}</td><td>{money(l.ledgerRefunds)}</td><td>{money(l.merchantBalance)}</td><td><Verdict ok={l.ok} /></td></tr>
                ))}
              </tbody>
            </table>
            {a.inconsistentDays.length > 0 && <p class="error">Days whose totals differ from their entries: {a.inconsistentDays.map((d: any) => `${d.bizId} ${d.businessDate}`).join(', ')}</p>}
          </div>
        )}
      </Card>
    </div>
  );
}
