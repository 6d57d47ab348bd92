#!/bin/sh
# Registers the search attributes the order workflows set, once (run by the temporal-setup
# service of deploy/compose.yaml with temporalio/admin-tools). Exits non-zero unless every
# one is registered, so the workers and servers that wait for this never start without them.
set -u
for name in BizId Scenario OrderStatus; do
  if temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" | grep -qw "$name"; then
    echo "search attribute $name: already registered"
  else
    temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type Keyword || exit 1
    echo "search attribute $name: registered"
  fi
done
