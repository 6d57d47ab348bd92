import { get } from '../api';
import { Card, ErrorBox } from '../components';
import { useLoad } from '../hooks';
import type { capabilityMap } from '../../../platform/capabilities';

type Capability = ReturnType<typeof capabilityMap>[number];

/** Each business identity's rules, configuration and flows, and the capability map from the live registry. */
export function LinesPage() {
  const data = useLoad(
    () => Promise.all([get('/v1/identities'), get('/v1/identities/rules'), get<{ capabilities: Capability[] }>('/v1/capabilities')]),
    [],
  );
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <p>Loading…</p>;
  const [identities, rules, caps] = data.data;
  return (
    <div>
      <h1>Business lines</h1>
      <Card title="Identity rules (the first match wins)" testid="identity-rules">
        <table>
          <thead><tr><th>#</th><th>Rule</th><th>Matches</th><th>Identity</th></tr></thead>
          <tbody>
            {rules.rules.map((r: any, i: number) => {
              const { name, identity, ...match } = r;
              return (
                <tr>
                  <td>{i + 1}</td>
                  <td>{name}</td>
                  <td class="mono">{JSON.stringify(match)}</td>
                  <td>
                    {identity.bizId} · {identity.scenario}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Card>
      <Card title="Configuration" testid="identity-config">
        <table>
          <thead><tr><th>Identity</th><th>Description</th><th>Configuration</th></tr></thead>
          <tbody>
            {identities.identities.map((i: any) => (
              <tr>
                <td>
                  <b>{i.bizId}</b> · {i.scenario}
                </td>
                <td>{i.description}</td>
                <td class="mono">
                  {Object.entries(i.config ?? {}).map(([k, v]) => (
                    <span class="badge">
                      {k}: {JSON.stringify(v)}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Capability map: use case × identity → flow steps and the extension class each resolves to" testid="capability-map">
        {caps.capabilities.map((c) => (
          <div data-testid={`capabilities-${c.bizId}-${c.scenario}`}>
            <h2>
              {c.bizId} · {c.scenario}
            </h2>
            <table>
              <thead><tr><th style="width:160px">Use case</th><th style="width:170px">Flow</th><th>Steps → extension (compensation)</th></tr></thead>
              <tbody>
                {c.useCases.map((u) => (
                  <tr>
                    <td>{u.useCase}</td>
                    <td class="mono">{u.flow ?? '—'}</td>
                    <td>
                      {u.steps.map((s, i) => (
                        <span>
                          {i > 0 && ' → '}
                          <b>{s.ability}</b> <span class="ext">{s.extension}</span>
                          {s.compensation && <span style="color:var(--comp)"> (↶ {s.compensation.ability} <span class="ext">{s.compensation.extension}</span>)</span>}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </Card>
    </div>
  );
}
