"""Default documents, taken verbatim from the recordings in tests/fixtures/recorded.

`realm_authentication(flavour, realm)` is the realm authentication-settings document as AIC
(alpha) and AM 8 (root) send it; `global_authentication()` is AM's global document. The only
per-realm adjustment is `postauthprocess.loginSuccessUrl` (AIC: `/enduser/?realm=/<realm>`).
`ATTRIBUTE_TYPES` is the schema used to validate PUTs and to answer `_action=schema`.
"""

from __future__ import annotations

import copy
from typing import Any

AIC_DEFAULT_SECRET_REF = "&{am.authentication.shared.secret}"  # noqa: S105 (a reference)
STATE_MANAGEMENT = ["JWT", "CTS", "IN_MEMORY"]
DYNAMIC_PROFILE = ["false", "true", "ignore", "createAlias"]

_POSTAUTH = {
    "usernameGeneratorClass": "com.sun.identity.authentication.spi.DefaultUserIDGenerator",
    "usernameGeneratorEnabled": True,
    "loginPostProcessClass": [],
    "loginSuccessUrl": ["/am/console"],
    "userAttributeSessionMapping": [],
    "loginFailureUrl": [],
}
_SECURITY_AM = {
    "zeroPageLoginEnabled": False,
    "zeroPageLoginReferrerWhiteList": [],
    "zeroPageLoginAllowedWithoutReferrer": True,
    "moduleBasedAuthEnabled": True,
    "sharedSecret": None,
    "addClearSiteDataHeader": True,
}
_TREES = {
    "suspendedAuthenticationTimeout": 5,
    "authenticationSessionsStateManagement": "JWT",
    "authenticationSessionsMaxDuration": 5,
    "authenticationTreeCookieHttpOnly": True,
    "authenticationSessionsWhitelist": False,
}
_LOCKOUT = {
    "loginFailureLockoutMode": False,
    "storeInvalidAttemptsInDataStore": True,
    "lockoutDuration": 0,
    "lockoutDurationMultiplier": 1,
    "lockoutWarnUserCount": 0,
    "loginFailureCount": 5,
    "loginFailureDuration": 300,
}
_GENERAL_AM = {
    "userStatusCallbackPlugins": [],
    "statelessSessionsEnabled": False,
    "locale": "en_US",
    "twoFactorRequired": False,
    "identityType": ["agent", "user"],
    "defaultAuthLevel": 0,
}
_USERPROFILE = {"dynamicProfileCreation": "false", "defaultRole": [], "aliasAttributeName": ["uid"]}
_TYPE = {"_id": "EMPTY", "name": "Core", "collection": False}

AM_REALM: dict[str, Any] = {
    "postauthprocess": _POSTAUTH,
    "security": _SECURITY_AM,
    "trees": _TREES,
    "accountlockout": _LOCKOUT,
    "core": {"adminAuthModule": "ldapService", "orgConfig": "ldapService"},
    "general": _GENERAL_AM,
    "userprofile": _USERPROFILE,
    "_id": "",
    "_type": _TYPE,
}

AIC_REALM: dict[str, Any] = {
    "postauthprocess": {**_POSTAUTH, "loginSuccessUrl": ["/enduser/?realm=/alpha"]},
    "security": {
        **{k: v for k, v in _SECURITY_AM.items() if k != "addClearSiteDataHeader"},
        "moduleBasedAuthEnabled": False,
        "sharedSecret": {"$string": AIC_DEFAULT_SECRET_REF},
        "addClearSiteDataHeader": True,
        "keyAlias": "test",
    },
    "trees": {**_TREES, "suspendedAuthenticationTimeout": 1440},
    "accountlockout": _LOCKOUT,
    "core": {"adminAuthModule": "Login", "orgConfig": "Login"},
    "general": {
        "userStatusCallbackPlugins": [],
        "statelessSessionsEnabled": False,
        "locale": "en_US",
        "externalLoginPageUrl": "https://volker-demo.encore.forgerock.com/demo/webapp/en/home/redirect",
        "twoFactorRequired": False,
        "identityType": ["agent", "user"],
        "defaultAuthLevel": 0,
    },
    "userprofile": _USERPROFILE,
    "_id": "",
    "_type": _TYPE,
}

