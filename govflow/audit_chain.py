"""The audit chain (审计链): every stored event linked to the one before it by SHA-256.

Each event of the application's log gets a link, kept in the chain table next to the
events table (``<events table>_chain``: ``position`` = notification id, ``hash``) and
written in the same transaction as the event, under the lock the store takes for
inserting (govflow.sqlite_persistence, govflow.postgres_persistence).  The link of the
event at position *p* is::

    hash(p) = SHA-256( hash(previous position) || canonical(event at p) )

with ``hash(previous position)`` = 32 zero bytes (:data:`GENESIS`) for the first event.
An edited, removed or inserted event therefore breaks its own link; an edit together
with recomputed links from there on is caught by comparing with a head recorded outside
the system (``GET /audit/head``, ``govflow audit verify --expect-head``).

Canonical bytes of a stored event (:func:`canonical_bytes`), all integers unsigned
64-bit big-endian, each variable-length field preceded by its length in bytes::

    position | originator_version
    | len(originator_id) | originator_id   (UTF-8: a UUID in its 36-character lowercase
                                            hyphenated form, any other id as stored)
    | len(topic) | topic                   (UTF-8)
    | len(state) | state                   (the stored bytes, exactly as recorded)

The fixed order and the length prefixes make the encoding unambiguous: no two different
events have the same canonical bytes.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory, Notification, StoredEvent
from eventsourcing.utils import Environment

ALGORITHM = "sha256"
GENESIS = bytes(32)
"""The hash before the first event: 32 zero bytes."""

VERIFY_BATCH = 500

_U64 = struct.Struct(">Q")


@dataclass(frozen=True)
class ChainLink:
    """The link of the event at ``position`` (its notification id)."""

    position: int
    hash: bytes


@dataclass(frozen=True)
class ChainHead:
    """The last link of the chain: position 0 and :data:`GENESIS` while the log is empty."""

    position: int
    hash: bytes

    @property
    def hash_hex(self) -> str:
        return self.hash.hex()

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        """A head written as ``<position>:<hash hex>`` (as ``govflow audit head`` prints it)."""
        position, _, hash_hex = text.strip().partition(":")
        try:
            head = cls(position=int(position), hash=bytes.fromhex(hash_hex))
        except ValueError:
            head = None
        if head is None or head.position < 0 or len(head.hash) != len(GENESIS):
            msg = (f"链头 {text!r} 的格式不对；应为 <位置>:<64 位十六进制哈希>，"
                   "如 govflow audit head 所示")
            raise ValueError(msg)
        return head

    def __str__(self) -> str:
        return f"{self.position}:{self.hash_hex}"


GENESIS_HEAD = ChainHead(position=0, hash=GENESIS)


@dataclass(frozen=True)
class ChainBatch:
    """Events and links after one position, read together from one snapshot of the store."""

    events: Sequence[Notification]
    links: Sequence[ChainLink]


@runtime_checkable
class ChainedRecorder(Protocol):
    """An application recorder that keeps the audit chain."""

    def chain_head(self) -> ChainHead: ...

    def select_chain(self, *, after: int, limit: int) -> ChainBatch:
        """Up to ``limit`` events and up to ``limit`` links whose position is > ``after``,
        each in position order."""
        ...


def canonical_bytes(
    *, position: int, originator_id: UUID | str, originator_version: int, topic: str,
    state: bytes,
) -> bytes:
    """The bytes a link hashes (layout in the module docstring)."""
    parts = [_U64.pack(position), _U64.pack(originator_version)]
    for field in (str(originator_id).encode(), topic.encode(), state):
        parts.append(_U64.pack(len(field)))
        parts.append(field)
    return b"".join(parts)


def link_hash(previous: bytes, canonical: bytes) -> bytes:
    return hashlib.sha256(previous + canonical).digest()


def chain_links(
    previous: bytes, events: Iterable[tuple[int, StoredEvent]]
) -> list[ChainLink]:
    """The links of ``events`` (position, stored event) appended after the hash ``previous``."""
    links: list[ChainLink] = []
    for position, event in sorted(events, key=lambda pair: pair[0]):
        previous = link_hash(previous, canonical_bytes(
            position=position, originator_id=event.originator_id,
            originator_version=event.originator_version, topic=event.topic, state=event.state,
        ))
        links.append(ChainLink(position=position, hash=previous))
    return links


def chain_from_genesis(
    select_after: Callable[[int], Sequence[Notification]],
    append: Callable[[Sequence[ChainLink]], None],
) -> None:
    """Links every event of a log from the first, a batch at a time: ``select_after(p)``
    gives a batch of events after position ``p``, ``append`` stores their links."""
    previous, after = GENESIS, 0
    while events := select_after(after):
        links = chain_links(previous, [(event.id, event) for event in events])
        append(links)
        previous, after = links[-1].hash, links[-1].position


# --- verification -----------------------------------------------------------------


class BreakReason(Enum):
    """Why the chain breaks at a position (Chinese, for the people who read the report)."""

    HASH_MISMATCH = "哈希不符"
    MISSING_LINK = "缺少链记录"
    MISSING_EVENT = "缺少事件"
    MISSING_ACTOR_OR_COMMAND = "事件缺少操作人或命令号"
    HEAD_MISMATCH = "与记录的链头不符"


@dataclass(frozen=True)
class ChainBreak:
    position: int
    reason: BreakReason
    detail: str


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the log: ``checked`` events were intact up to ``head``."""

    checked: int
    head: ChainHead
    broken: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def summary(self) -> str:
        """What a person reads after ``govflow audit verify`` (Chinese)."""
        if self.broken is None:
            return (f"审计链完整：已核验 {self.checked} 个事件；"
                    f"链头 位置 {self.head.position}，{ALGORITHM} {self.head.hash_hex}")
        return (f"审计链在位置 {self.broken.position} 断开：{self.broken.reason.value}"
                f"（{self.broken.detail}）；此前 {self.checked} 个事件完好，"
                f"最后完好的链头 位置 {self.head.position}，{ALGORITHM} {self.head.hash_hex}")


