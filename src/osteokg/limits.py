"""The limits of a served endpoint (``osteokg serve``), kept apart from the gateway that
enforces them (:mod:`osteokg.gateway`) so that the command line can show the defaults without
importing the HTTP machinery."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_WORKERS = 3
DEFAULT_MAX_MEMORY_MB = 1024
DEFAULT_MAX_RESULT_MB = 64
DEFAULT_MAX_REQUEST_BYTES = 1 << 20
DEFAULT_MAX_CLIENTS = 256
DEFAULT_IDLE_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Limits:
    """What one served endpoint allows; :mod:`osteokg.gateway` says how each is enforced."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    max_result_bytes: int = DEFAULT_MAX_RESULT_MB << 20
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_clients: int = DEFAULT_MAX_CLIENTS
    idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S
    workers: int = DEFAULT_WORKERS
    allow_service: bool = False

    def describe(self) -> str:
        return (
            f"timeout {self.timeout_s:g} s, memory {self.max_memory_mb} MB per engine "
            f"x {self.workers} engines, results up to {self.max_result_bytes >> 20} MB, "
            f"SERVICE {'allowed' if self.allow_service else 'refused'}"
        )


__all__ = [
    "DEFAULT_IDLE_TIMEOUT_S",
    "DEFAULT_MAX_CLIENTS",
    "DEFAULT_MAX_MEMORY_MB",
    "DEFAULT_MAX_REQUEST_BYTES",
    "DEFAULT_MAX_RESULT_MB",
    "DEFAULT_TIMEOUT_S",
    "DEFAULT_WORKERS",
    "Limits",
]
