// The workflow bundle's entry point: only workflow code is exported from here.
export { orderWorkflow } from './order.workflow';
export { flashSaleCampaignWorkflow } from './flash-sale-campaign.workflow';
