"""Everything a process needs, built once from the settings: the spine of engage."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Iterable, Mapping

from engage.db import Database, database_url_from, note_write, read_replica_from
from engage.domain.application import EngageApplication
from engage.domain.written import unit_of_work
from engage.identity import passwords
from engage.identity.service import AccountService, Limits
from engage.identity.sessions import IDLE_TIMEOUT, MAX_AGE, SessionStore
from engage.identity.store import IdentityStore
from engage.kek import keyring_from_settings
from engage.policies.support import SupportPolicy
from engage.projections import all_projections
from engage.projections.consultations.projection import ConsultationsProjection
from engage.projections.engine import ProjectionEngine, ProjectionWorker
from engage.projections.transparency import cosignatures
from engage.projections.transparency.projection import NAME as TRANSPARENCY
from engage.projections.transparency.projection import CheckpointSigner
from engage.transparency.keyfile import checkpoint_interval_from, signer_from_settings
from engage.vault import Vault

log = logging.getLogger(__name__)


def as_bool(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "y"}


def identifier_key(settings: Mapping[str, Any]) -> bytes:
    key = settings.get("engage.identifier_key")
    if not key:
        raise ValueError("set ENGAGE_IDENTIFIER_KEY (or engage.identifier_key in a development ini)")
    return str(key).encode()


def session_store(db: Database, settings: Mapping[str, Any]) -> SessionStore:
    """Sessions' idle timeout and absolute lifetime, in seconds (30 minutes and 12 hours by default)."""
    idle = float(settings.get("engage.session.idle_timeout", IDLE_TIMEOUT.total_seconds()))
    max_age = float(settings.get("engage.session.max_age", MAX_AGE.total_seconds()))
    if idle <= 0 or max_age <= 0:
        raise ValueError("engage.session.idle_timeout and engage.session.max_age must be positive (seconds)")
    store = SessionStore(db, idle_timeout=timedelta(seconds=idle), max_age=timedelta(seconds=max_age))
    store.setup()
    return store


@dataclass
class Engage:
    db: Database
    vault: Vault
    app: EngageApplication
    engine: ProjectionEngine
    accounts: AccountService | None = None
    sessions: SessionStore | None = None  # signed-in sessions, server-side
    checkpoints: CheckpointSigner | None = None  # the transparency log's signer
    worker: ProjectionWorker | None = None
    read_your_writes_timeout: float = 5.0
    settings: Mapping[str, Any] = field(default_factory=dict)
    witnesses: list = field(default_factory=list)  # whose cosignatures the log accepts
    # After-catch-up hooks with the read model each one reads: (projection name, hook).
    hooks: list[tuple[str, Callable[[], object]]] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], *, run_projections: bool | None = None) -> "Engage":
        url = database_url_from(dict(settings))
        # First, before any connection opens: production refuses to start without its key.
        signer = signer_from_settings(settings)
        keyring = keyring_from_settings(settings)  # and without the vault's key-encryption key
        passwords.use_profile(settings.get("engage.password_hashing", "standard"))
        db = Database(url, pool_size=int(settings.get("engage.database.pool_size", 10)),
                      pool_timeout=float(settings.get("engage.database.pool_timeout", 30)),
                      replica=read_replica_from(dict(settings)))
        vault = Vault(db, keyring)
        with db.setting_up():  # every table created here, one process at a time
            vault.setup()
            app = EngageApplication(  # the event store's tables
                env=db.url.eventsourcing_env(), vault=vault, identifier_key=identifier_key(settings)
            )
            engine = ProjectionEngine(app, db, all_projections(vault, identifier_key(settings)))
            engine.setup()
            identity = IdentityStore(db)
            identity.setup()
            cosignatures.setup(db)
            sessions = session_store(db, settings)
        if as_bool(settings.get("engage.group_commit", "true")):
            app.enable_group_commit()
        checkpoints = CheckpointSigner(db, signer, interval=checkpoint_interval_from(settings))
        # Each hook with the read model it reads: a projection group runs those of its own
        # read models (engage/projections/groups.py), one worker for all runs them all.
        hooks: list[tuple[str, Callable[[], object]]] = [(TRANSPARENCY, checkpoints.sign_if_due)]
        if settings.get("engage.transparency.tiles_dir"):  # static tiles, after each signature
            from engage.projections.transparency.tiles import TileWriter

            hooks.append((TRANSPARENCY, TileWriter(db, settings["engage.transparency.tiles_dir"], signer=checkpoints)))
        support = SupportPolicy(app, db)  # reads rm_support_due, when its projection says rows may be there
        engine.projections[ConsultationsProjection.name].support_due = support.cue
        hooks.append((ConsultationsProjection.name, support))
        engine.after_catch_up.extend(hook for _, hook in hooks)
        engage = cls(
            db=db,
            accounts=AccountService(app, identity, Limits.from_settings(settings), sessions),
            sessions=sessions,
            checkpoints=checkpoints,
            vault=vault,
            app=app,
            engine=engine,
            read_your_writes_timeout=float(settings.get("engage.read_your_writes_timeout", 5)),
            settings=settings,
            witnesses=cosignatures.witnesses_from(settings),
            hooks=hooks,
        )
        if run_projections is None:
            run_projections = as_bool(settings.get("engage.projections.in_process", "false"))
        if run_projections:
            engage.worker = ProjectionWorker(engine)
            engage.worker.start_thread()
            # Its batches wake this process's waiters: no need to listen for other workers'.
            engine.listen = False
        return engage

    def wait_for(self, position: int, projections: Iterable[str] | None = None,
                 written: Iterable[type] = ()) -> None:
        """Bounded read-your-writes wait for the named projections (every one when None): the
        read models the next page reads, less those that follow none of the event classes
        `written` (they cannot have changed; nothing is left out when `written` is empty).
        Raises ProjectionTimeout when it runs out. Inside a web request, the visitor's position
        in the primary's WAL is remembered afterwards, for the read replica (engage/replica.py)."""
        note_write()
        poke = self.worker.poke if self.worker else None
        written = tuple(written)
        if written:
            projections = self.engine.changed_by(self.engine.projections_named(projections), written)
        self.engine.wait_for(position, self.read_your_writes_timeout, poke=poke, projections=projections)

    def close(self) -> None:
        if self.worker:
            self.worker.stop()
        self.engine.close()
        self.app.close()
        self.db.close()


def unit_of_work_tween_factory(handler, registry):
    """Each request is a unit of work: what its command writes is noted (engage/domain/written.py),
    for the read-your-writes wait of its answer."""

    def unit_of_work_tween(request):
        with unit_of_work():
            return handler(request)

    return unit_of_work_tween


def includeme(config) -> None:
    engage = Engage.from_settings(config.get_settings())
    config.registry.engage = engage
    config.add_tween("engage.services.unit_of_work_tween_factory")
