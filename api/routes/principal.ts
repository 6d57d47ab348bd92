import { Router } from 'express';
import { principalOf } from '../auth';
import type { AppDeps } from '../deps';

/** Who the caller is and how identities are resolved: what a console shows after sign-in. */
export function principalRoutes({ config }: AppDeps): Router {
  const r = Router();

  r.get('/v1/me', (req, res) => {
    const p = principalOf(req);
    res.json({ keyId: p.keyId, role: p.role, bizIds: p.role === 'operator' ? null : p.bizIds });
  });

  r.get('/v1/identities/rules', (_req, res) => {
    res.json({ rules: config.identities.rules() });
  });

  return r;
}
