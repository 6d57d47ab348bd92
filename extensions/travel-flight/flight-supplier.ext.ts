import { randomInt } from 'node:crypto';
import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { Extension } from '../../platform/registry/extension-decorator';
import { SupplierExtPt } from '../../extension-points';
import type { SupplierLine } from '../suppliers/simulated-supplier';
import { SupplierBookingExt } from '../suppliers/supplier-booking.ext';

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Flight seats: held under a PNR at order, ticketed once paid; no stock of ours. */
@Extension(SupplierExtPt, { bizId: 'travel-flight' })
export class FlightSupplierExt extends SupplierBookingExt {
  protected readonly confirmedAs = 'ticketed PNR';

  constructor(@inject(TYPES.Db) db: Db) {
    super(db, 'flight');
  }

  protected describe(lines: SupplierLine[]): string {
    return lines.map((l) => `${l.quantity} seat(s) on ${l.attributes.flightNo ?? l.title}${l.attributes.departure ? ` departing ${l.attributes.departure}` : ''}`).join(', ');
  }

  /** A PNR: six letters, as airlines' booking references read. */
  protected newBookingRef(): string {
    return Array.from({ length: 6 }, () => LETTERS[randomInt(0, LETTERS.length)]).join('');
  }

  /** One 13-digit e-ticket number per seat. */
  protected newConfirmationNo(lines: SupplierLine[]): string {
    const seats = lines.reduce((a, l) => a + l.quantity, 0);
    return Array.from({ length: seats }, () => `781${String(randomInt(0, 10_000_000_000)).padStart(10, '0')}`).join(',');
  }
}
