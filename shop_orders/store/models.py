"""The tables. Money is integer minor units beside a currency; times are UTC; numbers are text.

Schema changes happen only through Alembic migrations (store/migrations/versions); a test
checks that these models and the migrations describe the same schema.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Optional

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import QueryableAttribute
from sqlmodel import Field, Relationship, SQLModel

from shop_orders.store.types import BigId, UTCDateTime


def rel(attribute: object) -> QueryableAttribute[Any]:
    """A relationship's class attribute, typed as loader options such as selectinload() take it:
    col() for relationships (SQLModel types `Order.lines` as an instance's list)."""
    if not isinstance(attribute, QueryableAttribute):
        raise TypeError(f"not a mapped relationship: {attribute!r}")
    return attribute


def _id() -> Column:
    return Column(BigId, primary_key=True, autoincrement=True)


def _time(nullable: bool = False, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


def _money() -> Column:
    return Column(BigInteger, nullable=False, default=0)


# The grid's sortable columns (store/grid.py SORTABLE), each with a (archived, column, id) index.
SORTED = ("order_no", "channel", "channel_order_no", "buyer", "total_minor", "paid_minor", "status", "courier",
          "tracking_no", "created_at", "updated_at")


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (
        UniqueConstraint("channel", "channel_order_no", name="uq_orders_channel_order_no"),
        # The grid's sorts and filters, and the staleness rule (migration 0006): every sortable
        # column leads with `archived`, so "the live orders, ordered by column, then id" is an
        # index range (first page, a page in the middle, the count) with archived orders out.
        Index("ix_orders_live_status_updated", "archived", "status", "updated_at"),
        *[Index(f"ix_orders_live_{c}", "archived", c, "id") for c in SORTED],
        Index("ix_orders_tracking_no", "tracking_no"),  # lookups by tracking number (scan-out)
        # Quick search (prefix, migration 0003). On PostgreSQL the search columns use
        # text_pattern_ops so that LIKE 'prefix%' is an index range.
        *[Index(f"ix_orders_{c}_prefix", c, postgresql_ops={c: "text_pattern_ops"})
          for c in ("channel_order_no", "buyer", "phone")],
        # On SQLite these two would duplicate the unique order_no index and ix_orders_tracking_no
        # (migration 0004): PostgreSQL only.
        *[Index(f"ix_orders_{c}_prefix", c, postgresql_ops={c: "text_pattern_ops"},
                info={"dialects": ("postgresql",)}).ddl_if(dialect="postgresql")
          for c in ("order_no", "tracking_no")],
    )

    id: int | None = Field(default=None, sa_column=_id())
    order_no: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    channel: str = Field(sa_column=Column(String(32), nullable=False))
    channel_order_no: str = Field(sa_column=Column(String(64), nullable=False))
    buyer: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    recipient: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    phone: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    address: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    currency: str = Field(default="CNY", sa_column=Column(String(3), nullable=False))
    total_minor: int = Field(default=0, sa_column=_money())
    paid_minor: int = Field(default=0, sa_column=_money())
    courier: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    tracking_no: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    status: str = Field(sa_column=Column(String(24), nullable=False))
    created_at: datetime = Field(sa_column=_time())
    updated_at: datetime = Field(sa_column=_time())  # last meaningful change
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))
    # Deleted orders are archived: hidden from the grid, kept in the store (migration 0006).
    archived: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False,
                                                           server_default=false()))
    # What the channel flags beside the status (domain/flags.py: JD's (删除), (锁定)...; migration 0010),
    # and whether its amounts are known (False: the channel's file had none; total and paid are 0, shown as —).
    flags: str = Field(default="", sa_column=Column(String(200), nullable=False, default="", server_default=""))
    amount_known: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, default=True,
                                                             server_default=true()))
    # The keyed seal of everything a user relies on that the trail's replay does not state
    # (store/seals.py; migration 0012): written by every unit of work that touches the order.
    seal: str = Field(default="", sa_column=Column(String(80), nullable=False, default="", server_default=""))

    lines: list["OrderLine"] = Relationship(
        back_populates="order", sa_relationship_kwargs={"order_by": "OrderLine.line_no"}
    )
    payments: list["Payment"] = Relationship(
        back_populates="order", sa_relationship_kwargs={"order_by": "Payment.id"}
    )
    shipments: list["Shipment"] = Relationship(
        back_populates="order", sa_relationship_kwargs={"order_by": "Shipment.id"}
    )


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_lines"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (UniqueConstraint("order_id", "line_no", name="uq_order_lines_order_line"),
                      Index("ix_order_lines_sku", "sku"),  # a tracking number that is a SKU is refused (scan-out)
                      # The lines still to ship, by SKU: the stock reservations' demand (store/stock_alloc.py;
                      # migration 0020) without walking an SKU's whole shipped history.
                      Index("ix_order_lines_open_sku", "sku", "order_id", sqlite_where=text("qty > shipped_qty"),
                            postgresql_where=text("qty > shipped_qty")))

    id: int | None = Field(default=None, sa_column=_id())
    order_id: int = Field(
        sa_column=Column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    )
    line_no: int = Field(sa_column=Column(Integer, nullable=False))
    sku: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    title: str = Field(default="", sa_column=Column(String(300), nullable=False, default=""))
    qty: int = Field(sa_column=Column(Integer, nullable=False))
    unit_price_minor: int = Field(default=0, sa_column=_money())
    shipped_qty: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))

    order: Optional["Order"] = Relationship(back_populates="lines")


