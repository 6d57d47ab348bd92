/**
 * Every extension class the platform loads. A business line lives in its own folder
 * here (extensions/<bizId>/) and is listed below; the shared defaults are in default/.
 */
import { DefaultCouponExt } from './default/coupon.ext';
import { DefaultFulfilmentExt } from './default/fulfilment.ext';
import { DefaultInventoryExt } from './default/inventory.ext';
import { DefaultOrderCheckExt } from './default/order-check.ext';
import { DefaultOrderStoreExt } from './default/order-store.ext';
import { DefaultPaymentExt } from './default/payment.ext';
import { DefaultRefundExt } from './default/refund.ext';
import { CampaignInventoryExt } from './flash-sale/campaign-inventory.ext';

export const EXTENSIONS = [
  DefaultOrderCheckExt,
  DefaultOrderStoreExt,
  DefaultInventoryExt,
  DefaultCouponExt,
  DefaultPaymentExt,
  DefaultFulfilmentExt,
  DefaultRefundExt,
  CampaignInventoryExt,
];
