"""Settings read once from the environment: one msgspec struct, validated at startup."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

from rush.redis_clients import is_cluster_url

__all__ = [
    "DATABASE_POOLERS",
    "DEV_ENCRYPTION_KEY",
    "DEV_SIGNING_KEY",
    "DEV_WEBHOOK_SECRET",
    "Settings",
    "load_settings",
    "settings_environ",
]

_ENV_PREFIX = "RUSH_"
_ENVIRONMENTS = ("production", "development")
DATABASE_POOLERS = ("none", "pgbouncer")
"""What stands between Rush and Postgres: nothing, or PgBouncer (transaction pooling included)."""

# Published in this file, so only good for the demo and tests: production refuses them.
DEV_SIGNING_KEY = "dev-only-signing-key-change-me"
DEV_ENCRYPTION_KEY = "KVml2oCwABx9oxGUHymvQqtXx6eA_VaYl9aLX359NG0="
"""The key the demo's SIN and health numbers were encrypted with before keys had one job
each (derived from the old development secret), so an existing demo data dir still reads."""
DEV_WEBHOOK_SECRET = "dev-only-webhook-secret"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything Rush reads from its environment.

    An empty `database_url` or `redis_url` means "start the embedded server under `data_dir`".
    """

    env: str = "production"
    """`production` refuses to serve with unsafe settings (`rush.production`); only `rush demo`
    and the tests run as `development`."""
    database_url: str = ""
    database_pooler: str = "none"
    """`pgbouncer` when `database_url` reaches Postgres through PgBouncer (transaction pooling
    supported): no prepared statement or session state then outlives a transaction."""
    redis_url: str = ""
    """The engine's Redis: a plain `redis://` server or a cluster, `redis+cluster://node:port`."""
    jobs_redis_url: str = ""
    """The plain Redis for arq's queue, pub/sub, sessions and rate limits; empty means
    `redis_url`, which a cluster `redis_url` does not allow (`rush.redis_clients`)."""
    redis_max_connections: int = 256
    """Each Redis client's pool bound per process (per node on a cluster): a web process opens
    two clients (engine, jobs), so it holds at most twice this many connections per server."""
    data_dir: Path = Path(".rush-data")
    host: str = "127.0.0.1"
    port: int = msgspec.field(default=8000)
    signing_key: str = DEV_SIGNING_KEY
    """Signs CSRF tokens, admission tokens and queue tickets (sessions are server-side ids);
    never encrypts."""
    encryption_keys: str = DEV_ENCRYPTION_KEY
    """Fernet keys for the SIN and health insurance numbers, comma-separated, newest first:
    new data is written under the first, the others still read until `rush keys rotate`."""
    hold_ttl_seconds: int = 900
    hold_max_lifetime_seconds: int = 1800
    sweep_interval_seconds: int = 5
    admission_token_seconds: int = 1800
    turn_grace_after_paying_seconds: int = 120
    """How long a family that just paid keeps its turn without activity, to add a forgotten
    activity without queueing again; its slot then goes to the next family. 0 frees the slot
    at payment (more families shop at once, no second chance)."""
    instalment_retry_days: int = 3
    """After a declined off-session charge of a second instalment, the card is charged again
    this many days later (the decline policy of `rush.purchase.instalment_charges`)."""
    instalment_grace_days: int = 7
    """Days after the first decline of a second instalment before its unpaid places are
    cancelled, offered to the waitlist, and the first instalment refunded."""
    public_base_url: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "inscriptions@rush.local"
    webhook_secret: str = DEV_WEBHOOK_SECRET
    """The configured provider's webhook signing secret (Stripe: the endpoint's `whsec_…`)."""
    payment_provider: str = "simulated"
    """`simulated` (the demo and tests: no card is charged) or `stripe`."""
    stripe_secret_key: str = ""
    stripe_publishable_key: str = ""
    """The key Stripe.js uses in the family's browser on the `/pay/` page."""
    stripe_api_base: str = ""
    """Empty for Stripe itself; a stand-in's address (localstripe) in tests."""
    stripe_js_url: str = "https://js.stripe.com/v3/"
    accounts_need_approval: bool = False
    """AccèsCité-style: new families wait for staff approval before they can register."""
    trusted_proxies: str = ""
    """The load balancers' addresses (IPs or CIDRs, comma-separated) whose `X-Forwarded-For`
    names the family's address; empty trusts none, so no client can pick its own address and
    slip past the per-address limits. Never `*`."""
    log_level: str = "INFO"
    log_format: str = "text"
    """`text` for a terminal (the demo), `json` for production: one JSON object per line."""
    metrics_token: str = ""
    """When set, `/metrics` needs `Authorization: Bearer <token>`; empty leaves it open."""
    issuer_name: str = "Ville de Mont-Joli — Service des loisirs"
    """The municipality printed at the head of receipts and Relevé 24 slips."""
    issuer_address: str = "Hôtel de ville | Mont-Joli QC"
    """Its address, lines separated by `|`."""
    issuer_number: str = "0000000000"
    """Its Quebec enterprise number (NEQ) or business number; the default is a visible
    placeholder, not a made-up number."""
    help_phone: str = "418 555-0100"
    """The recreation department's help line, in every family page's footer (555-01xx: a
    number reserved for examples, so a town must set its own)."""
    help_hours_fr: str = "du lundi au vendredi, de 8 h 30 à 16 h 30"
    help_hours_en: str = "Monday to Friday, 8:30 a.m. to 4:30 p.m."
    shed_new_arrivals: bool = True
    """When a web process is saturated, answer new arrivals (sign-in, sign-up, queue joins)
    `503` with `Retry-After`, so admitted families keep the cores (`rush.load_shedding`)."""
    shed_loop_lag_ms: int = 100
    """The process's smoothed event-loop lag at which it starts shedding (it stops below half
    of it); 0 sheds every new arrival (drills and tests)."""
    shed_max_in_flight: int = 64
    """Requests in flight in one process at which it sheds new arrivals too; 0: no such cap.
    The lag probe alone fires too late for a spike (it waits in the queue it measures): at
    10,000 families replayed at 30x, 64 took sign-ins timed out from 4,258 to 9
    (docs/benchmarks.md, 2026-12-03)."""
    shed_retry_after_seconds: int = 5
    """The shortest `Retry-After` of a shed answer; each picks between it and twice it."""
    shed_work_slots: int = 0
    """Requests at work at once in one web process; the others wait, an admitted family's
    cart, checkout and payment first and new arrivals last (`rush.work_gate`). 0: no gate,
    the default: one 10,000-family run with 16 slots was not clearly better (docs/benchmarks.md)."""
    shed_arrival_wait_ms: int = 2000
    """A new arrival let in but still waiting for a slot after this long is shed after all."""

    def __post_init__(self) -> None:
        if self.hold_ttl_seconds <= 0 or self.hold_max_lifetime_seconds < self.hold_ttl_seconds:
            raise ValueError("RUSH_HOLD_MAX_LIFETIME_SECONDS must be >= RUSH_HOLD_TTL_SECONDS > 0")
        if not 0 < self.instalment_retry_days <= self.instalment_grace_days:
            raise ValueError("RUSH_INSTALMENT_GRACE_DAYS must be >= RUSH_INSTALMENT_RETRY_DAYS > 0")
        if not 0 < self.port < 65536:
            raise ValueError("RUSH_PORT must be a TCP port")
        if self.log_format not in ("text", "json"):
            raise ValueError("RUSH_LOG_FORMAT must be text or json")
        if self.database_pooler not in DATABASE_POOLERS:
            raise ValueError("RUSH_DATABASE_POOLER must be none or pgbouncer")
        if self.payment_provider not in ("simulated", "stripe"):
            raise ValueError("RUSH_PAYMENT_PROVIDER must be simulated or stripe")
        if not (self.issuer_name.strip() and self.issuer_number.strip()):
            raise ValueError("RUSH_ISSUER_NAME and RUSH_ISSUER_NUMBER must not be empty")
        if self.env not in _ENVIRONMENTS:
            raise ValueError("RUSH_ENV must be production or development")
        for proxy in self.trusted_proxy_list:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError("RUSH_TRUSTED_PROXIES lists IP addresses or CIDRs") from None
        if is_cluster_url(self.jobs_redis_url):
            raise ValueError(
                "RUSH_JOBS_REDIS_URL must name a plain Redis: arq's queue and pub/sub do not"
                " run on a cluster"
            )
        if is_cluster_url(self.redis_url) and not self.jobs_redis_url:
            raise ValueError("REDIS_URL names a cluster: set RUSH_JOBS_REDIS_URL to a plain Redis")
        if self.redis_max_connections < 8:
            raise ValueError("RUSH_REDIS_MAX_CONNECTIONS must be at least 8")
        if min(self.shed_loop_lag_ms, self.shed_max_in_flight, self.shed_work_slots) < 0:
            raise ValueError(
                "RUSH_SHED_LOOP_LAG_MS, RUSH_SHED_MAX_IN_FLIGHT and RUSH_SHED_WORK_SLOTS"
                " cannot be negative"
            )
        if self.shed_arrival_wait_ms < 1:
            raise ValueError("RUSH_SHED_ARRIVAL_WAIT_MS must be at least 1")
        if self.shed_retry_after_seconds < 1:
            raise ValueError("RUSH_SHED_RETRY_AFTER_SECONDS must be at least 1")
        if not self.encryption_key_list:
            raise ValueError("RUSH_ENCRYPTION_KEYS must hold at least one key (`rush keys new`)")

    @property
    def jobs_redis_address(self) -> str:
        """Where arq, pub/sub, sessions and rate limits live: the jobs Redis, or the engine's."""
        return self.jobs_redis_url or self.redis_url

    @property
    def encryption_key_list(self) -> list[str]:
        """The encryption keys, newest first."""
        return [key.strip() for key in self.encryption_keys.split(",") if key.strip()]

    @property
    def trusted_proxy_list(self) -> list[str]:
        """The trusted proxies' addresses and networks, as uvicorn's `forwarded_allow_ips`."""
        return [proxy.strip() for proxy in self.trusted_proxies.split(",") if proxy.strip()]

    @property
    def secure_cookies(self) -> bool:
        """Cookies are sent over https only when the public address is https: a plain-http
        demo must keep its session, and a real deployment cannot forget the flag."""
        return self.public_base_url.startswith("https://")

    @property
    def hold_ttl_ms(self) -> int:
        return self.hold_ttl_seconds * 1000

    @property
    def hold_max_lifetime_ms(self) -> int:
        return self.hold_max_lifetime_seconds * 1000

    @property
    def issuer_address_lines(self) -> list[str]:
        return [line.strip() for line in self.issuer_address.split("|") if line.strip()]


def _decode_path(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(f"cannot read {kind} from the environment")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from `DATABASE_URL`, `REDIS_URL` and every `RUSH_*` variable."""
    env = os.environ if environ is None else environ
    raw: dict[str, str] = {
        key[len(_ENV_PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(_ENV_PREFIX)
        and key[len(_ENV_PREFIX) :].lower() in Settings.__struct_fields__
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        if env.get(name):
            raw[name.lower()] = env[name]
    try:
        return msgspec.convert(raw, Settings, strict=False, dec_hook=_decode_path)
    except msgspec.ValidationError as exc:
        raise ValueError(f"invalid Rush settings: {exc}") from exc


def settings_environ(settings: Settings) -> dict[str, str]:
    """The environment variables `load_settings` reads back as `settings`: how a process hands
    its exact settings to the Rush processes it starts (benchmarks, fault tests)."""
    env: dict[str, str] = {}
    for name, value in msgspec.structs.asdict(settings).items():
        key = name.upper() if name in ("database_url", "redis_url") else _ENV_PREFIX + name.upper()
        env[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return env