AUTHENTICATORS = [
    "com.sun.identity.authentication.modules.ad.AD",
    "org.forgerock.openam.authentication.modules.saml2.SAML2",
    "org.forgerock.openam.authentication.modules.oath.OATH",
    "com.sun.identity.authentication.modules.membership.Membership",
    "com.sun.identity.authentication.modules.jdbc.JDBC",
    "com.sun.identity.authentication.modules.radius.RADIUS",
    "com.sun.identity.authentication.modules.anonymous.Anonymous",
    "com.sun.identity.authentication.modules.cert.Cert",
    "com.sun.identity.authentication.modules.httpbasic.HTTPBasic",
    "org.forgerock.openam.authentication.modules.oidc.OpenIdConnect",
    "com.sun.identity.authentication.modules.ldap.LDAP",
    "org.forgerock.openam.authentication.modules.oauth2.OAuth",
    "org.forgerock.openam.authentication.modules.scripted.Scripted",
    "com.sun.identity.authentication.modules.hotp.HOTP",
    "com.sun.identity.authentication.modules.datastore.DataStore",
    "org.forgerock.openam.authentication.modules.amster.Amster",
]

AM_GLOBAL: dict[str, Any] = {
    "keepPostProcessInstances": False,
    "ldapConnectionPoolSize": [],
    "ldapConnectionPoolDefaultSize": "1:10",
    "remoteAuthSecurityEnabled": False,
    "authenticators": AUTHENTICATORS,
    "defaults": {
        "postauthprocess": _POSTAUTH,
        "security": _SECURITY_AM,
        "trees": _TREES,
        "accountlockout": _LOCKOUT,
        "general": _GENERAL_AM,
        "core": {"adminAuthModule": "[Empty]", "orgConfig": "[Empty]"},
        "userprofile": {**_USERPROFILE, "aliasAttributeName": []},
    },
    "_id": "",
    "_type": _TYPE,
}

SESSION_SERVICE: dict[str, Any] = {
    "_id": "",
    "dynamic": {"maxIdleTime": 30, "maxSessionTime": 120, "quotaLimit": 2, "maxCachingTime": 3},
    "_type": {"_id": "session", "name": "Session", "collection": False},
}

# attribute -> (type, enum or None). Types: boolean, integer (>= 0), string, array, secret.
ATTRIBUTE_TYPES: dict[str, tuple[str, list[str] | None]] = {
    "usernameGeneratorClass": ("string", None),
    "usernameGeneratorEnabled": ("boolean", None),
    "loginPostProcessClass": ("array", None),
    "loginSuccessUrl": ("array", None),
    "userAttributeSessionMapping": ("array", None),
    "loginFailureUrl": ("array", None),
    "zeroPageLoginEnabled": ("boolean", None),
    "zeroPageLoginReferrerWhiteList": ("array", None),
    "zeroPageLoginAllowedWithoutReferrer": ("boolean", None),
    "moduleBasedAuthEnabled": ("boolean", None),
    "sharedSecret": ("secret", None),
    "addClearSiteDataHeader": ("boolean", None),
    "keyAlias": ("string", None),
    "suspendedAuthenticationTimeout": ("integer", None),
    "authenticationSessionsStateManagement": ("string", STATE_MANAGEMENT),
    "authenticationSessionsMaxDuration": ("integer", None),
    "authenticationTreeCookieHttpOnly": ("boolean", None),
    "authenticationSessionsWhitelist": ("boolean", None),
    "loginFailureLockoutMode": ("boolean", None),
    "storeInvalidAttemptsInDataStore": ("boolean", None),
    "lockoutDuration": ("integer", None),
    "lockoutDurationMultiplier": ("integer", None),
    "lockoutWarnUserCount": ("integer", None),
    "loginFailureCount": ("integer", None),
    "loginFailureDuration": ("integer", None),
    "adminAuthModule": ("string", None),
    "orgConfig": ("string", None),
    "userStatusCallbackPlugins": ("array", None),
    "statelessSessionsEnabled": ("boolean", None),
    "locale": ("string", None),
    "externalLoginPageUrl": ("string", None),
    "twoFactorRequired": ("boolean", None),
    "identityType": ("array", None),
    "defaultAuthLevel": ("integer", None),
    "dynamicProfileCreation": ("string", DYNAMIC_PROFILE),
    "defaultRole": ("array", None),
    "aliasAttributeName": ("array", None),
}

SESSION_ATTRIBUTE_TYPES: dict[str, tuple[str, list[str] | None]] = {
    "maxIdleTime": ("integer", None),
    "maxSessionTime": ("integer", None),
    "quotaLimit": ("integer", None),
    "maxCachingTime": ("integer", None),
}


def realm_authentication(flavour: str, realm: str) -> dict[str, Any]:
    """The default realm authentication document of `realm` ("/", "/alpha", ...)."""
    doc = copy.deepcopy(AIC_REALM if flavour == "aic" else AM_REALM)
    if flavour == "aic":
        doc["postauthprocess"]["loginSuccessUrl"] = [f"/enduser/?realm={realm}"]
    return doc


def global_authentication() -> dict[str, Any]:
    """AM's default global authentication document."""
    return copy.deepcopy(AM_GLOBAL)


def session_service() -> dict[str, Any]:
    """The default per-realm Session service document."""
    return copy.deepcopy(SESSION_SERVICE)