def verify_chain(
    recorder: ChainedRecorder, *, expected_head: ChainHead | None = None,
    batch_size: int = VERIFY_BATCH,
) -> Verification:
    """Walks the log in position order, ``batch_size`` events at a time, recomputing each
    link from the genesis; stops at the first broken one.

    ``expected_head`` is a head recorded earlier outside the system: the log must still
    pass through it (an edit whose later links were all recomputed, or a log cut short,
    does not).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    previous, head, checked = GENESIS, GENESIS_HEAD, 0
    if expected_head is not None and expected_head.position == 0:
        if expected_head.hash != GENESIS:
            return Verification(checked=0, head=head, broken=ChainBreak(
                position=0, reason=BreakReason.HEAD_MISMATCH,
                detail="位置 0 的链头只能是创世哈希（全零）"))
        expected_head = None
    for position, event, link in _walk(recorder, batch_size):
        broken = _check(position, event, link, previous)
        if broken is None and expected_head is not None and position >= expected_head.position:
            broken = _against_expected(expected_head, position, link)
            expected_head = None
        if broken is not None:
            return Verification(checked=checked, head=head, broken=broken)
        assert link is not None
        previous = link.hash
        head, checked = ChainHead(position=position, hash=previous), checked + 1
    if expected_head is not None and expected_head.position > head.position:
        return Verification(checked=checked, head=head, broken=ChainBreak(
            position=expected_head.position, reason=BreakReason.HEAD_MISMATCH,
            detail=f"记录的链头在位置 {expected_head.position}，日志只到位置 {head.position}"))
    return Verification(checked=checked, head=head)


def _against_expected(
    expected: ChainHead, position: int, link: ChainLink | None
) -> ChainBreak | None:
    if position != expected.position:
        return ChainBreak(position=expected.position, reason=BreakReason.HEAD_MISMATCH,
                          detail=f"日志中没有位置 {expected.position} 的事件")
    assert link is not None
    if link.hash != expected.hash:
        return ChainBreak(position=position, reason=BreakReason.HEAD_MISMATCH, detail=(
            f"记录的哈希为 {expected.hash.hex()}，日志在此位置的哈希为 {link.hash.hex()}"))
    return None


def _check(
    position: int, event: Notification | None, link: ChainLink | None, previous: bytes
) -> ChainBreak | None:
    if event is None:
        return ChainBreak(position=position, reason=BreakReason.MISSING_EVENT,
                          detail="链记录所指的事件已不在日志中")
    if link is None:
        return ChainBreak(position=position, reason=BreakReason.MISSING_LINK,
                          detail="日志中的事件没有对应的链记录")
    computed = link_hash(previous, canonical_bytes(
        position=position, originator_id=event.originator_id,
        originator_version=event.originator_version, topic=event.topic, state=event.state,
    ))
    if computed != link.hash:
        return ChainBreak(position=position, reason=BreakReason.HASH_MISMATCH, detail=(
            f"重新计算的哈希为 {computed.hex()}，链记录为 {link.hash.hex()}"))
    missing = _missing_actor_or_command(event.state)
    if missing:
        return ChainBreak(position=position, reason=BreakReason.MISSING_ACTOR_OR_COMMAND,
                          detail=f"{event.topic}：{missing}")
    return None


def _missing_actor_or_command(state: bytes) -> str:
    """What the event's state lacks of who acted and the command id; empty when complete."""
    try:
        fields: Any = json.loads(state)
    except (UnicodeDecodeError, ValueError):
        return "状态不是 JSON，无法读出操作人和命令号"
    if not isinstance(fields, dict):
        return "状态不是 JSON 对象"
    lacking = []
    actor = fields.get("actor")
    if not (isinstance(actor, dict) and _text(actor.get("user")) and _text(actor.get("role"))
            and "scope" in actor):
        lacking.append("操作人（actor：user、role、scope）")
    if not _text(fields.get("command_id")):
        lacking.append("命令号（command_id）")
    return "缺少" + "、".join(lacking) if lacking else ""


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _walk(
    recorder: ChainedRecorder, batch_size: int
) -> Iterator[tuple[int, Notification | None, ChainLink | None]]:
    """Positions in order with their event and link (either may be missing).

    Each batch holds at most ``batch_size`` events and links; positions up to the last
    one both lists are sure to cover are yielded, and the next batch starts after it.
    """
    after = 0
    while True:
        batch = recorder.select_chain(after=after, limit=batch_size)
        bounds = [items[-1] for items in (
            [e.id for e in batch.events], [link.position for link in batch.links],
        ) if len(items) == batch_size]
        bound = min(bounds) if bounds else None
        events = {e.id: e for e in batch.events if bound is None or e.id <= bound}
        links = {link.position: link for link in batch.links
                 if bound is None or link.position <= bound}
        for position in sorted(events.keys() | links.keys()):
            yield position, events.get(position), links.get(position)
        if bound is None:
            return
        after = bound