class Payment(SQLModel, table=True):
    """One payment (positive) or refund (negative) received for an order."""

    __tablename__ = "payments"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (Index("ix_payments_order_id", "order_id"),)

    id: int | None = Field(default=None, sa_column=_id())
    order_id: int = Field(
        sa_column=Column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    )
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    method: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    reference: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    paid_at: datetime = Field(sa_column=_time())

    order: Optional["Order"] = Relationship(back_populates="payments")


class Shipment(SQLModel, table=True):
    """One parcel sent out: which courier, which tracking number, which line quantities."""

    __tablename__ = "shipments"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (
        Index("ix_shipments_order_id", "order_id"),
        Index("ix_shipments_tracking_no", "tracking_no"),
        Index("ix_shipments_tracking", "recalled_at", "track_state"),
    )

    id: int | None = Field(default=None, sa_column=_id())
    order_id: int = Field(
        sa_column=Column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    )
    courier: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    tracking_no: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    items: str = Field(sa_column=Column(Text, nullable=False))  # JSON {"line_no": qty}
    shipped_at: datetime = Field(sa_column=_time())
    # What the courier says (services/tracking.py; migration 0008): a TrackState code ('' until
    # checked), its pickup and delivery times, its events as JSON, when we last asked; a recalled
    # parcel (a false "shipped" rolled back) keeps its row and is no longer tracked.
    track_state: str = Field(default="", sa_column=Column(String(24), nullable=False, default="", server_default=""))
    track_checked_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    picked_up_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    delivered_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    track_events: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]", server_default="[]"))
    recalled_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    # When this store first heard of the courier's pickup / delivery (the health dashboard's
    # status sync delay, store/health_rollup.py; migration 0019): None before 0019 or not yet.
    pickup_seen_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    delivered_seen_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    # The courier's own id for the parcel (AfterShip's tracking id; migration 0009), '' until it gave one.
    track_ref: str = Field(default="", sa_column=Column(String(128), nullable=False, default="", server_default=""))
    # When a clerk confirmed that this parcel came back onto the shelf (services/stock.py confirm_return;
    # migration 0020): None while it is out or was never returned.
    restocked_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))

    order: Optional["Order"] = Relationship(back_populates="shipments")


