import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * Parses a history in Temporal's JSON format (as `temporal workflow show --output json`
 * prints it) into the History message the replayer takes. The SDK's own historyFromJSON
 * fails in this dependency tree: @temporalio/common and @temporalio/proto each get a
 * nested copy of protobufjs 8 (the root one is 7, for @grpc/proto-loader), and the JSON
 * codec of one copy refuses the other's types. So the codec is taken from the very copy
 * @temporalio/proto uses, wherever npm put it.
 */
const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as { fromJson: (type: unknown, json: unknown, opts?: unknown) => unknown };
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyFromJson(json: unknown): proto.temporal.api.history.v1.IHistory {
  const history = fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a workflow history');
  return history as proto.temporal.api.history.v1.IHistory;
}