class AuditChainUnavailableError(Exception):
    """The event store's recorder keeps no audit chain (not a govflow persistence module)."""


class RecorderAuditLog:
    """The audit chain of an application's event store: its head and its verification."""

    algorithm = ALGORITHM

    def __init__(self, recorder: ChainedRecorder, *, factory: InfrastructureFactory[Any] | None
                 = None) -> None:
        self._recorder = recorder
        self._factory = factory

    @classmethod
    def open(cls, *, application_name: str, env: Mapping[str, str]) -> RecorderAuditLog:
        """The application recorder of the store ``env`` describes, as eventsourcing opens
        it for the application ``application_name`` (its tables created, its chain filled)."""
        factory: InfrastructureFactory[Any] = InfrastructureFactory.construct(
            Environment(application_name, env))
        recorder = factory.application_recorder()
        if not isinstance(recorder, ChainedRecorder):
            factory.close()
            msg = (f"{type(recorder).__qualname__} keeps no audit chain; use "
                   "PERSISTENCE_MODULE=govflow.sqlite_persistence or govflow.postgres_persistence")
            raise AuditChainUnavailableError(msg)
        return cls(recorder, factory=factory)

    def head(self) -> ChainHead:
        return self._recorder.chain_head()

    def verify(self, *, expected_head: ChainHead | None = None) -> Verification:
        return verify_chain(self._recorder, expected_head=expected_head)

    def close(self) -> None:
        if self._factory is not None:
            self._factory.close()
