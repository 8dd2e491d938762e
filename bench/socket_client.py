"""One browser tab as the portal's backend sees it, without a browser: the websocket of Reflex's
frontend (reflex_base/.templates/web/utils/state.js) speaking Engine.IO 4 / Socket.IO 5, its
packets built and read by python-engineio and python-socketio, over a plain asyncio connection
(wsproto does the websocket framing). Loopback only.

What the tab does is what state.js does: the hydrate event rides in the Socket.IO CONNECT packet
(`auth.event`), a page change inside the app sends `on_load_internal` with the new router data,
the sections that load themselves when they appear send their own events, pings are answered.
The page's event is done when the root state's `is_hydrated` turns true (Reflex sets it after the
page's on_load handlers have run); a section's when its state arrives."""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

from engineio import packet as eio
from socketio import packet as sio
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, RejectConnection, Request, TextMessage

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
HYDRATED = "is_hydrated_rx_state_"
ACCESS = "access_rx_state_"  # PageState.access: "checking", "ok" or "denied"
REFLEX_VERSION = "0.10.1"  # the websocket subprotocol the frontend sends (its Reflex version)


@dataclass(frozen=True)
class Page:
    """A page as the router reports it (the real path and the route's params), the full name of
    its state (the one its on_load fills), and the sections that load themselves when they appear
    (on_mount, once the page's state says access "ok"): (event name, full state name) each."""

    path: str
    state: str
    query: dict[str, str] = field(default_factory=dict)
    sections: tuple[tuple[str, str], ...] = ()

    def router_data(self) -> dict:
        data: dict = {"pathname": self.path, "asPath": self.path}
        if self.query:
            data["query"] = dict(self.query)
        return data


class PageLoadFailed(Exception):
    """The page did not load as a signed-in person's page (a redirect, an error, a closed socket)."""


