"""Shop Orders (订单台): a desktop operations console for a small shop's orders."""

__version__ = "0.1.0"
