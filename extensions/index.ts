/**
 * Every extension class the platform loads. A business line lives in its own folder
 * here (extensions/<bizId>/) and is listed below; the shared defaults are in default/.
 * More can be loaded at start-up from EXTENSION_MODULES (see extensions/load.ts).
 */
import { DefaultCouponExt } from './default/coupon.ext';
import { DefaultFulfilmentExt } from './default/fulfilment.ext';
import { DefaultInventoryExt } from './default/inventory.ext';
import { DefaultOrderCheckExt } from './default/order-check.ext';
import { DefaultOrderStoreExt } from './default/order-store.ext';
import { DefaultPaymentExt } from './default/payment.ext';
import { DefaultRefundExt } from './default/refund.ext';
import { NewCarOrderCheckExt } from './new-car/new-car-order-check.ext';
import { StoreDeliveryExt } from './new-car/store-delivery.ext';
import { WanlitongPointsExt } from './points-mall/wanlitong-points.ext';
import { FlightSupplierExt } from './travel-flight/flight-supplier.ext';
import { HotelSupplierExt } from './travel-hotel/hotel-supplier.ext';
import { CampaignInventoryExt } from './flash-sale/campaign-inventory.ext';
import { SimulatedSmsGatewayExt } from './sms/simulated-sms.ext';

export const EXTENSIONS = [
  DefaultOrderCheckExt,
  DefaultOrderStoreExt,
  DefaultInventoryExt,
  DefaultCouponExt,
  DefaultPaymentExt,
  DefaultFulfilmentExt,
  DefaultRefundExt,
  // new-car: the 4S store, and hand-over against a verification code
  NewCarOrderCheckExt,
  StoreDeliveryExt,
  // travel: bookings with the hotel and flight suppliers instead of stock
  HotelSupplierExt,
  FlightSupplierExt,
  // points-mall: paying in points
  WanlitongPointsExt,
  CampaignInventoryExt,
  // buyers' verification codes: the simulated SMS gateway (a real one registers at bizId 'buyers')
  SimulatedSmsGatewayExt,
];