class Tab:
    """One connected tab: `open(page)` connects and hydrates on that page, `visit(page)` changes
    page inside the app. Each returns the latency (seconds) of every event the page sent: the
    hydrate or on_load_internal until `is_hydrated`, then each section's load until its state
    arrives; each checks that the page and every section said access "ok"."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie, self.token = port, cookie, str(uuid.uuid4())
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pump: asyncio.Task | None = None
        self._waiting: dict[str, asyncio.Future] = {}  # a full state name (or HYDRATED) -> its arrival
        self._text = ""
        self.access: dict[str, str] = {}
        self.redirects: list[str] = []
        self.closed = False

    async def open(self, page: Page, timeout: float) -> list[float]:
        self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        started = time.perf_counter()
        hydrated = self._expect(HYDRATED)
        self._send_raw(self._ws.send(Request(
            host=f"127.0.0.1:{self.port}", target=f"{NAMESPACE}/?EIO=4&transport=websocket&token={self.token}",
            subprotocols=[REFLEX_VERSION],
            extra_headers=[(b"cookie", self.cookie.encode()), (b"origin", f"http://127.0.0.1:{self.port}".encode()),
                           (b"user-agent", b"bench/load")])))
        self._pump = asyncio.create_task(self._read_loop(page))
        return await self._load(page, started, hydrated, timeout)

    async def visit(self, page: Page, timeout: float) -> list[float]:
        started, hydrated = time.perf_counter(), self._expect(HYDRATED)
        self._send_event(ON_LOAD, page)
        return await self._load(page, started, hydrated, timeout)

    async def close(self) -> None:
        if self._writer is not None and not self.closed:
            self.closed = True
            try:
                self._send_raw(self._ws.send(CloseConnection(code=1000)))
                await self._writer.drain()
            except (ConnectionError, RuntimeError):
                pass
            self._writer.close()
        if self._pump is not None:
            self._pump.cancel()

    async def _load(self, page: Page, started: float, hydrated: asyncio.Future, timeout: float) -> list[float]:
        self.redirects.clear()
        latencies = [await self._until(hydrated, started, timeout)]
        self._check(page.state)
        for name, state in page.sections:  # all mount at once when the page's content appears
            self._send_event(name, page)
        sent = time.perf_counter()
        waits = [self._expect(state) for _name, state in page.sections]
        for (_name, state), arrival in zip(page.sections, waits):
            latencies.append(await self._until(arrival, sent, timeout))
            self._check(state)
        return latencies

    def _check(self, state: str) -> None:
        if self.redirects:
            raise PageLoadFailed(f"sent to {self.redirects[0]}")
        if self.access.get(state) != "ok":
            raise PageLoadFailed(f"{state.rsplit('.', 1)[-1]} says access {self.access.get(state)!r}")

    def _expect(self, key: str) -> asyncio.Future:
        self._waiting[key] = asyncio.get_running_loop().create_future()
        return self._waiting[key]

    async def _until(self, arrival: asyncio.Future, started: float, timeout: float) -> float:
        assert self._pump is not None
        done, _ = await asyncio.wait([arrival, self._pump], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if arrival in done:
            return arrival.result() - started
        if self._pump in done and self._pump.exception() is not None:
            raise self._pump.exception()
        raise PageLoadFailed("the socket closed" if self._pump in done else f"not loaded within {timeout:.0f} s")

    # ---- the wire --------------------------------------------------------------------------
    def _send_raw(self, data: bytes) -> None:
        assert self._writer is not None
        self._writer.write(data)

    def _send_event(self, name: str, page: Page) -> None:
        self._emit(sio.Packet(sio.EVENT, ["event", {"name": name, "payload": {}, "router_data": page.router_data()}],
                              namespace=NAMESPACE))

    def _emit(self, packet: sio.Packet) -> None:
        text = eio.Packet(eio.MESSAGE, packet.encode()).encode()
        self._send_raw(self._ws.send(TextMessage(data=text)))

    async def _read_loop(self, first_page: Page) -> None:
        assert self._reader is not None
        while data := await self._reader.read(65536):
            self._ws.receive_data(data)
            for event in self._ws.events():
                if isinstance(event, RejectConnection):
                    raise PageLoadFailed(f"websocket refused ({event.status_code})")
                if isinstance(event, CloseConnection):
                    return
                if isinstance(event, TextMessage):
                    self._text += event.data
                    if event.message_finished:
                        text, self._text = self._text, ""
                        self._on_text(text, first_page)
                elif not isinstance(event, AcceptConnection):
                    continue
            if self._writer is not None:
                await self._writer.drain()

    def _on_text(self, text: str, first_page: Page) -> None:
        packet = eio.Packet(encoded_packet=text)
        if packet.packet_type == eio.OPEN:  # the Engine.IO handshake: connect the namespace, hydrate in it
            hydrate = {"name": HYDRATE, "payload": {}, "router_data": first_page.router_data()}
            self._emit(sio.Packet(sio.CONNECT, {"event": hydrate}, namespace=NAMESPACE))
        elif packet.packet_type == eio.PING:
            self._send_raw(self._ws.send(TextMessage(data=eio.Packet(eio.PONG).encode())))
        elif packet.packet_type == eio.MESSAGE:
            message = sio.Packet(encoded_packet=packet.data)
            if message.packet_type == sio.EVENT and message.data and message.data[0] == "event":
                self._on_update(message.data[1])

    def _on_update(self, update: dict) -> None:
        for event in update.get("events") or []:
            if event.get("name") == "_redirect":
                self.redirects.append(event.get("payload", {}).get("path", "?"))
        now = time.perf_counter()
        for state, changes in (update.get("delta") or {}).items():
            if ACCESS in changes:
                self.access[state] = changes[ACCESS]
            key = HYDRATED if state == ROOT_STATE and changes.get(HYDRATED) is True else state
            if (waiting := self._waiting.pop(key, None)) is not None and not waiting.done():
                waiting.set_result(now)
