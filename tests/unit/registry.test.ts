import 'reflect-metadata';
import { Container } from 'inversify';
import { Extension } from '../../platform/registry/extension-decorator';
import { extensionPoint } from '../../platform/registry/extension-point';
import { DuplicateExtensionError, ExtensionNotFoundError, ExtensionRegistry } from '../../platform/registry/extension-registry';
import { fallbackChain, coordinateKey } from '../../platform/domain/identity';

interface GreetExtPt {
  greet(): string;
}
const GreetExtPt = extensionPoint<GreetExtPt>('GreetExtPt');

@Extension(GreetExtPt)
class DefaultGreet implements GreetExtPt {
  greet() {
    return 'default';
  }
}
@Extension(GreetExtPt, { bizId: 'retail' })
class RetailGreet implements GreetExtPt {
  greet() {
    return 'retail';
  }
}
@Extension(GreetExtPt, { bizId: 'retail', useCase: 'order.create' })
class RetailCreateGreet implements GreetExtPt {
  greet() {
    return 'retail.create';
  }
}
@Extension(GreetExtPt, { bizId: 'retail', useCase: 'order.create', scenario: 'flash-sale' })
class FlashCreateGreet implements GreetExtPt {
  greet() {
    return 'retail.create.flash';
  }
}
@Extension(GreetExtPt, { bizId: 'retail' })
class AnotherRetailGreet implements GreetExtPt {
  greet() {
    return 'another';
  }
}

const registry = () => new ExtensionRegistry(new Container(), [DefaultGreet, RetailGreet, RetailCreateGreet, FlashCreateGreet]);

describe('extension registry', () => {
  it('resolves bizId.useCase.scenario first', () => {
    const r = registry().resolve(GreetExtPt, { bizId: 'retail', scenario: 'flash-sale' }, 'order.create');
    expect(r.impl.greet()).toBe('retail.create.flash');
    expect(r.name).toBe('FlashCreateGreet');
    expect(r.registeredAt).toBe('retail.order.create.flash-sale');
  });

  it('falls back to bizId.useCase.#default', () => {
    expect(registry().resolve(GreetExtPt, { bizId: 'retail', scenario: 'default' }, 'order.create').impl.greet()).toBe('retail.create');
  });

  it('falls back to bizId.#default.#default', () => {
    expect(registry().resolve(GreetExtPt, { bizId: 'retail', scenario: 'flash-sale' }, 'order.pay').impl.greet()).toBe('retail');
  });

  it('falls back to #default.#default.#default', () => {
    const r = registry().resolve(GreetExtPt, { bizId: 'used-car', scenario: 'default' }, 'order.cancel');
    expect(r.impl.greet()).toBe('default');
    expect(r.registeredAt).toBe('#default.#default.#default');
  });

  it('returns one singleton per class', () => {
    const reg = registry();
    const a = reg.resolve(GreetExtPt, { bizId: 'retail', scenario: 'x' }, 'order.pay').impl;
    const b = reg.resolve(GreetExtPt, { bizId: 'retail', scenario: 'y' }, 'order.refund').impl;
    expect(a).toBe(b);
  });

  it('refuses two implementations of one coordinate at start-up', () => {
    expect(() => new ExtensionRegistry(new Container(), [DefaultGreet, RetailGreet, AnotherRetailGreet])).toThrow(DuplicateExtensionError);
    expect(() => new ExtensionRegistry(new Container(), [RetailGreet, AnotherRetailGreet])).toThrow(/GreetExtPt at retail\.#default\.#default: RetailGreet and AnotherRetailGreet/);
  });

  it('raises a typed error naming the coordinate when nothing matches', () => {
    const reg = new ExtensionRegistry(new Container(), [RetailGreet]);
    let caught: unknown;
    try {
      reg.resolve(GreetExtPt, { bizId: 'hotel', scenario: 'default' }, 'order.create');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExtensionNotFoundError);
    expect((caught as ExtensionNotFoundError).coordinate).toBe('hotel.order.create.default');
    expect((caught as Error).message).toContain('GreetExtPt');
  });

  it('refuses a listed class without the decorator', () => {
    class Plain {}
    expect(() => new ExtensionRegistry(new Container(), [Plain])).toThrow(/no @Extension decorator/);
  });

  it('builds the COLA fallback chain without repeats', () => {
    expect(fallbackChain({ bizId: 'retail', scenario: 'default' }, 'order.pay').map(coordinateKey)).toEqual([
      'retail.order.pay.default',
      'retail.order.pay.#default',
      'retail.#default.#default',
      '#default.#default.#default',
    ]);
  });
});
