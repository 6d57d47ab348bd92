"""Schemathesis hooks: let half of the generated creates name things that exist.

Random ids almost never name a real buyer or SKU, so without this nearly every generated
order is refused at once (422 USER_NOT_FOUND) and the operations behind it — paying,
cancelling, fulfilling, refunding, reached through the document's links — are only ever
tried on ids that do not exist. For each generated case of a creating operation the
fuzzer draws either the case as generated or the same case pointing at the run's
fixtures (FUZZ_USER, FUZZ_SKU) under a fresh Idempotency-Key, so both kinds of input
keep being explored.
"""

import datetime
import os

import schemathesis
from hypothesis import strategies as st

USER = os.environ.get("FUZZ_USER", "u-alice")
SKU = os.environ.get("FUZZ_SKU", "sku-tshirt-m")


def _operation_id(context):
    operation = getattr(context, "operation", None)
    definition = getattr(operation, "definition", None)
    raw = getattr(definition, "raw", None) or {}
    return raw.get("operationId")


def _create_order(body):
    items = body.get("items")
    plausible = dict(body, userId=USER, scene={"channel": "app"})
    plausible.pop("couponCode", None)
    plausible.pop("buyer", None)
    plausible.pop("payment", None)
    if isinstance(items, list) and items and all(isinstance(i, dict) for i in items):
        plausible["items"] = [dict(i, skuId=SKU, quantity=1) for i in items[:3]]
    else:
        plausible["items"] = [{"skuId": SKU, "quantity": 1}]
    return plausible


def _flash_sale(body):
    now = datetime.datetime.now(datetime.timezone.utc)
    return dict(
        body,
        skuId=SKU,
        stock=min(max(int(body.get("stock", 5)) if isinstance(body.get("stock"), int) else 5, 1), 50),
        stockBuckets=1,
        stockMode="group-commit",
        startsAt=(now - datetime.timedelta(minutes=1)).isoformat(),
        endsAt=(now + datetime.timedelta(hours=1)).isoformat(),
    )


PLAUSIBLE = {
    "createOrder": _create_order,
    "upsertFlashSale": _flash_sale,
    "tryFlashSaleOrder": lambda body: dict(body, userId=USER, quantity=1),
}


@schemathesis.hook
def flatmap_case(context, case):
    make = PLAUSIBLE.get(_operation_id(context))
    if make is None or not isinstance(case.body, dict):
        return st.just(case)

    def draw(choice):
        plausible, key = choice
        if plausible:
            case.body = make(case.body)
            # A fresh key: generated keys repeat ("0", "A"), and a reused key with another body is a 409.
            if case.headers is not None and "Idempotency-Key" in case.headers:
                case.headers["Idempotency-Key"] = f"fuzz-{key.hex}"
        return case

    return st.tuples(st.booleans(), st.uuids()).map(draw)