class AuditEvent(SQLModel, table=True):
    """One recorded change. `id` is the chain position; `hash` covers prev_hash and the content.

    order_id is deliberately not a foreign key: the trail outlives the rows it describes.
    """

    __tablename__ = "audit_events"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (Index("ix_audit_events_order_id", "order_id"),)

    id: int = Field(sa_column=Column(BigId, primary_key=True, autoincrement=False))
    at: datetime = Field(sa_column=_time())
    actor: str = Field(sa_column=Column(String(100), nullable=False))
    source: str = Field(sa_column=Column(String(300), nullable=False))
    order_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    order_no: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    action: str = Field(sa_column=Column(String(32), nullable=False))
    field: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    old: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # The signed-in user's role, and who approved a two-person change (migration 0006); part of
    # the hash when not empty, so events written before users existed keep their hashes.
    role: str = Field(default="", sa_column=Column(String(24), nullable=False, default="", server_default=""))
    approver: str = Field(default="", sa_column=Column(String(100), nullable=False, default="", server_default=""))
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AuditHead(SQLModel, table=True):
    """The single row holding the chain's newest position; writers lock it to append in turn."""

    __tablename__ = "audit_head"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class SeatHead(SQLModel, table=True):
    """Each seat's newest known chain head, kept on the server for every other seat to check
    (store/audit.py): signed with the audit key, written in the transaction of every write."""

    __tablename__ = "seat_heads"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    seat: str = Field(sa_column=Column(String(32), primary_key=True))
    host: str = Field(sa_column=Column(String(255), nullable=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    mac: str = Field(sa_column=Column(String(64), nullable=False))
    at: datetime = Field(sa_column=_time())


class OrderIdCounter(SQLModel, table=True):
    """The last sequence number handed out per creation day (see domain/ids.py)."""

    __tablename__ = "order_id_counters"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    day: str = Field(sa_column=Column(String(8), primary_key=True))
    last: int = Field(sa_column=Column(BigInteger, nullable=False))


class Setting(SQLModel, table=True):
    """Shop-wide settings every seat shares (thresholds, SLA table...), as JSON text."""

    __tablename__ = "settings"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    key: str = Field(sa_column=Column(String(100), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=_time())
    # HMAC under the store's audit key (store/signing.py; migration 0011)
    signature: str = Field(default="", sa_column=Column(String(64), nullable=False, default="", server_default=""))


class User(SQLModel, table=True):
    """A person who signs in at a seat. Passwords and PINs are kept only as argon2id hashes."""

    __tablename__ = "users"

    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    name: str = Field(sa_column=Column(String(100), nullable=False, unique=True))
    role: str = Field(sa_column=Column(String(24), nullable=False))
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    pin_hash: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    disabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    failed_attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    locked_until: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    created_at: datetime = Field(sa_column=_time())
    updated_at: datetime = Field(sa_column=_time())
    # Who last gave this account its role (creating it, changing or enabling it) and who last set its
    # password or PIN, and when (the two-person rule: services/changesets.py); HMAC under the
    # store's audit key over the fields that decide rights (store/signing.py; migration 0011).
    role_set_by: str = Field(default="", sa_column=Column(String(100), nullable=False, default="", server_default=""))
    role_set_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    secret_set_by: str = Field(default="", sa_column=Column(String(100), nullable=False, default="", server_default=""))
    secret_set_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    signature: str = Field(default="", sa_column=Column(String(64), nullable=False, default="", server_default=""))


class ChangeSet(SQLModel, table=True):
    """A proposed change that waits for a second person: what, by whom, why, its state, and the
    hash of its exact per-order content that an approval is bound to."""

    __tablename__ = "change_sets"
    __table_args__ = (Index("ix_change_sets_state", "state"),)

    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    params: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    state: str = Field(sa_column=Column(String(16), nullable=False))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    order_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    proposer: str = Field(sa_column=Column(String(100), nullable=False))
    proposer_role: str = Field(sa_column=Column(String(24), nullable=False))
    created_at: datetime = Field(sa_column=_time())
    expires_at: datetime = Field(sa_column=_time())
    decided_by: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    decided_role: str = Field(default="", sa_column=Column(String(24), nullable=False, default=""))
    decided_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    decision_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    revert_of: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class ChangeSetItem(SQLModel, table=True):
    """One order of a change set: the version it was proposed against, before and after (JSON)."""

    __tablename__ = "change_set_items"
    __table_args__ = (Index("ix_change_set_items_set", "change_set_id"),)

    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    change_set_id: int = Field(sa_column=Column(BigInteger, ForeignKey("change_sets.id", ondelete="CASCADE"),
                                                nullable=False))
    order_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    order_no: str = Field(sa_column=Column(String(32), nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    before: str = Field(sa_column=Column(Text, nullable=False))
    after: str = Field(sa_column=Column(Text, nullable=False))


# A ticket still someone's to do (open, in progress, waiting on the customer): at most one per
# order and kind (migration 0007's partial unique index; domain/tickets.py ACTIVE).
ACTIVE_TICKET = "state IN ('open', 'in_progress', 'waiting')"


class Ticket(SQLModel, table=True):
    """An exception on an order: its kind, priority, state, who has it, and its SLA clock.

    The clock: `sla_seconds` of open time (the shop's opening hours, or wall-clock) from when it
    was opened; `used_seconds` were used before `clock_from`, when it last (re)started; while the
    ticket waits on the customer `clock_from` and `due_at` are empty (the clock is paused)."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ux_tickets_active_order_kind", "order_id", "kind", unique=True,
              sqlite_where=text(ACTIVE_TICKET), postgresql_where=text(ACTIVE_TICKET)),
        Index("ix_tickets_state_due", "state", "due_at"),
        Index("ix_tickets_order", "order_id", "state"),
    )
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    order_id: int = Field(sa_column=Column(BigInteger, ForeignKey("orders.id"), nullable=False))
    order_no: str = Field(sa_column=Column(String(32), nullable=False))
    kind: str = Field(sa_column=Column(String(24), nullable=False))
    priority: int = Field(sa_column=Column(Integer, nullable=False))
    state: str = Field(sa_column=Column(String(16), nullable=False))
    assignee_user: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    assignee_role: str = Field(default="", sa_column=Column(String(24), nullable=False, default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source: str = Field(sa_column=Column(String(64), nullable=False))  # manual, rule:<name>
    rule_key: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    opened_by: str = Field(sa_column=Column(String(100), nullable=False))
    opened_at: datetime = Field(sa_column=_time())
    sla_seconds: int = Field(sa_column=Column(Integer, nullable=False))
    used_seconds: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    clock_from: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    due_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    remind_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    reminded_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    escalation: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    escalate_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    resolution: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_at: datetime = Field(sa_column=_time())
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))


class TicketComment(SQLModel, table=True):
    """A note on a ticket: a person's comment, or what a rule saw when it fired again."""

    __tablename__ = "ticket_comments"
    __table_args__ = (Index("ix_ticket_comments_ticket", "ticket_id"),)
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    ticket_id: int = Field(sa_column=Column(BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"),
                                            nullable=False))
    at: datetime = Field(sa_column=_time())
    author: str = Field(sa_column=Column(String(100), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))


class TicketOrder(SQLModel, table=True):
    """An order gathered into a summary ticket (services/tickets.py, history): which ticket, which
    order, and what the rule saw on it (its key, so the same sighting is not news again)."""

    __tablename__ = "ticket_orders"
    __table_args__ = (Index("ix_ticket_orders_order", "order_id"),)
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    ticket_id: int = Field(sa_column=Column(BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"),
                                            primary_key=True))
    order_id: int = Field(sa_column=Column(BigInteger, ForeignKey("orders.id"), primary_key=True))
    rule_key: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))


class TicketAttachment(SQLModel, table=True):
    """A file on a ticket (evidence): its name and size, and its content by SHA-256."""

    __tablename__ = "ticket_attachments"
    __table_args__ = (Index("ix_ticket_attachments_ticket", "ticket_id"),)
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    ticket_id: int = Field(sa_column=Column(BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"),
                                            nullable=False))
    sha256: str = Field(sa_column=Column(String(64), ForeignKey("attachment_blobs.sha256"), nullable=False))
    name: str = Field(sa_column=Column(String(255), nullable=False))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    added_at: datetime = Field(sa_column=_time())
    added_by: str = Field(sa_column=Column(String(100), nullable=False))


class AttachmentBlob(SQLModel, table=True):
    """Attachment content, stored once per SHA-256 in the store itself: it moves, backs up and
    restores with the orders, on every seat (audit verify checks each against its hash)."""

    __tablename__ = "attachment_blobs"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    sha256: str = Field(sa_column=Column(String(64), primary_key=True))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class StatementFile(SQLModel, table=True):
    """One imported payment or bank statement file (services/statements.py): its provider and
    format, the account it is about, the period it covers, who imported it and when, the file's
    SHA-256, and `digest`: a keyed digest over its lines' content as imported (audit verify
    recomputes it, so a line changed, added or removed behind the app's back is named)."""

    __tablename__ = "statements"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    provider: str = Field(sa_column=Column(String(32), nullable=False))
    format: str = Field(sa_column=Column(String(32), nullable=False))
    account: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    file_name: str = Field(sa_column=Column(String(255), nullable=False))
    file_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    period_from: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    period_to: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    line_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    imported_at: datetime = Field(sa_column=_time())
    imported_by: str = Field(sa_column=Column(String(100), nullable=False))
    digest: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))


class StatementLineRow(SQLModel, table=True):
    """One money movement of a statement (domain/statements.StatementLine), kept once per
    provider and external id, with where the matching left it: `state` is 'open' (not yet tied to
    anything), 'matched' (to orders, see line_matches, or to the lines a payout paid out), or
    'excluded' (not a sale: by a rule or by the bookkeeper, `reason` says why); `rule` names the
    rule or person that decided it."""

    __tablename__ = "statement_lines"
    __table_args__ = (
        UniqueConstraint("provider", "external_id", name="uq_statement_lines_provider_external"),
        Index("ix_statement_lines_statement", "statement_id"),
        Index("ix_statement_lines_state_time", "state", "occurred_at"),
        Index("ix_statement_lines_time", "occurred_at", "id"),  # a period's lines by time (the board; 0018)
        Index("ix_statement_lines_merchant", "merchant_order_no"),
        Index("ix_statement_lines_platform", "platform_order_no"),
        Index("ix_statement_lines_txn", "provider_txn"),
        Index("ix_statement_lines_original", "original_txn"),
        Index("ix_statement_lines_payout", "payout_id"),
    )
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    id: int | None = Field(default=None, sa_column=_id())
    statement_id: int = Field(sa_column=Column(BigInteger, ForeignKey("statements.id"), nullable=False))
    provider: str = Field(sa_column=Column(String(32), nullable=False))
    external_id: str = Field(sa_column=Column(String(128), nullable=False))
    row_no: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    amount_minor: int = Field(sa_column=_money())
    fee_minor: int = Field(default=0, sa_column=_money())
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    presentment_minor: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    presentment_currency: str = Field(default="", sa_column=Column(String(3), nullable=False, default=""))
    occurred_at: datetime = Field(sa_column=_time())
    merchant_order_no: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    provider_txn: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    refund_no: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    platform_order_no: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    original_txn: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    payout_id: str = Field(default="", sa_column=Column(String(128), nullable=False, default=""))
    memo: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    counterparty: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    state: str = Field(default="open", sa_column=Column(String(16), nullable=False, default="open"))
    rule: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decided_by: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    decided_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    paid_out_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # the payout line
    # A keyed digest of the line as imported (provider, id, kind, amounts, currency, time, keys,
    # memo): services/statements.py writes it, audit verify checks it.
    seal: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))


