"""Schemathesis hooks: let half of the generated cases name things that exist.

Random ids almost never name a real buyer, SKU, order or refund, so without this nearly
every generated order is refused at once (422 USER_NOT_FOUND) and the operations behind
it — paying, cancelling, fulfilling, refunding, approving — are only ever tried on ids that
do not exist (404). For each generated case the fuzzer draws either the case as generated
or the same case pointing at the run's fixtures (FUZZ_* variables set by
scripts/fuzz-api.ts: a buyer, a SKU, a paid order with a requested refund, an unpaid
order's pay order, a running flash sale, a webhook delivery), creates under a fresh
Idempotency-Key, so both kinds of input keep being explored.
"""

import datetime
import os

import schemathesis
from hypothesis import strategies as st

USER = os.environ.get("FUZZ_USER", "u-alice")
SKU = os.environ.get("FUZZ_SKU", "sku-tshirt-m")
ORDER_ITEM = os.environ.get("FUZZ_ORDER_ITEM")
PAY_ORDER = os.environ.get("FUZZ_PAY_ORDER")
# Operations that move an order or refund on get one of their own, so that one of them
# (a cancel, a fulfilment failure) does not leave nothing for the others but 409s.
FIXTURE_BY_OPERATION = {
    "cancelOrder": os.environ.get("FUZZ_ORDER_TO_CANCEL"),
    "postFulfilmentEvent": os.environ.get("FUZZ_ORDER_SHIPPED"),
    "changeTracking": os.environ.get("FUZZ_ORDER_SHIPPED"),
    "confirmReceipt": os.environ.get("FUZZ_ORDER_DELIVERED"),
    "approveRefund": os.environ.get("FUZZ_REFUND_TO_APPROVE"),
    "rejectRefund": os.environ.get("FUZZ_REFUND_TO_REJECT"),
}
# Path parameters and the fixture each may name.
PATH_FIXTURES = {
    "orderId": os.environ.get("FUZZ_ORDER"),
    "refundId": os.environ.get("FUZZ_REFUND"),
    "campaignId": os.environ.get("FUZZ_CAMPAIGN"),
    "deliveryId": os.environ.get("FUZZ_DELIVERY"),
    "userId": USER,
    "skuId": SKU,
}


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


def _refund(body):
    if not ORDER_ITEM:
        return body
    return dict(body, items=[{"orderItemId": ORDER_ITEM, "quantity": 1}])


def _notification(body):
    return dict(body, payOrderId=PAY_ORDER) if PAY_ORDER else body


PLAUSIBLE = {
    "createOrder": _create_order,
    "requestRefund": _refund,
    "notifyPayment": _notification,
    "upsertFlashSale": _flash_sale,
    "tryFlashSaleOrder": lambda body: dict(body, userId=USER, quantity=1),
}


@schemathesis.hook
def flatmap_case(context, case):
    operation_id = _operation_id(context)
    # The fuzzer learns ids from answers and may upsert the fixture SKU itself; a random
    # product type would then leave no business line selling it. Its copy takes the change.
    if operation_id == "upsertSku" and isinstance(case.body, dict) and case.body.get("skuId") == SKU:
        case.body = dict(case.body, skuId=f"{SKU}-copy")
    make = PLAUSIBLE.get(operation_id)
    path = case.path_parameters or {}
    fixable_path = [name for name in path if PATH_FIXTURES.get(name)]
    if (make is None or not isinstance(case.body, dict)) and not fixable_path:
        return st.just(case)

    def draw(choice):
        plausible, key = choice
        if not plausible:
            return case
        for name in fixable_path:
            case.path_parameters[name] = FIXTURE_BY_OPERATION.get(operation_id) or PATH_FIXTURES[name]
        if make is not None and isinstance(case.body, dict):
            case.body = make(case.body)
        # A fresh key: generated keys repeat ("0", "A"), and a reused key with another body is a 409.
        if case.headers is not None and "Idempotency-Key" in case.headers:
            case.headers["Idempotency-Key"] = f"fuzz-{key.hex}"
        return case

    return st.tuples(st.booleans(), st.uuids()).map(draw)
