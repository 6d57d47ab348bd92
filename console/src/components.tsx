import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import { ApiError } from './api';

Chart.register(...registerables);

export function ErrorBox({ error }: { error?: Error }) {
  if (!error) return null;
  return (
    <div class="error" role="alert" data-testid="error">
      {error instanceof ApiError ? error.describe() : error.message}
    </div>
  );
}

export function Card({ title, children, testid }: { title?: string; children: ComponentChildren; testid?: string }) {
  return (
    <section class="card" data-testid={testid}>
      {title && <h2 style="margin-top:0">{title}</h2>}
      {children}
    </section>
  );
}

/** A Chart.js chart that is rebuilt when its configuration changes. */
export function ChartView({ config, testid }: { config: ChartConfiguration; testid?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, { ...config, options: { maintainAspectRatio: false, animation: false, ...(config.options ?? {}) } });
    return () => chart.destroy();
  }, [JSON.stringify(config)]);
  return (
    <div class="chart" data-testid={testid}>
      <canvas ref={canvas} />
    </div>
  );
}

/**
 * A button for an action that changes something: it asks for confirmation, runs it through
 * the API and shows the API's refusal, if any.
 */
export function ActionButton(props: { label: string; confirm: string; run: () => Promise<unknown>; done: () => void; danger?: boolean; testid?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const click = async () => {
    if (!window.confirm(props.confirm)) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.run();
      props.done();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <button class={props.danger ? 'danger' : 'primary'} disabled={busy} onClick={click} data-testid={props.testid}>
        {busy ? '…' : props.label}
      </button>
      {error && (
        <span class="error" style="display:inline-block;margin:0 0 0 8px;padding:3px 8px" role="alert" data-testid="action-error">
          {error instanceof ApiError ? error.describe() : error.message}
        </span>
      )}
    </span>
  );
}

export const Badge = ({ value, good, bad }: { value: string; good?: string[]; bad?: string[] }) => (
  <span class={`badge ${good?.includes(value) ? 'ok' : bad?.includes(value) ? 'bad' : ''}`}>{value}</span>
);