class LineMatch(SQLModel, table=True):
    """A statement line tied to an order: how much of the line's amount is the order's (a line
    may pay several orders, an order may be paid by several lines), by which rule or person."""

    __tablename__ = "line_matches"
    __table_args__ = (Index("ix_line_matches_order", "order_id"),)
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    line_id: int = Field(sa_column=Column(BigInteger, ForeignKey("statement_lines.id", ondelete="CASCADE"),
                                          primary_key=True))
    order_id: int = Field(sa_column=Column(BigInteger, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True))
    amount_minor: int = Field(sa_column=_money())
    rule: str = Field(sa_column=Column(String(64), nullable=False))
    matched_by: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    matched_at: datetime = Field(sa_column=_time())


class OrderReconciliation(SQLModel, table=True):
    """An order's reconciliation as last worked out (services/reconcile.py): its state (green,
    amber, red, excluded, confirmed), what the order says was paid (`expected_minor`), what the
    matched statement lines received, the difference, how many lines, and who confirmed or
    excluded it and why."""

    __tablename__ = "order_reconciliation"
    __table_args__ = (Index("ix_order_reconciliation_state", "state"),)
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]

    order_id: int = Field(sa_column=Column(BigInteger, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True))
    state: str = Field(sa_column=Column(String(16), nullable=False))
    expected_minor: int = Field(sa_column=_money())
    received_minor: int = Field(sa_column=_money())
    difference_minor: int = Field(sa_column=_money())
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    line_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    decided_by: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_at: datetime = Field(sa_column=_time())


