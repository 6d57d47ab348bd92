import { FulfilmentExtPt } from '../../extension-points';
import { step } from './define-step';

export const fulfilmentRecord = step('fulfilment.record', FulfilmentExtPt, 'record');
