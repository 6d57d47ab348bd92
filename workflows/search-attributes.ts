import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes registered on the Temporal namespace, so operators can find orders in the UI. */
export const BizIdKey = defineSearchAttributeKey('BizId', SearchAttributeType.KEYWORD);
export const ScenarioKey = defineSearchAttributeKey('Scenario', SearchAttributeType.KEYWORD);
export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