# ---- stock (issue 29; migration 0020; services/stock.py) ---------------------------------------

class StockItem(SQLModel, table=True):
    """One SKU on the shelf. `reserved` is derived (the sum of its stock_reservations), kept in the
    same transaction; the CHECKs hold "never negative" and "never more reserved than on hand" on
    both backends, whatever writes the row."""

    __tablename__ = "stock_items"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="ck_stock_items_on_hand"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="ck_stock_items_reserved"),
        CheckConstraint("safety >= 0", name="ck_stock_items_safety"),
        CheckConstraint("incoming >= 0", name="ck_stock_items_incoming"),
        Index("ix_stock_items_location", "location", "sku"),
    )

    sku: str = Field(sa_column=Column(String(64), primary_key=True))
    title: str = Field(default="", sa_column=Column(String(300), nullable=False, default=""))
    location: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    on_hand: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    reserved: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    safety: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    incoming: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    added_at: datetime = Field(sa_column=_time())
    updated_at: datetime = Field(sa_column=_time())


class StockBarcode(SQLModel, table=True):
    """A barcode printed on an SKU's box or label (EAN-13, the shop's own code): a code names one SKU."""

    __tablename__ = "stock_barcodes"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (Index("ix_stock_barcodes_sku", "sku"),)

    code: str = Field(sa_column=Column(String(64), primary_key=True))
    sku: str = Field(sa_column=Column(String(64), ForeignKey("stock_items.sku", ondelete="CASCADE"), nullable=False))


