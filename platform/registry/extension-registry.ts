import 'reflect-metadata';
import { Container } from 'inversify';
import { type BizIdentity, type Coordinate, coordinateKey, fallbackChain } from '../domain/identity';
import type { ExtPtToken } from './extension-point';
import { registrationsOf } from './extension-decorator';

export class DuplicateExtensionError extends Error {
  constructor(readonly extPt: string, readonly coordinate: string, first: string, second: string) {
    super(`two implementations of ${extPt} at ${coordinate}: ${first} and ${second}`);
    this.name = 'DuplicateExtensionError';
  }
}

export class ExtensionNotFoundError extends Error {
  constructor(readonly extPt: string, readonly coordinate: string) {
    super(`no implementation of ${extPt} for ${coordinate}, nor any of its fallbacks`);
    this.name = 'ExtensionNotFoundError';
  }
}

export interface ResolvedExtension<T> {
  impl: T;
  /** The implementing class, as shown in histories and the capability map. */
  name: string;
  /** The coordinate it was registered at (where the fallback stopped). */
  registeredAt: string;
}

type ExtensionClass = new (...args: any[]) => unknown;

/**
 * The executor that does resolution in one place (COLA): classes registered with
 * @Extension are bound in an inversify container and resolved for a business
 * identity and use case along the fallback chain.
 */
export class ExtensionRegistry {
  private readonly byKey = new Map<string, { cls: ExtensionClass; id: symbol }>();

  constructor(private readonly container: Container, classes: readonly ExtensionClass[]) {
    for (const cls of classes) {
      const registrations = registrationsOf(cls);
      if (registrations.length === 0) throw new Error(`${cls.name} is listed as an extension but has no @Extension decorator`);
      const id = Symbol(cls.name);
      container.bind(id).to(cls).inSingletonScope();
      for (const r of registrations) {
        const key = bindingKey(r.extPt.name, r);
        const existing = this.byKey.get(key);
        if (existing) throw new DuplicateExtensionError(r.extPt.name, coordinateKey(r), existing.cls.name, cls.name);
        this.byKey.set(key, { cls, id });
      }
    }
  }

  resolve<T>(extPt: ExtPtToken<T>, identity: BizIdentity, useCase: string): ResolvedExtension<T> {
    for (const coordinate of fallbackChain(identity, useCase)) {
      const hit = this.byKey.get(bindingKey(extPt.name, coordinate));
      if (hit) return { impl: this.container.get<T>(hit.id), name: hit.cls.name, registeredAt: coordinateKey(coordinate) };
    }
    throw new ExtensionNotFoundError(extPt.name, coordinateKey({ bizId: identity.bizId, useCase, scenario: identity.scenario }));
  }

  /** Every registration, for the capability map and start-up checks. */
  list(): { extPt: string; coordinate: string; className: string }[] {
    return [...this.byKey.entries()].map(([key, v]) => {
      const [extPt, coordinate] = key.split('@');
      return { extPt, coordinate, className: v.cls.name };
    });
  }
}

function bindingKey(extPt: string, c: Coordinate): string {
  return `${extPt}@${coordinateKey(c)}`;
}
