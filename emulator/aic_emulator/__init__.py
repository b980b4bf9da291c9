"""A local emulator of the AM / Ping Advanced Identity Cloud admin API.

Run it with `python -m aic_emulator --flavour aic|am --port 8080` (or `aic-emulator`), or in
tests with `aic_emulator.testing.EmulatorServer`. Base URL: `http://HOST:PORT/am`.

Flavours: `aic` (realms alpha and bravo, random cookie name, root realm config -> 403,
`sharedSecret` shown as an `&{...}` placeholder) and `am` (root plus configurable sub-realms,
cookie `iPlanetDirectoryPro`, `sharedSecret` shown as null). Seeded: admin `amadmin` /
`Password1!`, user `demo` / `Ch4ng3!t` in every sub-realm, a service account with scopes
`fr:am:* fr:idm:* fr:idc:esv:*`. AIC also serves ESV secrets and tenant restarts under
`/environment` (`esv.py`, `esv_routes.py`).

Promotion group (`group.py`, `promotion.py`, `promotion_routes.py`, `static_config.py`):
`aic-emulator --group dev=PORT,staging=PORT,prod=PORT` (or `testing.start_group`) serves
development, optional UAT, staging and production tenants from one process, each on its own
port. Upper tenants refuse static-configuration writes and serve the promotions API under
`/environment/promotion`, pulling from the tenant below (journeys and scripts, under
`.../realm-config/authentication/authenticationtrees/trees/<id>` and `.../scripts/<id>`, are
static configuration too); a lock refuses configuration writes
and ESV calls in both tenants. The answers no source confirms come from
`aic_sessions.client.inferred`.

Layers (like moto): `routes.py` / `auth_routes.py` / `control.py` (thin blueprints) ->
`store.py` + `oauth.py` + `sessions.py` (the domain, one method per operation, under one
lock) -> `errors.py` (one class per wire error). `documents.py` does partial PUT, ETags and
schemas; `defaults.py` holds the recorded default documents.

Control API (JSON, no auth, not counted in the request counts):

    POST   /__emulator/reset                  back to the seeded state; clears faults, counts
    POST   /__emulator/snapshots              {"name"}: keep a copy of the whole state (in
                                               memory; secrets never leave the process)
    POST   /__emulator/snapshots/<name>/restore   the state as saved; clears faults, counts
    POST   /__emulator/users                  {"realm","username","password"}
    POST   /__emulator/service-accounts       {"id"?,"scopes"?,"publicJwk"?} -> {"id","privateJwk"?}
    GET    /__emulator/requests               {"total","counts":{"METHOD /path":n},"writes"}
    DELETE /__emulator/requests               reset the counts
    POST   /__emulator/faults                 {"method","path"(regex),"kind","status","count",
                                               "retryAfter","delayMs"}; see faults.py
    DELETE /__emulator/faults                 remove all faults
    POST   /__emulator/config                 {"accessTokenTtl": seconds, "restartSeconds": s,
                                               "lockSeconds": s, "promotionSeconds": s}
                                               (how long a restart, a lock or unlock, a
                                               promotion or rollback takes on this tenant)
    POST   /__emulator/clock                  {"advanceSeconds": s}: move the emulator clock on
                                               (expires journeys, sessions, tokens, assertions)
    GET    /__emulator/realms/<realm>/signing-secret-digest  {"realm","sha256"} of the secret
    GET    /__emulator/realms/<realm>/static  the realm's static configuration (what a
                                               promotion moves; a literal secret is not shown)
    PUT    /__emulator/realms/<realm>/static/<journeys|scripts>/<uid>   seed an item another
                                               team owns (body: its JSON document)
    DELETE /__emulator/realms/<realm>/static/<journeys|scripts>/<uid>
    GET    /__emulator/group                  {"members":[{"name","role"}],"self"}
    GET    /__emulator/info                   {"flavour","cookieName","realms","serviceAccountId"}

`writes` counts PUT/POST/DELETE/PATCH to `realm-config` / `global-config` endpoints, except
`_action=schema`, and to `/environment/...` (ESVs, restarts; not promotion calls). Requests
are counted before faults are applied, so retries show up.

Faithfulness notes: If-Match is ignored (no 412), like AM's singleton configs. An
unsupported `Accept-API-Version` resource version is CREST's 404 "Requested version ... does
not match any routes"; a malformed header is a 400. A PUT without `Content-Type:
application/json` is a 415.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
