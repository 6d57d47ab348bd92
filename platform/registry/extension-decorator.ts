import 'reflect-metadata';
import { injectable } from 'inversify';
import { DEFAULT } from '../domain/identity';
import type { ExtPtToken } from './extension-point';

export interface ExtensionCoordinate {
  bizId?: string;
  useCase?: string;
  scenario?: string;
}

export interface ExtensionRegistration {
  extPt: ExtPtToken<unknown>;
  bizId: string;
  useCase: string;
  scenario: string;
}

const REGISTRATIONS = Symbol.for('order-platform.extension.registrations');
const INJECTABLE_APPLIED = Symbol.for('order-platform.extension.injectable');

/**
 * Registers a class as the implementation of `extPt` for a coordinate; omitted parts
 * are `#default`. Stack it to register one class at several coordinates.
 *
 *   @Extension(InventoryExtPt, { bizId: 'travel-hotel' })
 *   export class HotelInventoryExt implements InventoryExtPt { … }
 */
export function Extension(extPt: ExtPtToken<any>, coordinate: ExtensionCoordinate = {}) {
  return (target: new (...args: any[]) => unknown) => {
    if (!Reflect.getOwnMetadata(INJECTABLE_APPLIED, target)) {
      injectable()(target);
      Reflect.defineMetadata(INJECTABLE_APPLIED, true, target);
    }
    const existing: ExtensionRegistration[] = Reflect.getOwnMetadata(REGISTRATIONS, target) ?? [];
    const registration: ExtensionRegistration = {
      extPt,
      bizId: coordinate.bizId ?? DEFAULT,
      useCase: coordinate.useCase ?? DEFAULT,
      scenario: coordinate.scenario ?? DEFAULT,
    };
    Reflect.defineMetadata(REGISTRATIONS, [...existing, registration], target);
  };
}

export function registrationsOf(cls: Function): ExtensionRegistration[] {
  return Reflect.getOwnMetadata(REGISTRATIONS, cls) ?? [];
}
