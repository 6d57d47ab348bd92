import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { campaignView, upsertCampaign, type Campaign } from '../../platform/flash-sale/campaigns';
import { FlashSaleHotPath, type FlashSaleAttempts } from '../../platform/flash-sale/hot-path';
import { orderTemplate } from '../../platform/flash-sale/reserve';
import { WorkflowStartRelay } from '../../platform/flash-sale/workflow-starts';
import { AppError, badRequest, businessRule, notFound } from '../../platform/errors/app-error';
import { createLogger } from '../../platform/logger';
import { assertTenant, principalOf, requireOperator } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas';
import { parse } from '../validate';

const ORDERS_ROUTE = 'POST /v1/flash-sales/{campaignId}/orders';

/**
 * Flash sales: the operator's campaign set-up, the campaign view, and the hot path
 * (platform/flash-sale/hot-path.ts). Winners' workflows are started after their order
 * committed, by the relay this server runs (and by any later update to the order).
 */
export function flashSaleRoutes(deps: AppDeps): Router {
  const { db, config, orders, temporal } = deps;
  const log = createLogger('flash-sale');
  const r = Router();

  const templateOf = (c: Campaign) => orderTemplate(config, c);
  // No starts while a burst is being served (up to 5 s), then two at a time while it lasts,
  // eight once it is over: admission matters more than starting workflows (the orders are
  // durable and payable meanwhile; an update starts its workflow itself).
  let hotPath: FlashSaleAttempts | undefined;
  const relay = new WorkflowStartRelay(
    db,
    (input) => orders.start(input),
    { batch: 50, concurrency: 2, idleConcurrency: 8, claimSeconds: 60, sweepMs: 5_000, maxDeferMs: 5_000 },
    (err) => log.warn({ err }, 'could not start an order workflow yet; will retry'),
    () => hotPath?.busy() ?? false,
  ).run();
  // The campaigns' rate limits hold for the whole cluster: each server enforces its share.
  const wiring = { db, templateOf, onWinners: () => relay.kick(), share: () => deps.presence?.share() ?? 1 };
  hotPath = deps.flashSale?.(wiring) ?? new FlashSaleHotPath(db, wiring.templateOf, wiring.onWinners, wiring.share);

  r.post('/v1/admin/flash-sales', async (req, res) => {
    requireOperator(req);
    const b = parse(s.flashSaleBody, req.body);
    const sku = await db('skus').where({ sku_id: b.skuId }).first('product_type');
    if (!sku) throw businessRule('SKU_NOT_FOUND', `SKU ${b.skuId} does not exist`, [{ field: 'skuId', message: 'unknown SKU' }]);
    // The same rules as for any order decide which line sells the goods in a campaign.
    const identity = config.identities.resolve({ person: {}, goods: { productTypes: [sku.product_type] }, scene: { channel: 'flash-sale', campaignId: b.campaignId } });
    if (identity.scenario !== 'flash-sale') {
      throw businessRule('FLASH_SALE_NOT_CONFIGURED', `no business line sells ${sku.product_type} goods in flash sales (the identity rules give ${identity.bizId}/${identity.scenario})`, [{ field: 'skuId', message: 'not sold in flash sales' }]);
    }
    await db.transaction((trx) =>
      upsertCampaign(
        trx,
        {
          ...b,
          buckets: b.stockBuckets,
          userRequestsPerSecond: b.rateLimit.perUserPerSecond,
          campaignRequestsPerSecond: b.rateLimit.perCampaignPerSecond,
        },
        { bizId: identity.bizId, scenario: identity.scenario },
      ),
    );
    // Its end is a durable timer: the workflow settles the campaign (unsold units back to the shelf).
    await temporal.workflow.start('flashSaleCampaignWorkflow', {
      workflowId: `flash-sale-${b.campaignId}`,
      taskQueue: orders.taskQueue,
      args: [b.campaignId],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    res.json(await campaignView(db, b.campaignId));
  });

  r.get('/v1/flash-sales/:campaignId', async (req, res) => {
    const view = await campaignView(db, req.params.campaignId);
    if (!view) throw notFound(`flash sale ${req.params.campaignId}`);
    assertTenant(req, view.bizId, `flash sale ${req.params.campaignId}`);
    res.json(view);
  });

  r.post('/v1/flash-sales/:campaignId/orders', async (req, res) => {
    const idemKey = req.header('idempotency-key');
    if (!idemKey || idemKey.length > 64) {
      throw badRequest('an Idempotency-Key header of 1 to 64 characters is required', [{ field: 'Idempotency-Key', message: idemKey ? 'longer than 64 characters' : 'missing' }]);
    }
    const body = parse(s.flashSaleOrderBody, req.body);
    const p = principalOf(req);
    try {
      const won = await hotPath.attempt(
        req.params.campaignId,
        { bizIds: p.role === 'operator' ? 'all' : p.bizIds },
        {
          principal: p.keyId,
          idemKey,
          requestHash: createHash('sha256').update(`${ORDERS_ROUTE}\n${req.params.campaignId}\n${JSON.stringify(req.body)}`).digest('hex'),
          userId: body.userId,
          quantity: body.quantity,
        },
      );
      sendJson(res, won.status, won.body);
    } catch (err) {
      // Refusals are the common answer here (most buyers lose): answered on the spot
      // rather than by a walk through the router's remaining layers to the error handler.
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      sendJson(res, err.status, err.toBody());
    }
  });

  return r;
}

/** res.json without what a POST answer does not need (an ETag hashed from the body). */
function sendJson(res: Response, status: number, body: unknown) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