class StockMovement(SQLModel, table=True):
    """One change of an SKU's on-hand or incoming quantity: who, when, from which source, why, and
    what it left. Each is also an event of the keyed audit trail (action "stock", field = SKU)."""

    __tablename__ = "stock_movements"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (Index("ix_stock_movements_sku", "sku", "id"),)

    id: int | None = Field(default=None, sa_column=_id())
    sku: str = Field(sa_column=Column(String(64), nullable=False))
    at: datetime = Field(sa_column=_time())
    actor: str = Field(sa_column=Column(String(100), nullable=False))
    source: str = Field(sa_column=Column(String(64), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    delta: int = Field(sa_column=Column(Integer, nullable=False))
    on_hand_after: int = Field(sa_column=Column(Integer, nullable=False))
    incoming_after: int = Field(sa_column=Column(Integer, nullable=False))
    order_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    order_no: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class StockReservation(SQLModel, table=True):
    """What one order line holds of its SKU (derived, services/stock.py): `wanted` still to ship,
    `reserved` of it, `missing` the rest; `priority_at` its place in the queue (first paid)."""

    __tablename__ = "stock_reservations"
    if TYPE_CHECKING:  # SQLAlchemy sets it on the class; SQLModel does not declare its type
        __table__: ClassVar[Table]
    __table_args__ = (
        Index("ix_stock_reservations_sku", "sku"),
        Index("ix_stock_reservations_order", "order_id"),
        Index("ix_stock_reservations_missing", "missing", "order_id"),
    )

    line_id: int = Field(sa_column=Column(BigInteger, ForeignKey("order_lines.id", ondelete="CASCADE"),
                                          primary_key=True))
    order_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    sku: str = Field(sa_column=Column(String(64), nullable=False))
    wanted: int = Field(sa_column=Column(Integer, nullable=False))
    reserved: int = Field(sa_column=Column(Integer, nullable=False))
    missing: int = Field(sa_column=Column(Integer, nullable=False))
    priority_at: datetime = Field(sa_column=_time())
