import { randomBytes, randomInt } from 'node:crypto';
import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { Extension } from '../../platform/registry/extension-decorator';
import { SupplierExtPt } from '../../extension-points';
import type { SupplierLine } from '../suppliers/simulated-supplier';
import { SupplierBookingExt } from '../suppliers/supplier-booking.ext';

/** Hotel rooms: booked for the stay at order, guaranteed once paid; no stock of ours. */
@Extension(SupplierExtPt, { bizId: 'travel-hotel' })
export class HotelSupplierExt extends SupplierBookingExt {
  protected readonly confirmedAs = 'guaranteed booking';

  constructor(@inject(TYPES.Db) db: Db) {
    super(db, 'hotel');
  }

  protected describe(lines: SupplierLine[]): string {
    return lines
      .map((l) => {
        const a = l.attributes;
        const stay = a.checkIn ? ` from ${a.checkIn}${a.nights ? ` for ${a.nights} night(s)` : ''}` : '';
        return `${l.quantity} room(s) "${l.title}"${stay}`;
      })
      .join(', ');
  }

  protected newBookingRef(): string {
    return `HTL-${randomBytes(5).toString('hex').toUpperCase()}`;
  }

  protected newConfirmationNo(): string {
    return `CNF${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
  }
}
