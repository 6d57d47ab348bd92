import { FulfilmentExtPt } from '../extension-points';
import { ability, required } from './define-ability';

export const recordFulfilment = ability({
  id: 'fulfilment.record',
  extensionPoint: FulfilmentExtPt,
  run: (ext, { order, args }) => ext.record(order, required(args, 'event', 'fulfilment.record')),
  description: 'apply a warehouse/store/supplier event',
});
