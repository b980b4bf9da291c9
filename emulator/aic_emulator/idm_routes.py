"""The one IDM endpoint frodo-cli reads on AIC: `GET /openidm/managed/svcacct/<id>`.

frodo calls it after a service-account login to name the account it is connected as.
Needs a bearer token with scope `fr:idm:*`. The answer has the shape of an AIC managed
service-account object (`jwks` is a JSON string of the public keys, as IDM stores it).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response

from aic_emulator.documents import etag_of
from aic_emulator.errors import Forbidden, NotFound, Unauthorized
from aic_emulator.web import bearer_token, emulator, json_response

IDM_SCOPE = "fr:idm:*"

bp = Blueprint("idm", __name__, url_prefix="/openidm")


@bp.get("/managed/svcacct/<account_id>")
def service_account(account_id: str) -> Response:
    store = emulator().store
    with store.lock:
        record = store.state["accessTokens"].get(bearer_token() or "")
        if record is None or record["exp"] <= store.now():
            raise Unauthorized()
        if IDM_SCOPE not in record["scopes"]:
            raise Forbidden("Access Denied")
        account = store.state["serviceAccounts"].get(account_id)
        if account is None:
            raise NotFound(f"Object {account_id} not found in managed/svcacct")
        doc = {
            "_id": account_id,
            "name": f"emulator-{account_id[:8]}",
            "description": "service account of the local emulator",
            "accountStatus": "active",
            "scopes": list(account["scopes"]),
            "jwks": json.dumps({"keys": [account["publicJwk"]]}),
        }
    return json_response({**doc, "_rev": etag_of(doc)})
