/**
 * The development API keys of the embedded default, in plain text so the start
 * banner and the README can show them. Only their hashes are in api-keys.yaml.
 */
export const DEV_KEYS: { key: string; role: string; bizIds?: string[]; description: string }[] = [
  { key: 'dev-operator-key', role: 'operator', description: 'operator: set-up endpoints, all orders' },
  { key: 'dev-retail-key', role: 'business', bizIds: ['retail'], description: 'retail back end' },
  { key: 'dev-used-car-key', role: 'business', bizIds: ['used-car'], description: 'used-car back end' },
  { key: 'dev-all-lines-key', role: 'business', bizIds: ['retail', 'used-car'], description: 'a back end serving both lines' },
  { key: 'dev-new-car-key', role: 'business', bizIds: ['new-car'], description: 'new-car back end' },
  { key: 'dev-hotel-key', role: 'business', bizIds: ['travel-hotel'], description: 'hotel back end' },
  { key: 'dev-flight-key', role: 'business', bizIds: ['travel-flight'], description: 'flight back end' },
  { key: 'dev-points-mall-key', role: 'business', bizIds: ['points-mall'], description: 'points mall back end' },
];
