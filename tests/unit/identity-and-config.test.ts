import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPlatformConfig } from '../../platform/config/platform-config';
import { ConfigError } from '../../platform/config/load-yaml';
import { AppError } from '../../platform/errors/app-error';

const CONFIG = path.resolve(__dirname, '../../config');

/** A copy of config/ with one file rewritten, to test what start-up says about it. */
function configWith(file: string, edit: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
  for (const f of fs.readdirSync(CONFIG)) fs.copyFileSync(path.join(CONFIG, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, file), edit(fs.readFileSync(path.join(dir, file), 'utf8')));
  return dir;
}

describe('identity resolution', () => {
  const { identities } = loadPlatformConfig(CONFIG, '');
  const scene = { channel: 'app' };

  it('resolves retail from physical goods', () => {
    expect(identities.resolve({ person: {}, goods: { productTypes: ['physical', 'physical'] }, scene })).toMatchObject({ bizId: 'retail', scenario: 'default' });
  });

  it('resolves used-car from used-car goods', () => {
    expect(identities.resolve({ person: { member: true }, goods: { productTypes: ['used-car'] }, scene })).toMatchObject({ bizId: 'used-car', scenario: 'default' });
  });

  it('refuses goods of two lines in one order with a 422', () => {
    let err: unknown;
    try {
      identities.resolve({ person: {}, goods: { productTypes: ['physical', 'used-car'] }, scene });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(422);
    expect((err as AppError).code).toBe('NO_BUSINESS_IDENTITY');
  });

  it('merges defaults, line and scenario configuration', () => {
    expect(identities.configOf({ bizId: 'used-car', scenario: 'default' })).toMatchObject({ couponsAllowed: false, payWindowSeconds: 1800, autoReceiptDays: 3 });
    expect(identities.configOf({ bizId: 'retail', scenario: 'flash-sale' })).toMatchObject({ couponsAllowed: true, payWindowSeconds: 300 });
  });

  it('lets an overlay add more specific rules and values', () => {
    const overlay = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ovl-')), 'overlay.yaml');
    fs.writeFileSync(
      overlay,
      `identities:
  lines:
    retail:
      scenarios:
        vip: { payWindowSeconds: 60 }
  rules:
    - name: members buying physical goods
      when: { person: { member: true }, goods: { productType: [physical] } }
      identity: { bizId: retail, scenario: vip }
`,
    );
    const cfg = loadPlatformConfig(CONFIG, overlay);
    expect(cfg.identities.resolve({ person: { member: true }, goods: { productTypes: ['physical'] }, scene })).toMatchObject({ scenario: 'vip' });
    expect(cfg.identities.resolve({ person: { member: false }, goods: { productTypes: ['physical'] }, scene })).toMatchObject({ scenario: 'default' });
    expect(cfg.identities.configOf({ bizId: 'retail', scenario: 'vip' }).payWindowSeconds).toBe(60);
  });
});

describe('configuration errors name the file and the key', () => {
  const expectConfigError = (dir: string, pattern: RegExp) => {
    let err: unknown;
    try {
      loadPlatformConfig(dir, '');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(pattern);
  };

  it('an unknown ability in a flow', () => {
    const dir = configWith('flows.yaml', (t) => t.replace('      - coupon.consume', '      - coupon.consumed'));
    expectConfigError(dir, /flows\.yaml: #default\.#default\.order\.pay\[3\]: unknown ability "coupon\.consumed"/);
  });

  it('a flow step that names an ability which is not defined', () => {
    const dir = configWith('flows.yaml', (t) => t.replace('      - inventory.reserve', '      - inventory.hold'));
    expectConfigError(dir, /flows\.yaml: #default\.#default\.order\.create\[2\]: unknown ability "inventory\.hold"/);
  });

  it('a wrongly typed business setting', () => {
    const dir = configWith('identities.yaml', (t) => t.replace('payWindowSeconds: 300', 'payWindowSeconds: soon'));
    expectConfigError(dir, /identities\.yaml: lines\.retail\.scenarios\.flash-sale\.payWindowSeconds:/);
  });

  it('an unknown setting (a typo)', () => {
    const dir = configWith('identities.yaml', (t) => t.replace('couponsAllowed: false', 'couponAllowed: false'));
    expectConfigError(dir, /identities\.yaml: lines\.used-car\.config:.*couponAllowed/);
  });

  it('a rule naming an identity that is not configured', () => {
    const dir = configWith('identities.yaml', (t) => t.replace('identity: { bizId: used-car, scenario: default }', 'identity: { bizId: used-cars, scenario: default }'));
    expectConfigError(dir, /identities\.yaml: rules\[0\]\.identity: rule "used cars" names used-cars\/default/);
  });
});
