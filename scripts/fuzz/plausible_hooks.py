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
    # The buyer API shows a buyer only the buyer's own orders and refunds.
    "getBuyerOrder": os.environ.get("FUZZ_BUYER_ORDER"),
    "payBuyerOrder": os.environ.get("FUZZ_BUYER_ORDER"),
    "payBuyerOrderBalance": os.environ.get("FUZZ_BUYER_ORDER"),
    "confirmBuyerReceipt": os.environ.get("FUZZ_BUYER_ORDER"),
    "requestBuyerRefund": os.environ.get("FUZZ_BUYER_ORDER"),
    "cancelBuyerOrder": os.environ.get("FUZZ_BUYER_ORDER_TO_CANCEL"),
    "getBuyerRefund": os.environ.get("FUZZ_BUYER_REFUND"),
}
CATEGORY = os.environ.get("FUZZ_CATEGORY")
BRAND = os.environ.get("FUZZ_BRAND")
# Path parameters and the fixture each may name.
PATH_FIXTURES = {
    "orderId": os.environ.get("FUZZ_ORDER"),
    "refundId": os.environ.get("FUZZ_REFUND"),
    "campaignId": os.environ.get("FUZZ_CAMPAIGN"),
    "deliveryId": os.environ.get("FUZZ_DELIVERY"),
    "userId": USER,
    "skuId": SKU,
    "spuId": os.environ.get("FUZZ_SPU"),
    "categoryId": CATEGORY,
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


def _buyer_refund(body):
    item = os.environ.get("FUZZ_BUYER_ORDER_ITEM")
    return dict(body, items=[{"orderItemId": item, "quantity": 1}]) if item else body


def _catalogue_id(value):
    # Generated ids ("0", "00") are mostly taken by SKUs and SPUs made outside the catalogue.
    return f"fz-{value}"[:64] if isinstance(value, str) else value


def _catalogue_sku(sku):
    # The fixture category's one sales attribute, told apart by the SKU's own id.
    if not isinstance(sku, dict):
        return sku
    sku_id = _catalogue_id(sku.get("skuId", "x"))
    return dict(sku, skuId=sku_id, salesAttributes={"edition": str(sku_id)[:100]})


def _catalogue_spu(body, biz_id, product_type):
    if not CATEGORY:
        return body
    plausible = dict(body, spuId=_catalogue_id(body.get("spuId")), bizId=biz_id, categoryId=CATEGORY, brandId=BRAND, productType=product_type)
    if isinstance(body.get("attributes"), dict):
        plausible["attributes"] = {}
    if isinstance(body.get("skus"), list):
        plausible["skus"] = [_catalogue_sku(k) for k in body["skus"]]
    return plausible


def _notification(body):
    return dict(body, payOrderId=PAY_ORDER) if PAY_ORDER else body


def _buyer_order(body):
    # The buyer is the caller (the token); only the goods need to exist.
    plausible = _create_order(body)
    plausible.pop("userId", None)
    return plausible


PLAUSIBLE = {
    "createOrder": _create_order,
    "createBuyerOrder": _buyer_order,
    "requestBuyerRefund": _buyer_refund,
    "upsertProduct": lambda body: _catalogue_spu(body, "retail", "physical"),
    "upsertSpu": lambda body: _catalogue_spu(body, "new-car", "new-car"),
    "upsertCatalogueSku": _catalogue_sku,
    "addBuyerCartItem": lambda body: dict(body, skuId=SKU, quantity=1),
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
