"""The session resources: Pulumi dynamic resources over the admin-API client.

The imports under `if TYPE_CHECKING:` are the one list of the public names (re-exported by
`aic_sessions` too; `exports.py` reads them at run time). Each name loads its own module on
first use (PEP 562): the provider process unpickles the providers of the resources a stack has
and imports only their modules (a stack without ESVs never imports `esv_secret` or
`tenant_restart`), and `import aic_sessions` imports neither Pulumi nor pydantic.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING
from typing import Any as _Any

from .exports import EXPORTS as _EXPORTS

if TYPE_CHECKING:  # `X as X`: re-exported for type checkers
    from .authenticated import AuthenticatedOptions as AuthenticatedOptions
    from .authenticated import AuthenticatedSessionSettings as AuthenticatedSessionSettings
    from .baseline import RealmBaseline as RealmBaseline
    from .environment import StackEnvironment as StackEnvironment
    from .esv_secret import EsvSecret as EsvSecret
    from .journey import JourneyOptions as JourneyOptions
    from .journey import JourneySessionSettings as JourneySessionSettings
    from .naming import OnDelete as OnDelete
    from .naming import StateManagementName as StateManagementName
    from .naming import ValueSource as ValueSource
    from .promotion import Promotion as Promotion
    from .realm import EsvOptions as EsvOptions
    from .realm import RealmSessionSettings as RealmSessionSettings
    from .realm import SigningSecretOptions as SigningSecretOptions
    from .signing_secret import SigningSecret as SigningSecret
    from .tenant_restart import TenantRestart as TenantRestart
# No `__all__`: type checkers then take the names above for `from aic_sessions.resources import *`.


def __getattr__(name: str) -> _Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
