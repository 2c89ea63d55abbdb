"""Errors a person can read. Every layer raises these; the UI shows them, the CLI prints them."""

from shop_orders.domain.messages import t


class ShopOrdersError(Exception):
    """Base for every error whose message is meant for the user (one clear sentence)."""


class ValidationError(ShopOrdersError):
    """Input that breaks a rule: bad amount, unknown status, empty field..."""


class TransitionNotAllowed(ShopOrdersError):
    """A status change that the standard status machine does not allow."""


class OrderNotFound(ShopOrdersError):
    """No order has the given global id."""


class OrderConflict(ShopOrdersError):
    """Someone else changed the order after it was read: nothing was written."""


class DuplicateOrder(ShopOrdersError):
    """The (channel, channel order number) pair is already in the store."""


class ThresholdOutOfRange(ValidationError):
    """A staleness threshold that is not whole hours from 1 h to 90 days."""

    def __init__(self, field: str, value: object, low: int, high: int) -> None:
        self.field, self.value = field, value
        super().__init__(t("{field} must be a whole number of hours from {low} to {high} (90 days), not {value}.",
                           field=field, low=low, high=high, value=value))
